/**
 * Seals key-version material under the vault root key. The key id and version id are
 * the AEAD's associated data, so a sealed blob moved to another row (or another key)
 * fails to open: swapping rows in the database is detected, not obeyed.
 */
import { KwError } from '../api/errors.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import type { Random } from '../ports/index.ts';

const FORMAT = 1;

function aad(keyId: string, versionId: string): Uint8Array {
  return Buffer.from(`keywarden/material/v${FORMAT}|${keyId}|${versionId}`);
}

export class MaterialSealer {
  constructor(
    private readonly rootKey: Buffer,
    private readonly suite: CryptoSuite,
    private readonly random: Random,
  ) {}

  seal(keyId: string, versionId: string, material: Uint8Array): Buffer {
    const iv = this.random.bytes(12);
    const sealed = this.suite.aes256gcm.seal(this.rootKey, iv, material, aad(keyId, versionId));
    return Buffer.concat([Buffer.from([FORMAT]), iv, sealed]);
  }

  /** The caller owns the returned buffer and must zero it. */
  open(keyId: string, versionId: string, blob: Uint8Array): Buffer {
    if (blob.length < 1 + 12 + 16 || blob[0] !== FORMAT) throw new KwError('VaultCorrupt', `key material of ${keyId}/${versionId} is malformed`);
    try {
      const pt = this.suite.aes256gcm.open(this.rootKey, blob.subarray(1, 13), blob.subarray(13), aad(keyId, versionId));
      return Buffer.from(pt.buffer, pt.byteOffset, pt.byteLength);
    } catch {
      throw new KwError('VaultCorrupt', `key material of ${keyId}/${versionId} does not belong to this key or was altered`);
    }
  }
}
