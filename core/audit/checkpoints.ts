/**
 * Signed audit checkpoints: the vault's audit key signs (vault, seq, chain hash, time)
 * so an auditor who takes a checkpoint away can later prove the log still holds every
 * record up to it, with no vault and no secret.
 *
 * The signed payload is this exact UTF-8 text (LF line ends, final LF):
 *
 *     keywarden-audit-checkpoint/v1
 *     vault: <vault id>
 *     seq: <decimal sequence number>
 *     hash: <chain hash at seq, 64 lowercase hex>
 *     at: <ISO 8601 UTC time of signing>
 *
 * signed with ECDSA P-256 over SHA-256, DER signature:
 * `openssl dgst -sha256 -verify pub.pem -signature sig.der payload.txt`.
 * Co-signatures (officers' credentials) sign the same payload bytes.
 */
import { createPrivateKey, createPublicKey, createCipheriv, createDecipheriv, createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { WritableDb, ReadableDb } from '../catalogue/db.ts';
import type { Clock, Random } from '../ports/index.ts';
import { KwError } from '../api/errors.ts';
import type { AuditKeys, Head } from './chain.ts';

export const CHECKPOINT_FORMAT = 'keywarden-audit-checkpoint/v1';
export const CHECKPOINT_ALGORITHM = 'ECDSA-P256-SHA256';
const SIGNING_KEY_META = 'audit_signing_key';

/** An officer's signature over the same payload (added by the custody workflow). */
export interface CheckpointCoSignature {
  /** Who signed: an officer id. */
  signer: string;
  /** e.g. ECDSA-P256-SHA256, RSA-PKCS1-SHA256, SM2-SM3. */
  algorithm: string;
  /** PEM certificate or public key of the credential that signed. */
  credential: string;
  /** Base64 signature over the payload bytes. */
  value: string;
  at: string;
}

/** The small file an auditor takes away (`kw audit checkpoint --out FILE`). */
export interface CheckpointFile {
  format: typeof CHECKPOINT_FORMAT;
  vaultId: string;
  seq: number;
  /** Chain hash at seq, hex. */
  hash: string;
  at: string;
  /** The exact signed text (see above). */
  payload: string;
  signature: { algorithm: typeof CHECKPOINT_ALGORITHM; publicKey: string; value: string };
  cosignatures: CheckpointCoSignature[];
}

export interface StoredCheckpoint {
  seq: number;
  hash: Buffer;
  at: number;
  publicKey: Buffer;
  signature: Buffer;
  cosignatures: string;
}

export function checkpointPayload(vaultId: string, seq: number, hashHex: string, at: string): string {
  return `${CHECKPOINT_FORMAT}\nvault: ${vaultId}\nseq: ${seq}\nhash: ${hashHex}\nat: ${at}\n`;
}

/** Parsing a public key costs more than verifying with it; a vault has one audit key, so a few are kept. */
const parsedKeys = new Map<string, KeyObject>();
function publicKeyObject(key: string | Buffer): KeyObject {
  const id = typeof key === 'string' ? key : key.toString('base64');
  let k = parsedKeys.get(id);
  if (!k) {
    k = typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key, format: 'der', type: 'spki' });
    if (parsedKeys.size >= 16) parsedKeys.clear();
    parsedKeys.set(id, k);
  }
  return k;
}

const pem = (spki: Buffer): string => createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }) as string;

/** SHA-256 of the DER public key, hex: what an auditor compares with the vault's. */
export function keyFingerprint(spki: Buffer): string {
  return createHash('sha256').update(spki).digest('hex');
}

export function checkpointFile(vaultId: string, c: StoredCheckpoint): CheckpointFile {
  const at = new Date(c.at).toISOString();
  const hash = c.hash.toString('hex');
  let cosignatures: CheckpointCoSignature[];
  try {
    cosignatures = JSON.parse(c.cosignatures) as CheckpointCoSignature[];
  } catch {
    cosignatures = [];
  }
  return {
    format: CHECKPOINT_FORMAT,
    vaultId,
    seq: c.seq,
    hash,
    at,
    payload: checkpointPayload(vaultId, c.seq, hash, at),
    signature: { algorithm: CHECKPOINT_ALGORITHM, publicKey: pem(c.publicKey), value: c.signature.toString('base64') },
    cosignatures,
  };
}

export interface CheckedCheckpoint {
  vaultId: string;
  seq: number;
  hash: Buffer;
  publicKey: Buffer;
  signatureValid: boolean;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses a checkpoint file and checks its signature; a malformed file is InvalidParameter. */
export function checkCheckpointFile(x: unknown): CheckedCheckpoint {
  const bad = (what: string): never => {
    throw new KwError('InvalidParameter', `checkpoint: ${what}`, { field: 'checkpoint' });
  };
  if (typeof x !== 'object' || x === null) bad('not a checkpoint object');
  const f = x as Partial<CheckpointFile>;
  if (f.format !== CHECKPOINT_FORMAT) bad(`format is not ${CHECKPOINT_FORMAT}`);
  if (typeof f.vaultId !== 'string' || f.vaultId.length > 64 || /\s/.test(f.vaultId)) bad('vaultId is missing');
  if (!Number.isSafeInteger(f.seq) || (f.seq as number) < 1) bad('seq is not a positive integer');
  if (typeof f.hash !== 'string' || !HEX64.test(f.hash)) bad('hash is not 64 hex digits');
  if (typeof f.at !== 'string' || Number.isNaN(Date.parse(f.at))) bad('at is not a time');
  const sig = f.signature;
  if (!sig || sig.algorithm !== CHECKPOINT_ALGORITHM || typeof sig.publicKey !== 'string' || typeof sig.value !== 'string') bad(`signature is not ${CHECKPOINT_ALGORITHM}`);
  let key: KeyObject | null = null;
  try {
    key = publicKeyObject(sig!.publicKey);
  } catch {
    bad('publicKey is not a PEM public key');
  }
  if (key!.asymmetricKeyType !== 'ec' || key!.asymmetricKeyDetails?.namedCurve !== 'prime256v1') bad('publicKey is not an EC P-256 key');
  const payload = checkpointPayload(f.vaultId!, f.seq!, f.hash!, f.at!);
  // The payload is rebuilt from the fields: a file whose text and fields disagree is refused.
  if (f.payload !== undefined && f.payload !== payload) bad('payload does not match its fields');
  const signatureValid = verify('sha256', Buffer.from(payload), key!, Buffer.from(sig!.value, 'base64'));
  return { vaultId: f.vaultId!, seq: f.seq!, hash: Buffer.from(f.hash!, 'hex'), publicKey: key!.export({ type: 'spki', format: 'der' }), signatureValid };
}

/** A checkpoint as stored in the catalogue: does its signature verify under its own key? */
export function storedCheckpointValid(vaultId: string, c: StoredCheckpoint): boolean {
  try {
    const key = publicKeyObject(c.publicKey);
    return verify('sha256', Buffer.from(checkpointPayload(vaultId, c.seq, c.hash.toString('hex'), new Date(c.at).toISOString())), key, c.signature);
  } catch {
    return false;
  }
}

function sealAad(vaultId: string): Buffer {
  return Buffer.from(`keywarden/audit-signing-key/v1|${vaultId}`);
}

/** Keeps the vault audit key (private half sealed under a root-key-derived key) and signs checkpoints. */
export class Checkpointer {
  private cached: { keys: AuditKeys; key: KeyObject; spki: Buffer } | null = null;
  private latest: number | null = null;

  constructor(
    private readonly db: WritableDb,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** The vault's audit public key (DER SPKI), or null before the first checkpoint. */
  publicKey(db: ReadableDb = this.db): Buffer | null {
    const row = db.prepare('SELECT value FROM vault_meta WHERE name = ?').pluck().get(SIGNING_KEY_META) as string | undefined;
    if (!row) return null;
    try {
      return Buffer.from((JSON.parse(row) as { publicKey: string }).publicKey, 'base64');
    } catch {
      return null;
    }
  }

  latestSeq(): number {
    if (this.latest === null) this.latest = (this.db.prepare('SELECT coalesce(max(seq), 0) FROM audit_checkpoints').pluck().get() as number) ?? 0;
    return this.latest;
  }

  list(db: ReadableDb = this.db): StoredCheckpoint[] {
    return db.prepare('SELECT seq, hash, at, public_key AS publicKey, signature, cosignatures FROM audit_checkpoints ORDER BY seq').all() as StoredCheckpoint[];
  }

  latestStored(): StoredCheckpoint | null {
    return (this.db.prepare('SELECT seq, hash, at, public_key AS publicKey, signature, cosignatures FROM audit_checkpoints ORDER BY seq DESC LIMIT 1').get() as StoredCheckpoint | undefined) ?? null;
  }

  /** Inside a transaction: signs `head` (or returns the checkpoint already taken at that seq). */
  sign(keys: AuditKeys, head: Head): StoredCheckpoint {
    const existing = this.db.prepare('SELECT seq, hash, at, public_key AS publicKey, signature, cosignatures FROM audit_checkpoints WHERE seq = ?').get(head.seq) as StoredCheckpoint | undefined;
    if (existing) return existing;
    const { key, spki } = this.signingKey(keys);
    const at = this.clock.now();
    const payload = checkpointPayload(keys.vaultId, head.seq, head.hash.toString('hex'), new Date(at).toISOString());
    const signature = sign('sha256', Buffer.from(payload), key);
    const c: StoredCheckpoint = { seq: head.seq, hash: head.hash, at, publicKey: spki, signature, cosignatures: '[]' };
    this.db.prepare('INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature, cosignatures) VALUES (?, ?, ?, ?, ?, ?)').run(c.seq, c.hash, c.at, c.publicKey, c.signature, c.cosignatures);
    this.latest = Math.max(this.latestSeq(), head.seq);
    return c;
  }

  private signingKey(keys: AuditKeys): { key: KeyObject; spki: Buffer } {
    if (this.cached?.keys === keys) return this.cached;
    const row = this.db.prepare('SELECT value FROM vault_meta WHERE name = ?').pluck().get(SIGNING_KEY_META) as string | undefined;
    let found: { key: KeyObject; spki: Buffer };
    if (row) {
      const v = JSON.parse(row) as { publicKey: string; sealed: string };
      const sealed = Buffer.from(v.sealed, 'base64');
      let der: Buffer;
      try {
        const d = createDecipheriv('aes-256-gcm', keys.seal, sealed.subarray(0, 12));
        d.setAAD(sealAad(keys.vaultId));
        d.setAuthTag(sealed.subarray(sealed.length - 16));
        der = Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
      } catch {
        throw new KwError('VaultCorrupt', 'the vault audit signing key does not open');
      }
      found = { key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), spki: Buffer.from(v.publicKey, 'base64') };
      der.fill(0);
    } else {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
      const iv = this.random.bytes(12);
      const c = createCipheriv('aes-256-gcm', keys.seal, iv);
      c.setAAD(sealAad(keys.vaultId));
      const sealed = Buffer.concat([iv, c.update(der), c.final(), c.getAuthTag()]);
      der.fill(0);
      const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
      this.db.prepare('INSERT INTO vault_meta (name, value) VALUES (?, ?)').run(SIGNING_KEY_META, JSON.stringify({ algorithm: CHECKPOINT_ALGORITHM, publicKey: spki.toString('base64'), sealed: sealed.toString('base64') }));
      found = { key: pair.privateKey, spki };
    }
    this.cached = { keys, ...found };
    return found;
  }
}
