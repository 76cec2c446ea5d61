/**
 * Does a certificate belong to a key? Compares public keys by algorithm, curve and key
 * value, so encodings that differ only in form (e.g. the SM2 algorithm OID variant) match.
 * For a private key the public half is derived by the CryptoSuite when one is given (the
 * authoritative check); otherwise it is read from the PKCS#8 itself (RSA n,e; the EC public
 * key field), falling back to node:crypto when an EC key omits it.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { CryptoSuite } from '../crypto/types.ts';
import { children, contentOf, readTlv } from './der.ts';
import type { ParsedCertificate } from './parse.ts';
import { oidFromDer, parseSpki } from './spki.ts';
import { OID } from './oids.ts';

type KeyOf = Pick<CryptoSuite, 'publicKeyOf'>;

interface KeyValue {
  algorithm: string;
  curve: string | null;
  value: string;
}

function rsaValue(rsaPublicOrPrivate: Uint8Array, isPrivate: boolean): string {
  const parts = children(rsaPublicOrPrivate, readTlv(rsaPublicOrPrivate, 0));
  const [n, e] = isPrivate ? [parts[1], parts[2]] : [parts[0], parts[1]];
  if (!n || !e) throw new Error('not an RSA key');
  const strip = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/^(00)+/, '');
  return `${strip(contentOf(rsaPublicOrPrivate, n))}:${strip(contentOf(rsaPublicOrPrivate, e))}`;
}

function spkiValue(spki: Uint8Array): KeyValue {
  const p = parseSpki(spki);
  const value = p.summary.algorithm === 'RSA' ? rsaValue(p.publicKey, false) : Buffer.from(p.publicKey).toString('hex');
  return { algorithm: p.summary.algorithm, curve: p.curveOid, value };
}

function pkcs8Value(pkcs8: Uint8Array): KeyValue | null {
  const [, algT, keyT] = children(pkcs8, readTlv(pkcs8, 0));
  if (!algT || !keyT || keyT.tag !== 0x04) throw new Error('not PKCS#8');
  const [algOidT, paramT] = children(pkcs8, algT);
  const alg = oidFromDer(pkcs8.subarray(algOidT!.start, algOidT!.end));
  const inner = contentOf(pkcs8, keyT);
  if (alg === OID.rsaEncryption || alg === OID.rsassaPss) return { algorithm: 'RSA', curve: null, value: rsaValue(inner, true) };
  if (alg !== OID.ecPublicKey && alg !== OID.sm2Algorithm) return null;
  let curve = alg === OID.sm2Algorithm ? OID.sm2Curve : paramT?.tag === 0x06 ? oidFromDer(pkcs8.subarray(paramT.start, paramT.end)) : null;
  let point: Uint8Array | null = null;
  for (const f of children(inner, readTlv(inner, 0)).slice(2)) {
    if (f.tag === 0xa0 && curve === null) {
      const o = children(inner, f)[0];
      if (o?.tag === 0x06) curve = oidFromDer(inner.subarray(o.start, o.end));
    }
    if (f.tag === 0xa1) {
      const bits = children(inner, f)[0];
      if (bits?.tag === 0x03) point = contentOf(inner, bits).subarray(1);
    }
  }
  if (!point || curve === null) return null;
  return { algorithm: curve === OID.sm2Curve ? 'SM2' : 'EC', curve, value: Buffer.from(point).toString('hex') };
}

const same = (a: KeyValue, b: KeyValue) => a.algorithm === b.algorithm && a.curve === b.curve && a.value === b.value;

/** True when the SubjectPublicKeyInfo is the certificate's public key. Malformed keys never match. */
export function publicKeyMatchesCertificate(spki: Uint8Array, cert: ParsedCertificate): boolean {
  try {
    return same(spkiValue(spki), spkiValue(cert.spki));
  } catch {
    return false;
  }
}

/** True when the PKCS#8 private key is the certificate's key. Malformed keys never match. */
export function privateKeyMatchesCertificate(pkcs8: Uint8Array, cert: ParsedCertificate, crypto?: KeyOf): boolean {
  try {
    if (crypto) return publicKeyMatchesCertificate(crypto.publicKeyOf(pkcs8), cert);
    const embedded = pkcs8Value(pkcs8);
    if (embedded) return same(embedded, spkiValue(cert.spki));
    const spki = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
    return publicKeyMatchesCertificate(new Uint8Array(spki), cert);
  } catch {
    return false;
  }
}
