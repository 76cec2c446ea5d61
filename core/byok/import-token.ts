/**
 * The import token returned by getParametersForImport. It names the wrapping key pair
 * and the master key it was issued for, carries its expiry, and is authenticated with
 * HMAC-SHA-256 under a vault subkey, so a token from another vault, another key or with
 * an edited expiry is refused before any private key is touched.
 *
 *   offset  size  field
 *   0       4     magic 'KWIT'
 *   4       1     format version (1)
 *   5       16    wrapping key id (UUID bytes)
 *   21      16    master key id (UUID bytes)
 *   37      8     expiry, ms since the epoch, big-endian
 *   45      32    HMAC-SHA-256 over bytes 0..45
 */
import { KwError } from '../api/errors.ts';
import { equalBytes } from '../crypto/bytes.ts';
import type { Services } from '../kms/context.ts';
import { uuidFromBytes, uuidToBytes } from '../ports/index.ts';
import { ensureSubkey, existingSubkey } from './secrets.ts';

const MAGIC = Buffer.from('KWIT', 'latin1');
const FORMAT = 1;
const BODY_BYTES = 45;
export const IMPORT_TOKEN_BYTES = BODY_BYTES + 32;

export interface ImportTokenClaims {
  wrappingKeyId: string;
  keyId: string;
  expiresAt: number;
}

const invalidToken = (): KwError => new KwError('ImportTokenInvalid', 'the import token was not issued by this vault for this key');

function body(c: ImportTokenClaims): Buffer {
  const b = Buffer.alloc(BODY_BYTES);
  MAGIC.copy(b, 0);
  b[4] = FORMAT;
  uuidToBytes(c.wrappingKeyId).copy(b, 5);
  uuidToBytes(c.keyId).copy(b, 21);
  b.writeBigUInt64BE(BigInt(c.expiresAt), 37);
  return b;
}

/** Issues a token (inside the write transaction that stores the wrapping key). */
export function issueImportToken(svc: Services, claims: ImportTokenClaims): Buffer {
  const k = ensureSubkey(svc, 'import-token');
  try {
    const b = body(claims);
    return Buffer.concat([b, svc.suite.hmac('SHA-256', k, b)]);
  } finally {
    k.fill(0);
  }
}

/**
 * Checks the token's form and MAC and returns its claims. Expiry and the key binding are
 * the caller's to judge (they need the clock and the request), so they stay separate errors.
 */
export function readImportToken(svc: Services, token: Uint8Array): ImportTokenClaims {
  if (token.length !== IMPORT_TOKEN_BYTES) throw invalidToken();
  const t = Buffer.from(token);
  if (!t.subarray(0, 4).equals(MAGIC) || t[4] !== FORMAT) throw invalidToken();
  const k = existingSubkey(svc, 'import-token');
  if (!k) throw invalidToken();
  try {
    if (!equalBytes(svc.suite.hmac('SHA-256', k, t.subarray(0, BODY_BYTES)), t.subarray(BODY_BYTES))) throw invalidToken();
  } finally {
    k.fill(0);
  }
  const expires = t.readBigUInt64BE(37);
  if (expires > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidToken();
  return { wrappingKeyId: uuidFromBytes(t.subarray(5, 21)), keyId: uuidFromBytes(t.subarray(21, 37)), expiresAt: Number(expires) };
}
