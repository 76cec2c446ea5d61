/**
 * What a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) holds: algorithm, curve, size, and the
 * Keywarden key spec it corresponds to. Read with a DER walker so it needs no crypto
 * engine (Electron's BoringSSL cannot load SM2 keys).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { KeyPairSpec } from '../crypto/types.ts';
import { children, guard, readTlv } from './der.ts';
import { OID } from './oids.ts';

export type PublicKeyAlgorithm = 'RSA' | 'EC' | 'SM2' | 'Ed25519' | 'unknown';

export interface PublicKeySummary {
  algorithm: PublicKeyAlgorithm;
  /** The Keywarden key spec, or null when the key is outside the specs Keywarden manages. */
  spec: KeyPairSpec | null;
  bits: number | null;
  /** 'P-256' | 'P-384' | 'P-521' | 'SM2', or the curve OID when unnamed here. */
  curve: string | null;
  /** The SubjectPublicKeyInfo DER, base64. */
  spki: string;
}

const CURVES: Record<string, string> = { [OID.p256]: 'P-256', [OID.p384]: 'P-384', [OID.p521]: 'P-521', [OID.sm2Curve]: 'SM2' };

/** Decodes a DER OBJECT IDENTIFIER element (tag 06). */
export function oidFromDer(der: Uint8Array): string {
  const t = readTlv(der, 0);
  if (t.tag !== 0x06 || t.end !== der.length || t.length === 0) throw new Error('not an OID');
  const body = der.subarray(t.headerLength, t.end);
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    } else if (i === body.length - 1) throw new Error('truncated OID');
  }
  const first = arcs.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

function bitLength(intContent: Uint8Array): number {
  let i = 0;
  while (i < intContent.length - 1 && intContent[i] === 0) i++;
  const lead = intContent[i] ?? 0;
  return (intContent.length - i - 1) * 8 + (lead === 0 ? 0 : Math.floor(Math.log2(lead)) + 1);
}

function rsaModulusBits(publicKey: Uint8Array): number {
  const seq = readTlv(publicKey, 0);
  const [n] = children(publicKey, seq);
  if (!n || n.tag !== 0x02) throw new Error('not an RSAPublicKey');
  return bitLength(publicKey.subarray(n.start + n.headerLength, n.end));
}

export interface SpkiParts {
  algorithmOid: string;
  curveOid: string | null;
  /** The subjectPublicKey BIT STRING contents (RSAPublicKey DER, or the EC point). */
  publicKey: Uint8Array;
  summary: PublicKeySummary;
}

export function parseSpki(spkiDer: Uint8Array): SpkiParts {
  return guard('InvalidPublicKey', 'public key', () => {
    const info = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
    const algorithmOid = info.algorithm.algorithm;
    const publicKey = new Uint8Array(info.subjectPublicKey);
    let curveOid: string | null = null;
    let algorithm: PublicKeyAlgorithm = 'unknown';
    let spec: KeyPairSpec | null = null;
    let bits: number | null = null;
    if (algorithmOid === OID.rsaEncryption || algorithmOid === OID.rsassaPss) {
      algorithm = 'RSA';
      bits = rsaModulusBits(publicKey);
      spec = bits === 2048 ? 'RSA_2048' : bits === 3072 ? 'RSA_3072' : bits === 4096 ? 'RSA_4096' : null;
    } else if (algorithmOid === OID.ecPublicKey || algorithmOid === OID.sm2Algorithm) {
      curveOid = algorithmOid === OID.sm2Algorithm ? OID.sm2Curve : info.algorithm.parameters ? oidFromDer(new Uint8Array(info.algorithm.parameters)) : null;
      if (curveOid === null) throw new Error('EC key without named curve');
      algorithm = curveOid === OID.sm2Curve ? 'SM2' : 'EC';
      bits = curveOid === OID.p384 ? 384 : curveOid === OID.p521 ? 521 : 256;
      spec = curveOid === OID.sm2Curve ? 'SM2' : curveOid === OID.p256 ? 'EC_P256' : null;
      if (publicKey[0] !== 0x04) throw new Error('only uncompressed EC points are supported');
    } else if (algorithmOid === OID.ed25519) {
      algorithm = 'Ed25519';
      bits = 256;
    }
    const curve = curveOid === null ? null : (CURVES[curveOid] ?? curveOid);
    return {
      algorithmOid,
      curveOid,
      publicKey,
      summary: { algorithm, spec, bits, curve, spki: Buffer.from(spkiDer).toString('base64') },
    };
  });
}

/**
 * The SPKI a CryptoSuite expects for SM2 (id-ecPublicKey + curve 1.2.156.10197.1.301);
 * keys written with the SM2 algorithm OID (GmSSL, some UKeys) are rewritten to it.
 */
export function suiteSpki(spkiDer: Uint8Array): Uint8Array {
  const p = parseSpki(spkiDer);
  if (p.algorithmOid !== OID.sm2Algorithm) return spkiDer;
  const ecOid = Buffer.from('06072a8648ce3d0201', 'hex');
  const sm2Oid = Buffer.from('06082a811ccf5501822d', 'hex');
  const alg = Buffer.concat([Buffer.from([0x30, ecOid.length + sm2Oid.length]), ecOid, sm2Oid]);
  const bitString = Buffer.concat([Buffer.from([0x03, p.publicKey.length + 1, 0x00]), p.publicKey]);
  const body = Buffer.concat([alg, bitString]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}
