// The CryptoSuite methods the x509 layer needs (sign, verify), for tests, until the
// engine's suite is wired in: node:crypto for RSA/ECDSA, sm-crypto-v2 for SM2 with the
// GM/T default user id. Also key generation for the tests' own key pairs.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, constants } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import type { KeyPairDer, KeyPairSpec, SignAlgorithm } from '../../core/crypto/types.ts';
import type { X509Crypto } from '../../core/x509/signer.ts';
import { children, readTlv } from '../../core/x509/der.ts';
import { parseSpki } from '../../core/x509/spki.ts';

// PKCS#8 → ECPrivateKey (RFC 5915) → the private scalar; SPKI → the uncompressed point.
function sm2PrivHex(pkcs8: Uint8Array): string {
  const outer = children(pkcs8, readTlv(pkcs8, 0));
  const octet = outer[2]!;
  const ecpk = pkcs8.subarray(octet.start + octet.headerLength, octet.end);
  const d = children(ecpk, readTlv(ecpk, 0))[1]!;
  return Buffer.from(ecpk.subarray(d.start + d.headerLength, d.end)).toString('hex');
}
function sm2PubHex(spki: Uint8Array): string {
  return Buffer.from(parseSpki(spki).publicKey).toString('hex');
}

export const testCrypto: X509Crypto = {
  sign(alg: SignAlgorithm, pkcs8, input, _messageType, userId) {
    if (alg === 'SM2DSA') {
      return new Uint8Array(Buffer.from(sm2.doSignature(input, sm2PrivHex(pkcs8), { hash: true, der: true, userId: userId ?? '1234567812345678' }), 'hex'));
    }
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    if (alg === 'RSA_PSS_SHA_256') return new Uint8Array(nodeSign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    return new Uint8Array(nodeSign('sha256', input, key));
  },
  verify(alg, spki, input, _messageType, signature, userId) {
    if (alg === 'SM2DSA') {
      return sm2.doVerifySignature(input, Buffer.from(signature).toString('hex'), sm2PubHex(spki), { hash: true, der: true, userId: userId ?? '1234567812345678' });
    }
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (alg === 'RSA_PSS_SHA_256') return nodeVerify('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    return nodeVerify('sha256', input, key, signature);
  },
};

export function generateTestKeyPair(spec: KeyPairSpec): KeyPairDer {
  const kp = spec.startsWith('RSA_')
    ? generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)) })
    : generateKeyPairSync('ec', { namedCurve: spec === 'SM2' ? 'SM2' : 'P-256' });
  return {
    privateKey: new Uint8Array(kp.privateKey.export({ type: 'pkcs8', format: 'der' })),
    publicKey: new Uint8Array(kp.publicKey.export({ type: 'spki', format: 'der' })),
  };
}
