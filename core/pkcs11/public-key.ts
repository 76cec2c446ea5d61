/**
 * Turns what a token returns into standard encodings: SubjectPublicKeyInfo DER from
 * CKA_MODULUS/CKA_PUBLIC_EXPONENT (RFC 8017) or CKA_EC_PARAMS/CKA_EC_POINT (RFC 5480),
 * and ECDSA signatures between PKCS#11's raw r||s (v2.40 §2.3.1) and X9.62 DER.
 * The DER work is done by node:crypto (JWK → SPKI) and @noble/curves, not by hand.
 */
import { createPublicKey } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { KwError } from '../api/errors.ts';

/** DER of OID 1.2.840.10045.3.1.7, the only curve the bridge generates. */
const P256_PARAMS_HEX = '06082a8648ce3d030107';

function b64url(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++; // JWK integers carry no leading zeros
  return Buffer.from(bytes.subarray(start)).toString('base64url');
}

export function rsaSpkiDer(modulus: Uint8Array, publicExponent: Uint8Array): Uint8Array {
  if (modulus.length < 128) throw new KwError('InvalidPublicKey', 'RSA modulus from token is too short');
  const key = createPublicKey({ key: { kty: 'RSA', n: b64url(modulus), e: b64url(publicExponent) }, format: 'jwk' });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/** CKA_EC_POINT is a DER OCTET STRING around the point in v2.40; some tokens send the bare point. */
export function unwrapEcPoint(ecPoint: Uint8Array): Uint8Array {
  if (ecPoint.length >= 2 && ecPoint[0] === 0x04) {
    const len = ecPoint[1] ?? 0;
    if (len < 0x80 && ecPoint.length === len + 2) return ecPoint.subarray(2);
    if (len === 0x81 && ecPoint.length === (ecPoint[2] ?? 0) + 3) return ecPoint.subarray(3);
  }
  return ecPoint;
}

export function ecSpkiDer(ecParams: Uint8Array, ecPoint: Uint8Array): Uint8Array {
  if (Buffer.from(ecParams).toString('hex') !== P256_PARAMS_HEX) {
    throw new KwError('NotSupportedByToken', 'only P-256 EC public keys are supported by the bridge');
  }
  const point = unwrapEcPoint(ecPoint);
  if (point.length !== 65 || point[0] !== 0x04) throw new KwError('InvalidPublicKey', 'EC point from token is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: Buffer.from(point.subarray(1, 33)).toString('base64url'), y: Buffer.from(point.subarray(33)).toString('base64url') },
    format: 'jwk',
  });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/** PKCS#11 CKM_ECDSA output (r||s, 64 bytes for P-256) → DER ECDSA-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length !== 64) throw new KwError('TokenError', `token returned a ${raw.length}-byte ECDSA signature, expected 64`);
  return p256.Signature.fromCompact(raw).toDERRawBytes();
}

/** DER ECDSA-Sig-Value → r||s for C_Verify; malformed input is an invalid signature (null). */
export function ecdsaDerToRaw(der: Uint8Array): Uint8Array | null {
  try {
    return p256.Signature.fromDER(der).toCompactRawBytes();
  } catch {
    return null;
  }
}
