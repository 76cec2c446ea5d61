// The engine's CryptoSuite as the x509 tests use it: signatures and key generation come
// from core/crypto (defaultSuite picks the node:crypto-backed suite under plain Node).
// OpenSSL's CLI stays the independent checker of everything produced with it.
import { defaultSuite } from '../../core/crypto/suite.ts';
import type { KeyPairDer, KeyPairSpec } from '../../core/crypto/types.ts';

export const testCrypto = defaultSuite();

export function generateTestKeyPair(spec: KeyPairSpec): KeyPairDer {
  return testCrypto.generateKeyPair(spec);
}
