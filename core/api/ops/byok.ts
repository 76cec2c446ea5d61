/**
 * BYOK in both directions: importing wrapped material into EXTERNAL keys, handing data
 * keys out wrapped under a caller's public key, and preparing material for external KMSs
 * (with an escrow copy sealed under the vault). Documented in docs/api-byok.md.
 */
import { z } from 'zod';
import { op } from '../operation.ts';
import * as s from '../schemas.ts';
import { LIMITS } from '../../domain/limits.ts';
import { BYOK_ALGORITHMS, BYOK_KEY_SPECS, BYOK_TARGETS, ENCRYPTION_ALGORITHMS, IMPORT_WRAPPING_ALGORITHMS, IMPORT_WRAPPING_KEY_SPECS } from '../../domain/vocabulary.ts';
import type { KeyMetadata } from './keys.ts';

export const EXPIRATION_MODELS = ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] as const;

/** A public key as PEM text or base64 (of DER, or of a PEM file). */
const publicKeyText = z.string().min(1).max(32 * 1024);
/** Files an officer carries in are small; these bounds keep hostile input cheap. */
const fileB64 = s.base64(16 * 1024);
const blob = s.base64(LIMITS.encryptPlaintextMaxBytes + 1024);
const dataKeyBytes = z.number().int().min(LIMITS.dataKeyMinBytes).max(LIMITS.dataKeyMaxBytes).optional();
const dataKeySpec = s.dataKeySpec.optional();

export interface ByokPackageSummary {
  packageId: string;
  escrowId: string;
  target: string;
  keySpec: string;
  wrappingAlgorithm: string;
  region: string | null;
  createdAt: string;
  /** When the target's wrapping key / import token (or GCP import job) lapses at the latest. */
  tokenExpiresAt: string | null;
  tokenStatus: 'valid' | 'expiring' | 'expired' | 'none';
  warning: string | null;
}

export interface ByokPackage {
  packageId: string;
  escrowId: string;
  target: string;
  keySpec: string;
  wrappingAlgorithm: string;
  /** File name -> base64 of the file's bytes, ready to write into the output folder. */
  files: Record<string, string>;
  tokenExpiresAt: string | null;
  warnings: string[];
}

const prepareFields = {
  target: z.enum(BYOK_TARGETS),
  publicKey: fileB64,
  importToken: fileB64.optional(),
  wrappingAlgorithm: z.enum(BYOK_ALGORITHMS),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'not a region name such as cn-north-1').optional(),
  /** Azure: the key identifier (kid) of the key exchange key, written into the .byok header. */
  wrappingKeyId: z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
  /** The latest time the target's token/wrapping key is usable, when the officer knows it. */
  tokenExpiresAt: z.iso.datetime({ offset: true }).optional(),
};

export const byokOps = {
  getParametersForImport: op<{ cmkUuid: string; publicKey: string; importToken: string; tokenExpiresAt: string; wrappingKeySpec: string; wrappingAlgorithm: string }>()({
    request: z
      .object({ cmkUuid: s.keyRef, wrappingKeySpec: z.enum(IMPORT_WRAPPING_KEY_SPECS), wrappingAlgorithm: z.enum(IMPORT_WRAPPING_ALGORITHMS) })
      .strict(),
    kind: 'write',
    permission: 'kms:cmk:getParameters',
    gate: 'unlocked',
    event: 'getParametersForImport',
    summary: 'A fresh wrapping public key (base64 DER) and a 24-hour import token for an EXTERNAL key in PendingImport.',
  }),
  importKeyMaterial: op<{ keyMetadata: KeyMetadata }>()({
    request: z
      .object({
        cmkUuid: s.keyRef,
        encryptedKeyMaterial: fileB64,
        /** RSA_AES_KEY_WRAP_*: the wrapped ephemeral AES key, when given apart from the wrapped private key. */
        ephemeralKeyCiphertext: s.base64(1024).optional(),
        importToken: s.base64(256),
        expirationModel: z.enum(EXPIRATION_MODELS),
        validTo: z.iso.datetime({ offset: true }).optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:cmk:importMaterial',
    gate: 'unlocked',
    event: 'importKeyMaterial',
    summary: 'Unwrap and install key material: PendingImport -> Enabled; after deletion or expiry only the same material is accepted.',
  }),
  deleteKeyMaterial: op<{ keyMetadata: KeyMetadata }>()({
    request: z.object({ cmkUuid: s.keyRef }).strict(),
    kind: 'write',
    permission: 'kms:cmk:deleteMaterial',
    gate: 'unlocked',
    event: 'deleteKeyMaterial',
    summary: 'Remove imported material now: the key returns to PendingImport.',
  }),
  exportDataKey: op<{ exportedDataKey: string; cmkUuid: string; keyVersionId: string }>()({
    request: z
      .object({ ciphertextBlob: blob, publicKey: publicKeyText, wrappingAlgorithm: z.enum(ENCRYPTION_ALGORITHMS), encryptionContext: s.encryptionContext.optional() })
      .strict(),
    kind: 'crypto',
    permission: 'kms:cmk:exportDataKey',
    gate: 'unlocked',
    event: 'exportDataKey',
    summary: 'Re-wrap a data key (from its ciphertext blob) under a caller-supplied RSA or SM2 public key.',
  }),
  generateAndExportDataKey: op<{ ciphertextBlob: string; exportedDataKey: string; cmkUuid: string; keyVersionId: string }>()({
    request: z
      .object({
        cmkUuid: s.keyRef,
        numberOfBytes: dataKeyBytes,
        keySpec: dataKeySpec,
        publicKey: publicKeyText,
        wrappingAlgorithm: z.enum(ENCRYPTION_ALGORITHMS),
        encryptionContext: s.encryptionContext.optional(),
      })
      .strict(),
    kind: 'crypto',
    permission: 'kms:cmk:generateAndExportDataKey',
    gate: 'unlocked',
    event: 'generateAndExportDataKey',
    summary: 'A new data key, returned encrypted under the CMK and wrapped under a caller-supplied public key; never in the clear.',
  }),
  prepareByok: op<ByokPackage>()({
    request: z
      .object({
        ...prepareFields,
        keySpec: z.enum(BYOK_KEY_SPECS),
        /** HSM: the material is generated inside the token and leaves it only wrapped (for the target, and under a token escrow key). */
        source: z.enum(['SOFTWARE', 'HSM']).default('SOFTWARE'),
        /** With source HSM: the token to use (else the vault's default token). */
        tokenLabel: z.string().min(1).max(32).optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:byok:prepare',
    gate: 'unlocked',
    event: 'prepareByok',
    summary: "Generate key material (in software, or inside a token with source HSM), wrap it as the target KMS requires, return the target's files and keep an escrow copy (sealed under the vault, or wrapped under a token key).",
  }),
  rewrapByokEscrow: op<ByokPackage>()({
    request: z.object({ escrowId: s.keyId, ...prepareFields }).strict(),
    kind: 'write',
    permission: 'kms:byok:rewrapEscrow',
    gate: 'unlocked',
    event: 'rewrapByokEscrow',
    summary: 'Wrap escrowed material again for a (new) target wrapping key, e.g. to re-import after the target expired it.',
  }),
  listByokPackages: op<{ packages: ByokPackageSummary[]; totalCount: number }>()({
    request: z.object({ ...s.paging, target: z.enum(BYOK_TARGETS).optional() }).strict(),
    kind: 'read',
    permission: 'kms:byok:list',
    gate: 'unlocked',
    event: 'listByokPackages',
    summary: 'Prepared packages, newest first, with token expiry status and warnings.',
  }),
  getByokEscrow: op<{ escrowId: string; keySpec: string; source: string; tokenLabel: string | null; createdAt: string; packages: ByokPackageSummary[] }>()({
    request: z.object({ escrowId: s.keyId }).strict(),
    kind: 'read',
    permission: 'kms:byok:getEscrow',
    gate: 'unlocked',
    event: 'getByokEscrow',
    summary: 'An escrow record (never its material) and the packages made from it.',
  }),
};
