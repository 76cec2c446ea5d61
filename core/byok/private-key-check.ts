/**
 * Checks an imported PKCS#8 private key against the key it is meant for: the right
 * algorithm and size, a public key that derives from it, and a pairwise-consistency test
 * (sign/verify or encrypt/decrypt) before anything is stored. Any failure is
 * InvalidKeyMaterial, whatever the cause inside the parser.
 */
import { KwError } from '../api/errors.ts';
import { pkcs8Kind } from '../crypto/ec-keys.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import type { KeySpec, KeyUsage } from '../domain/key-specs.ts';
import type { Random } from '../ports/index.ts';
import { parsePublicKeyFile } from './public-key-input.ts';

const EXPECTED: Partial<Record<KeySpec, { kind: 'RSA' | 'P-256' | 'SM2'; bits?: number }>> = {
  RSA_2048: { kind: 'RSA', bits: 2048 },
  RSA_3072: { kind: 'RSA', bits: 3072 },
  RSA_4096: { kind: 'RSA', bits: 4096 },
  EC_P256: { kind: 'P-256' },
  SM2: { kind: 'SM2' },
};

const bad = (why: string): KwError => new KwError('InvalidKeyMaterial', `the imported private key does not fit this key: ${why}`);

/** Returns the SubjectPublicKeyInfo of the checked private key. */
export function checkImportedPrivateKey(suite: CryptoSuite, random: Random, spec: KeySpec, usage: KeyUsage, pkcs8: Uint8Array): Buffer {
  const want = EXPECTED[spec];
  if (!want) throw bad(`${spec} is not an asymmetric spec`);
  let spki: Buffer;
  try {
    if (pkcs8Kind(pkcs8) !== want.kind) throw bad(`not a ${want.kind} key`);
    const parsed = parsePublicKeyFile(suite.publicKeyOf(pkcs8));
    if (parsed.kind !== want.kind || (want.bits !== undefined && parsed.rsaBits !== want.bits)) throw bad(`not a ${spec} key`);
    spki = parsed.spki;
  } catch (e) {
    if (e instanceof KwError && e.code === 'InvalidKeyMaterial') throw e;
    throw bad('not a well-formed PKCS#8 private key');
  }
  if (!pairwiseConsistent(suite, random, spec, usage, pkcs8, spki)) throw bad('the pairwise consistency test failed');
  return spki;
}

function pairwiseConsistent(suite: CryptoSuite, random: Random, spec: KeySpec, usage: KeyUsage, pkcs8: Uint8Array, spki: Uint8Array): boolean {
  const probe = random.bytes(32);
  try {
    if (usage === 'ENCRYPT_DECRYPT') {
      const alg = spec === 'SM2' ? 'SM2PKE' : 'RSAES_OAEP_SHA_256';
      const back = suite.asymmetricDecrypt(alg, pkcs8, suite.asymmetricEncrypt(alg, spki, probe));
      return Buffer.from(back).equals(probe);
    }
    const alg = spec === 'SM2' ? 'SM2DSA' : spec === 'EC_P256' ? 'ECDSA_SHA_256' : 'RSA_PSS_SHA_256';
    return suite.verify(alg, spki, probe, 'RAW', suite.sign(alg, pkcs8, probe, 'RAW'));
  } catch {
    return false;
  } finally {
    probe.fill(0);
  }
}
