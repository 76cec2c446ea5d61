/**
 * The wrapping public keys an officer carries in: the file a cloud console or CLI gave
 * them (DER SubjectPublicKeyInfo, PEM "PUBLIC KEY", PEM "RSA PUBLIC KEY" (PKCS#1), or the
 * base64 text of the DER, as Tianyi/Alibaba/Tencent consoles download it) or a public key
 * pasted into an API call. Everything is parsed with our own DER reader so a hostile file
 * can only ever produce KwError('InvalidPublicKey'), on every runtime.
 */
import { p256 } from '@noble/curves/nist';
import { KwError } from '../api/errors.ts';
import { DerReader, bitString, oid, seq, tlv, TAG } from '../crypto/der.ts';
import { OID, decodeEcSpki } from '../crypto/ec-keys.ts';
import { sm2ParsePoint } from '../crypto/sm2.ts';

export type WrappingKeyKind = 'RSA' | 'P-256' | 'SM2';

export interface ParsedPublicKey {
  /** Canonical SubjectPublicKeyInfo DER. */
  spki: Buffer;
  kind: WrappingKeyKind;
  /** Modulus length for RSA keys, null for EC keys. */
  rsaBits: number | null;
}

/** Public key files are a few hundred bytes; anything this large is not one. */
export const PUBLIC_KEY_INPUT_MAX_BYTES = 16 * 1024;
const RSA_MIN_BITS = 2048;
const RSA_MAX_BITS = 8192;

const invalid = (why: string): KwError => new KwError('InvalidPublicKey', `not a usable public key: ${why}`);

function bitLength(magnitude: Uint8Array): number {
  const first = magnitude[0] ?? 0;
  return first === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(first));
}

/** Checks an RSAPublicKey (PKCS#1) body and returns the modulus length in bits. */
function rsaBitsOf(rsaPublicKey: Uint8Array): number {
  const outer = new DerReader(rsaPublicKey);
  const body = outer.readSeq();
  outer.end();
  const n = body.readUint();
  const e = body.readUint();
  body.end();
  const bits = bitLength(n);
  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) throw invalid(`RSA modulus of ${bits} bits (need ${RSA_MIN_BITS}-${RSA_MAX_BITS})`);
  if ((n[n.length - 1]! & 1) === 0) throw invalid('RSA modulus is even');
  if (e.length > 8 || (e[e.length - 1]! & 1) === 0 || (e.length === 1 && e[0]! < 3)) throw invalid('RSA public exponent is not an odd number >= 3');
  return bits;
}

function parseSpki(der: Uint8Array): ParsedPublicKey {
  let kind: WrappingKeyKind;
  let rsaBits: number | null = null;
  try {
    const outer = new DerReader(der);
    const body = outer.readSeq();
    outer.end();
    const alg = body.readSeq();
    const algOid = alg.readOid();
    const key = body.readBitStringBytes();
    body.end();
    if (algOid === OID.rsaEncryption) {
      if (!alg.done) alg.read(TAG.NULL);
      alg.end();
      kind = 'RSA';
      rsaBits = rsaBitsOf(key);
    } else if (algOid === OID.ecPublicKey) {
      const curve = alg.readOid();
      alg.end();
      if (curve === OID.p256) kind = 'P-256';
      else if (curve === OID.sm2) kind = 'SM2';
      else throw invalid('unsupported elliptic curve');
    } else {
      throw invalid('unsupported algorithm');
    }
  } catch (e) {
    if (e instanceof KwError) throw e;
    throw invalid('malformed SubjectPublicKeyInfo');
  }
  if (kind === 'SM2') sm2ParsePoint(decodeEcSpki(der, 'SM2'));
  if (kind === 'P-256') {
    const point = decodeEcSpki(der, 'P-256');
    try {
      p256.Point.fromBytes(point).assertValidity();
    } catch {
      throw invalid('not a point on P-256');
    }
  }
  return { spki: Buffer.from(der), kind, rsaBits };
}

/** PKCS#1 RSAPublicKey wrapped into the SubjectPublicKeyInfo every other path expects. */
function spkiFromPkcs1(rsaPublicKey: Uint8Array): Uint8Array {
  return seq(seq(oid(OID.rsaEncryption), tlv(TAG.NULL, new Uint8Array(0))), bitString(rsaPublicKey));
}

const PEM_RE = /^-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END \1-----\s*$/;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function strictBase64(text: string): Buffer {
  const compact = text.replace(/[\r\n\t ]/g, '');
  if (compact.length === 0 || !B64_RE.test(compact)) throw invalid('neither DER, PEM nor base64 DER');
  return Buffer.from(compact, 'base64');
}

/** Parses the bytes of a public key file in any of the accepted forms. */
export function parsePublicKeyFile(file: Uint8Array): ParsedPublicKey {
  if (file.length === 0) throw invalid('empty');
  if (file.length > PUBLIC_KEY_INPUT_MAX_BYTES) throw invalid('too large');
  if (file[0] === 0x30) return parseSpki(file);
  const text = Buffer.from(file).toString('latin1').trim();
  if (text.startsWith('-----BEGIN')) {
    const m = PEM_RE.exec(text + '\n');
    if (!m) throw invalid('PEM block is not a PUBLIC KEY or RSA PUBLIC KEY');
    const der = strictBase64(m[2]!);
    return m[1] === 'RSA PUBLIC KEY' ? (rsaBitsOf(der), parseSpki(spkiFromPkcs1(der))) : parseSpki(der);
  }
  const der = strictBase64(text);
  if (der[0] !== 0x30) throw invalid('base64 text does not hold a DER public key');
  return parseSpki(der);
}

/** A public key given inline in a request: PEM text or base64 of the file (DER or PEM). */
export function parsePublicKeyParam(value: string): ParsedPublicKey {
  if (value.length > PUBLIC_KEY_INPUT_MAX_BYTES * 2) throw invalid('too large');
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN')) return parsePublicKeyFile(Buffer.from(trimmed, 'latin1'));
  return parsePublicKeyFile(strictBase64(trimmed));
}
