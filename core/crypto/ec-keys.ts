/**
 * EC keys as DER, byte-compatible with OpenSSL 3: PKCS#8 (RFC 5208 + RFC 5915
 * ECPrivateKey with the public key in [1] and no [0] parameters) and SubjectPublicKeyInfo
 * (RFC 5480), both with id-ecPublicKey and the named-curve OID. SM2 uses curve OID
 * 1.2.156.10197.1.301, exactly as `openssl genpkey -algorithm SM2` writes it.
 */
import { KwError } from '../api/errors.ts';
import { bigIntToBytes, bytesToBigInt } from './bytes.ts';
import { bitString, DerReader, explicit, octetString, oid, seq, smallInt, TAG } from './der.ts';

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  sm2: '1.2.156.10197.1.301',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

export type EcCurve = 'P-256' | 'SM2';
const curveOid = (c: EcCurve): string => (c === 'SM2' ? OID.sm2 : OID.p256);

export function encodeEcSpki(curve: EcCurve, publicPoint: Uint8Array): Uint8Array {
  return seq(seq(oid(OID.ecPublicKey), oid(curveOid(curve))), bitString(publicPoint));
}

export function encodeEcPkcs8(curve: EcCurve, privateScalar: Uint8Array, publicPoint: Uint8Array): Uint8Array {
  const ecPrivateKey = seq(smallInt(1), octetString(privateScalar), explicit(1, bitString(publicPoint)));
  return seq(smallInt(0), seq(oid(OID.ecPublicKey), oid(curveOid(curve))), octetString(ecPrivateKey));
}

/** Algorithm of a PKCS#8 or SPKI key without parsing the key itself. */
export type KeyKind = 'RSA' | EcCurve;

function kindFromAlgorithmId(alg: DerReader): KeyKind {
  const algOid = alg.readOid();
  if (algOid === OID.rsaEncryption) return 'RSA';
  if (algOid !== OID.ecPublicKey) throw new Error('unsupported algorithm');
  const curve = alg.readOid();
  alg.end();
  if (curve === OID.p256) return 'P-256';
  if (curve === OID.sm2) return 'SM2';
  throw new Error('unsupported curve');
}

export function spkiKind(spki: Uint8Array): KeyKind {
  try {
    return kindFromAlgorithmId(new DerReader(spki).readSeq().readSeq());
  } catch {
    throw new KwError('InvalidPublicKey', 'public key is not a supported SubjectPublicKeyInfo');
  }
}

export function pkcs8Kind(pkcs8: Uint8Array): KeyKind {
  try {
    const body = new DerReader(pkcs8).readSeq();
    body.readUint();
    return kindFromAlgorithmId(body.readSeq());
  } catch {
    throw new KwError('InvalidKeyMaterial', 'private key is not a supported PKCS#8 key');
  }
}

export function decodeEcSpki(spki: Uint8Array, expected: EcCurve): Uint8Array {
  try {
    const outer = new DerReader(spki);
    const body = outer.readSeq();
    outer.end();
    if (kindFromAlgorithmId(body.readSeq()) !== expected) throw new Error('curve mismatch');
    const point = body.readBitStringBytes();
    body.end();
    if (point.length !== 65 || point[0] !== 4) throw new Error('not an uncompressed point');
    return point.slice();
  } catch {
    throw new KwError('InvalidPublicKey', `public key is not a ${expected} SubjectPublicKeyInfo`);
  }
}

/** Returns the 32-byte scalar and, when present, the embedded public point. */
export function decodeEcPkcs8(pkcs8: Uint8Array, expected: EcCurve): { d: Uint8Array; publicPoint?: Uint8Array } {
  try {
    const outer = new DerReader(pkcs8);
    const body = outer.readSeq();
    outer.end();
    const version = body.readUint();
    if (version.length !== 1 || version[0]! > 1) throw new Error('version');
    if (kindFromAlgorithmId(body.readSeq()) !== expected) throw new Error('curve mismatch');
    const ec = new DerReader(body.read(TAG.OCTET_STRING)).readSeq();
    const ecVersion = ec.readUint();
    if (ecVersion.length !== 1 || ecVersion[0] !== 1) throw new Error('ec version');
    const raw = ec.read(TAG.OCTET_STRING);
    if (raw.length > 32) throw new Error('scalar length');
    const d = bigIntToBytes(bytesToBigInt(raw), 32);
    if (ec.peekTag() === 0xa0) ec.read(0xa0);
    let publicPoint: Uint8Array | undefined;
    if (ec.peekTag() === 0xa1) publicPoint = new DerReader(ec.read(0xa1)).readBitStringBytes().slice();
    ec.end();
    return publicPoint ? { d, publicPoint } : { d };
  } catch {
    throw new KwError('InvalidKeyMaterial', `private key is not a ${expected} PKCS#8 key`);
  }
}
