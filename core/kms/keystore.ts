/**
 * Where key material lives. Software keys are sealed under the vault root key in the
 * catalogue; HSM keys live on a PKCS#11 token and the catalogue keeps only their
 * CKA_ID. Use cases call this port and never touch material directly.
 */
import { KwError } from '../api/errors.ts';
import type { AsymEncryptAlgorithm, CryptoSuite, KeyPairSpec, MessageType, PreparedPrivateKey, SignAlgorithm } from '../crypto/types.ts';
import { pairwiseConsistencyCheck } from '../crypto/self-test.ts';
import { SPEC_CAPABILITIES, type ProtectionLevel } from '../domain/key-specs.ts';
import type { Random } from '../ports/index.ts';
import type { Vault } from '../vault/vault.ts';
import type { KeyRow, VersionRow } from './key-repo.ts';

export interface NewVersionMaterial {
  sealed_material: Buffer | null;
  public_key: Buffer | null;
  token_object_id: string | null;
}

export interface KeyStore {
  generate(key: Pick<KeyRow, 'id' | 'spec' | 'token_label'>, versionId: string): Promise<NewVersionMaterial>;
  /** Removes what generate() created when the catalogue write that should follow fails. */
  discard(material: NewVersionMaterial, key: Pick<KeyRow, 'token_label'>): Promise<void>;
  symmetricSeal(key: KeyRow, v: VersionRow, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  symmetricOpen(key: KeyRow, v: VersionRow, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  sign(key: KeyRow, v: VersionRow, alg: SignAlgorithm, input: Uint8Array, messageType: MessageType): Promise<Uint8Array>;
  asymmetricDecrypt(key: KeyRow, v: VersionRow, alg: AsymEncryptAlgorithm, ciphertext: Uint8Array): Promise<Uint8Array>;
  mac(key: KeyRow, v: VersionRow, data: Uint8Array): Promise<Uint8Array>;
  /**
   * Destroys a version's material that lives outside the catalogue (the token object);
   * resolves to whether there was something to destroy, so destroying twice is harmless.
   * Software material lives in its catalogue row and goes with it.
   */
  destroy(key: Pick<KeyRow, 'id' | 'token_label'>, v: Pick<VersionRow, 'id' | 'token_object_id'>): Promise<boolean>;
  /** Token stores: where a key goes when createKey names no token (recorded on the key). */
  defaultTokenLabel?(): string | null;
}

export type KeyStores = Record<ProtectionLevel, KeyStore | null>;

export function keyStoreFor(stores: KeyStores, level: ProtectionLevel): KeyStore {
  const s = stores[level];
  if (!s) throw new KwError('UnsupportedOperation', `protection level ${level} is not available: no token is configured`);
  return s;
}

/** Software protection: material sealed under the root key, used in memory, zeroed after. */
export class SoftwareKeyStore implements KeyStore {
  constructor(
    private readonly vault: Vault,
    private readonly suite: CryptoSuite,
    private readonly random: Random,
  ) {}

  async generate(key: Pick<KeyRow, 'id' | 'spec'>, versionId: string): Promise<NewVersionMaterial> {
    const caps = SPEC_CAPABILITIES[key.spec];
    const sealer = this.vault.sealer();
    if (caps.family === 'asymmetric') {
      const spec = key.spec as KeyPairSpec;
      const pair = this.suite.generateKeyPair(spec);
      try {
        // A pair that does not round-trip is never stored (FIPS 140-style pair-wise consistency test).
        pairwiseConsistencyCheck(spec, pair, this.suite);
        return { sealed_material: sealer.seal(key.id, versionId, pair.privateKey), public_key: Buffer.from(pair.publicKey), token_object_id: null };
      } finally {
        pair.privateKey.fill(0);
      }
    }
    const material = this.random.bytes(caps.materialBytes!);
    try {
      return { sealed_material: sealer.seal(key.id, versionId, material), public_key: null, token_object_id: null };
    } finally {
      material.fill(0);
    }
  }

  async discard(): Promise<void> {
    // Nothing outside the catalogue was created.
  }

  async destroy(): Promise<boolean> {
    return false;
  }

  private withMaterial<T>(key: KeyRow, v: VersionRow, use: (m: Buffer) => T): T {
    if (!v.sealed_material) throw new KwError('InvalidKeyState', `key ${key.id} version ${v.id} has no key material (PendingImport)`);
    return this.vault.sealer().withOpened(key.id, v.id, v.sealed_material, use);
  }

  private withPrivateKey<T>(key: KeyRow, v: VersionRow, use: (k: PreparedPrivateKey) => T): T {
    if (!v.sealed_material) throw new KwError('InvalidKeyState', `key ${key.id} version ${v.id} has no key material (PendingImport)`);
    return this.vault.sealer().withPrivateKey(key.id, v.id, v.sealed_material, use);
  }

  private aead(key: KeyRow) {
    return SPEC_CAPABILITIES[key.spec].symmetricAlgorithm === 'SM4_GCM' ? this.suite.sm4gcm : this.suite.aes256gcm;
  }

  async symmetricSeal(key: KeyRow, v: VersionRow, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    return this.withMaterial(key, v, (m) => this.aead(key).seal(m, iv, plaintext, aad));
  }

  async symmetricOpen(key: KeyRow, v: VersionRow, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    return this.withMaterial(key, v, (m) => this.aead(key).open(m, iv, sealed, aad));
  }

  async sign(key: KeyRow, v: VersionRow, alg: SignAlgorithm, input: Uint8Array, messageType: MessageType): Promise<Uint8Array> {
    return this.withPrivateKey(key, v, (k) => this.suite.sign(alg, k, input, messageType));
  }

  async asymmetricDecrypt(key: KeyRow, v: VersionRow, alg: AsymEncryptAlgorithm, ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.withPrivateKey(key, v, (k) => this.suite.asymmetricDecrypt(alg, k, ciphertext));
  }

  async mac(key: KeyRow, v: VersionRow, data: Uint8Array): Promise<Uint8Array> {
    const alg = SPEC_CAPABILITIES[key.spec].macAlgorithm === 'HMAC_SM3' ? 'SM3' : 'SHA-256';
    return this.withMaterial(key, v, (m) => this.suite.hmac(alg, m, data));
  }
}
