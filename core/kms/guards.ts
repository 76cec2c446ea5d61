/** Checks shared by the use cases; each throws the contract's error and changes nothing. */
import { KwError } from '../api/errors.ts';
import { SPEC_CAPABILITIES, type KeyFamily, type KeyUsage } from '../domain/key-specs.ts';
import type { ReadableDb } from '../catalogue/db.ts';
import { permits, type StateGate } from '../domain/key-states.ts';
import { resolveKey, type KeyRow } from './key-repo.ts';

const GATE_WORDS: Record<StateGate, string> = {
  crypto: 'be used for cryptographic operations',
  enable: 'be enabled',
  disable: 'be disabled',
  scheduleDeletion: 'be scheduled for deletion',
  cancelDeletion: 'have its deletion cancelled',
  rotate: 'be rotated',
  createVersion: 'get a new version',
  importMaterial: 'take imported key material',
  deleteMaterial: 'have its key material deleted',
  protect: 'get deletion protection (cancel its deletion first)',
  metadata: 'be changed',
};

export function requireState(key: KeyRow, gate: StateGate): void {
  if (!permits(key.state, gate)) {
    throw new KwError('InvalidKeyState', `key ${key.id} is ${key.state} and cannot ${GATE_WORDS[gate]}`, { keyState: key.state });
  }
}

export function requireUsage(key: KeyRow, usage: KeyUsage): void {
  if (key.usage !== usage) throw new KwError('IncorrectKeyUsage', `key ${key.id} has usage ${key.usage}, not ${usage}`);
}

export function requireFamily(key: KeyRow, family: KeyFamily): void {
  if (SPEC_CAPABILITIES[key.spec].family !== family) {
    throw new KwError('UnsupportedOperation', `key ${key.id} is ${key.spec}; this operation needs a ${family} key`);
  }
}

/** Resolves a key and checks the family, usage and state an operation needs. */
export function usableKey(ctx: { db: ReadableDb; keyId: string | null }, ref: string, family: KeyFamily, usage: KeyUsage): KeyRow {
  const key = resolveKey(ctx.db, ref);
  ctx.keyId = key.id;
  requireFamily(key, family);
  requireUsage(key, usage);
  requireState(key, 'crypto');
  return key;
}

export function decodeBase64(b64: string): Buffer {
  return Buffer.from(b64, 'base64');
}
