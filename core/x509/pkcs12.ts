/**
 * PKCS#12 (RFC 7292) in and out, and password-encrypted PKCS#8 (RFC 5958, PBES2 RFC 8018).
 * Import reads what `openssl pkcs12 -export` writes: OpenSSL 3 defaults (PBES2 AES-256-CBC,
 * PBKDF2, HMAC-SHA256 MAC) and `-legacy` (3DES/RC2 with SHA-1). Export writes OpenSSL 3's
 * default shape. Keys of any type (RSA, EC, SM2) travel as PKCS#8 bytes; nothing here needs
 * to understand them. Callers wipe the returned private key when done.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { KwError } from '../api/errors.ts';
import { children, guard, looksLikePem, pemDecodeAll, pemEncode, readTlv, toText } from './der.ts';
import type { Tlv } from './der.ts';
import { bmpString, contentOf, explicit, int, octets, oid, seq, set, tlv, NULL } from './asn1-write.ts';
import { parseCertificate } from './parse.ts';
import { pbeDecrypt, pbes2Encrypt, pkcs12Kdf } from './pbe.ts';
import { oidFromDer } from './spki.ts';
import { privateKeyMatchesCertificate } from './match.ts';

const P12 = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  friendlyName: '1.2.840.113549.1.9.20',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;
const MAC_HASH: Record<string, string> = { [P12.sha1]: 'sha1', [P12.sha256]: 'sha256', [P12.sha384]: 'sha384', [P12.sha512]: 'sha512' };

export interface Pkcs12Contents {
  /** PKCS#8 DER of the private key; the caller wipes it. */
  privateKey: Uint8Array;
  /** The certificate for that key. */
  certificate: Uint8Array;
  /** The other certificates in the file, in file order. */
  chain: Uint8Array[];
  friendlyName: string | null;
}

const invalid = (why: string) => new KwError('CertificateInvalid', `PKCS#12: ${why}`);

interface Bag {
  type: string;
  value: Uint8Array;
  localKeyId: string | null;
  friendlyName: string | null;
}

function oidAt(buf: Uint8Array, t: Tlv | undefined): string {
  if (!t || t.tag !== 0x06) throw invalid('expected an object identifier');
  return oidFromDer(buf.subarray(t.start, t.end));
}

function need(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw invalid(`malformed ${what}`);
  return t;
}

/** Reads a [0] EXPLICIT OCTET STRING, including the constructed (BER) form some writers use. */
function octetContent(buf: Uint8Array, t: Tlv): Uint8Array {
  if (t.tag === 0x04) return contentOf(buf, t);
  if (t.tag === 0x24) return new Uint8Array(Buffer.concat(children(buf, t).map((c) => octetContent(buf, c))));
  throw invalid('expected an OCTET STRING');
}

function parseBags(safeContents: Uint8Array, password: string, out: Bag[]): void {
  const top = readTlv(safeContents, 0);
  if (top.tag !== 0x30 || top.end !== safeContents.length) throw invalid('malformed SafeContents');
  for (const bagTlv of children(safeContents, top)) {
    const [idT, valT, attrT] = children(safeContents, need(bagTlv, 0x30, 'SafeBag'));
    const type = oidAt(safeContents, idT);
    const wrapped = need(valT, 0xa0, 'bag value');
    const inner = children(safeContents, wrapped)[0];
    if (!inner) throw invalid('empty bag');
    let value = safeContents.subarray(inner.start, inner.end);
    let localKeyId: string | null = null;
    let friendlyName: string | null = null;
    if (attrT && attrT.tag === 0x31) {
      for (const a of children(safeContents, attrT)) {
        const [aId, aVals] = children(safeContents, need(a, 0x30, 'attribute'));
        const first = aVals ? children(safeContents, aVals)[0] : undefined;
        const aOid = oidAt(safeContents, aId);
        if (aOid === P12.localKeyId && first) localKeyId = Buffer.from(contentOf(safeContents, first)).toString('hex');
        if (aOid === P12.friendlyName && first?.tag === 0x1e) friendlyName = Buffer.from(contentOf(safeContents, first)).swap16().toString('utf16le');
      }
    }
    if (type === P12.shroudedKeyBag) {
      value = decryptPkcs8Der(value, password);
    } else if (type === P12.certBag) {
      const [certId, certVal] = children(value, need(readTlv(value, 0), 0x30, 'CertBag'));
      if (oidAt(value, certId) !== P12.x509Certificate) continue; // SDSI certificates: not used here
      const octet = children(value, need(certVal, 0xa0, 'certificate value'))[0];
      if (!octet) throw invalid('empty certificate bag');
      value = octetContent(value, octet);
    }
    out.push({ type, value, localKeyId, friendlyName });
  }
}

function checkMac(pfx: Uint8Array, macT: Tlv, authSafeContent: Uint8Array, password: string): void {
  const [digestInfo, saltT, iterT] = children(pfx, need(macT, 0x30, 'MacData'));
  const [algT, digestT] = children(pfx, need(digestInfo, 0x30, 'DigestInfo'));
  const algOid = oidAt(pfx, children(pfx, need(algT, 0x30, 'digest algorithm'))[0]);
  const hash = MAC_HASH[algOid];
  if (!hash) throw invalid(`unsupported MAC algorithm ${algOid}`);
  const expected = contentOf(pfx, need(digestT, 0x04, 'MAC'));
  const salt = contentOf(pfx, need(saltT, 0x04, 'MAC salt'));
  const iterations = iterT ? Number(BigInt('0x' + Buffer.from(contentOf(pfx, need(iterT, 0x02, 'MAC iterations'))).toString('hex'))) : 1;
  if (iterations < 1 || iterations > 10_000_000) throw invalid('MAC iteration count out of range');
  const macLen = createHash(hash).digest().length;
  const key = pkcs12Kdf(hash, password, salt, iterations, 3, macLen);
  const mac = createHmac(hash, key).update(authSafeContent).digest();
  key.fill(0);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
    throw new KwError('Pkcs12PasswordIncorrect', 'the PKCS#12 password is incorrect or the file is damaged');
  }
}

/**
 * Opens a PKCS#12 file (DER, or base64 text of it). The MAC, when present, is checked first,
 * so a wrong password is reported as such before any decryption is tried.
 */
export function importPkcs12(input: Uint8Array | string, password: string): Pkcs12Contents {
  if (typeof password !== 'string') throw new KwError('MissingParameter', 'password is required');
  return guard('CertificateInvalid', 'PKCS#12 file', () => {
    const pfx = typeof input === 'string' ? new Uint8Array(Buffer.from(input.replace(/\s+/g, ''), 'base64')) : input;
    const top = readTlv(pfx, 0);
    if (top.tag !== 0x30 || top.end !== pfx.length) throw invalid('not a DER SEQUENCE');
    const [versionT, authSafeT, macT] = children(pfx, top);
    need(versionT, 0x02, 'version');
    const [ctype, cval] = children(pfx, need(authSafeT, 0x30, 'authSafe'));
    if (oidAt(pfx, ctype) !== P12.data) throw invalid('public-key integrity mode is not supported');
    const octet = children(pfx, need(cval, 0xa0, 'authSafe content'))[0];
    if (!octet) throw invalid('empty authSafe');
    const authSafe = octetContent(pfx, octet);
    if (macT) checkMac(pfx, macT, authSafe, password);
    const bags: Bag[] = [];
    const asTop = readTlv(authSafe, 0);
    if (asTop.tag !== 0x30 || asTop.end !== authSafe.length) throw invalid('malformed AuthenticatedSafe');
    for (const ci of children(authSafe, asTop)) {
      const [t, v] = children(authSafe, need(ci, 0x30, 'ContentInfo'));
      const type = oidAt(authSafe, t);
      const inner = children(authSafe, need(v, 0xa0, 'content'))[0];
      if (!inner) throw invalid('empty content');
      if (type === P12.data) {
        parseBags(octetContent(authSafe, inner), password, bags);
      } else if (type === P12.encryptedData) {
        const [, eci] = children(authSafe, need(inner, 0x30, 'EncryptedData'));
        const [, algT, encT] = children(authSafe, need(eci, 0x30, 'EncryptedContentInfo'));
        const alg = authSafe.subarray(need(algT, 0x30, 'algorithm').start, algT!.end);
        if (!encT || (encT.tag !== 0x80 && encT.tag !== 0xa0)) throw invalid('missing encrypted content');
        const ciphertext = encT.tag === 0x80 ? contentOf(authSafe, encT) : new Uint8Array(Buffer.concat(children(authSafe, encT).map((c) => octetContent(authSafe, c))));
        parseBags(pbeDecrypt(alg, password, ciphertext), password, bags);
      } else {
        throw invalid('public-key privacy mode is not supported');
      }
    }
    return pickKeyAndCertificate(bags);
  });
}

function pickKeyAndCertificate(bags: Bag[]): Pkcs12Contents {
  const keys = bags.filter((b) => b.type === P12.keyBag || b.type === P12.shroudedKeyBag);
  const certs = bags.filter((b) => b.type === P12.certBag);
  if (keys.length !== 1) throw invalid(keys.length === 0 ? 'no private key in the file' : 'more than one private key in the file');
  if (certs.length === 0) throw invalid('no certificate in the file');
  const key = keys[0]!;
  // The key's certificate: same localKeyId, else the one whose public key matches.
  let leaf = key.localKeyId ? certs.find((c) => c.localKeyId === key.localKeyId) : undefined;
  leaf ??= certs.find((c) => privateKeyMatchesCertificate(key.value, parseCertificate(c.value)));
  if (!leaf) throw new KwError('CertificateKeyMismatch', 'no certificate in the PKCS#12 file matches its private key');
  for (const c of certs) parseCertificate(c.value);
  return {
    privateKey: key.value,
    certificate: leaf.value,
    chain: certs.filter((c) => c !== leaf).map((c) => c.value),
    friendlyName: key.friendlyName ?? leaf.friendlyName,
  };
}

/** Decrypts an EncryptedPrivateKeyInfo (DER) to PKCS#8 DER. */
function decryptPkcs8Der(der: Uint8Array, password: string): Uint8Array {
  const top = readTlv(der, 0);
  if (top.tag !== 0x30 || top.end !== der.length) throw invalid('malformed EncryptedPrivateKeyInfo');
  const [algT, dataT] = children(der, top);
  const plain = pbeDecrypt(der.subarray(need(algT, 0x30, 'algorithm').start, algT!.end), password, contentOf(der, need(dataT, 0x04, 'encrypted key')));
  // A wrong password can still unpad correctly by chance (about 1 in 256): the result must be a PKCS#8 SEQUENCE.
  try {
    const t = readTlv(plain, 0);
    if (t.tag !== 0x30 || t.end !== plain.length) throw new Error('not DER');
  } catch {
    plain.fill(0);
    throw new KwError('Pkcs12PasswordIncorrect', 'the password is incorrect or the key is damaged');
  }
  return plain;
}

/** Reads an 'ENCRYPTED PRIVATE KEY' PEM (or its DER) to PKCS#8 DER; the caller wipes it. */
export function decryptPkcs8(input: Uint8Array | string, password: string): Uint8Array {
  return guard('CertificateInvalid', 'encrypted private key', () => {
    let der: Uint8Array;
    if (looksLikePem(input)) {
      const block = pemDecodeAll(toText(input)).find((b) => b.label === 'ENCRYPTED PRIVATE KEY');
      if (!block) throw invalid('no ENCRYPTED PRIVATE KEY block');
      der = block.der;
    } else {
      if (typeof input === 'string') throw invalid('text input is not PEM');
      der = input;
    }
    return decryptPkcs8Der(der, password);
  });
}

export interface ExportOptions {
  iterations?: number;
  friendlyName?: string;
  /** Injected randomness for salts and IVs (tests); defaults to node:crypto randomBytes. */
  random?: (n: number) => Uint8Array;
}

const rnd = (o: ExportOptions | undefined, n: number) => (o?.random ?? ((k: number) => new Uint8Array(randomBytes(k))))(n);

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < 1 || password.length > 1024) {
    throw new KwError('InvalidParameter', 'export password must be 1..1024 characters');
  }
}

function encryptedPrivateKeyInfo(pkcs8: Uint8Array, password: string, o?: ExportOptions): Uint8Array {
  const { algId, ciphertext } = pbes2Encrypt(password, pkcs8, { iterations: o?.iterations ?? 10_000, salt: rnd(o, 16), iv: rnd(o, 16) });
  return seq(algId, octets(ciphertext));
}

/** PKCS#8 DER → 'ENCRYPTED PRIVATE KEY' PEM (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), as `openssl pkcs8` reads. */
export function encryptPkcs8(pkcs8: Uint8Array, password: string, options?: ExportOptions): string {
  checkPassword(password);
  return pemEncode('ENCRYPTED PRIVATE KEY', encryptedPrivateKeyInfo(pkcs8, password, options));
}

/**
 * Key + certificate + chain → PKCS#12 DER in OpenSSL 3's default shape: the key in a
 * shrouded key bag and the certificates in an encrypted SafeContents, both PBES2
 * AES-256-CBC / PBKDF2-HMAC-SHA256, and an HMAC-SHA256 MAC. The key must match the certificate.
 */
export function exportPkcs12(input: { privateKey: Uint8Array; certificate: Uint8Array; chain?: Uint8Array[] }, password: string, options?: ExportOptions): Uint8Array {
  checkPassword(password);
  const cert = parseCertificate(input.certificate);
  const chain = (input.chain ?? []).map((c) => parseCertificate(c).der);
  if (!privateKeyMatchesCertificate(input.privateKey, cert)) throw new KwError('CertificateKeyMismatch', 'the private key does not belong to the certificate');
  const iterations = options?.iterations ?? 10_000;
  const localKeyId = new Uint8Array(createHash('sha1').update(cert.der).digest());
  const attrs = (withId: boolean) => {
    const list: Uint8Array[] = [];
    if (options?.friendlyName) list.push(seq(oid(P12.friendlyName), set(bmpString(options.friendlyName))));
    if (withId) list.push(seq(oid(P12.localKeyId), set(octets(localKeyId))));
    return list.length ? [set(...list)] : [];
  };
  const certBag = (der: Uint8Array, withId: boolean) => seq(oid(P12.certBag), explicit(0, seq(oid(P12.x509Certificate), explicit(0, octets(der)))), ...attrs(withId));
  const certContents = seq(certBag(cert.der, true), ...chain.map((c) => certBag(c, false)));
  const enc = pbes2Encrypt(password, certContents, { iterations, salt: rnd(options, 16), iv: rnd(options, 16) });
  const encryptedCerts = seq(oid(P12.encryptedData), explicit(0, seq(int(0), seq(oid(P12.data), enc.algId, tlv(0x80, enc.ciphertext)))));
  const keyBag = seq(oid(P12.shroudedKeyBag), explicit(0, encryptedPrivateKeyInfo(input.privateKey, password, { ...options, iterations })), ...attrs(true));
  const keyData = seq(oid(P12.data), explicit(0, octets(seq(keyBag))));
  const authSafe = seq(encryptedCerts, keyData);
  const macSalt = rnd(options, 16);
  const macKey = pkcs12Kdf('sha256', password, macSalt, iterations, 3, 32);
  const mac = new Uint8Array(createHmac('sha256', macKey).update(authSafe).digest());
  macKey.fill(0);
  const macData = seq(seq(seq(oid(P12.sha256), NULL), octets(mac)), octets(macSalt), int(iterations));
  return seq(int(3), seq(oid(P12.data), explicit(0, octets(authSafe))), macData);
}
