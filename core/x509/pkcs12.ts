/**
 * PKCS#12 (RFC 7292) in and out, and password-encrypted PKCS#8 (RFC 5958, PBES2 RFC 8018).
 * Import reads what `openssl pkcs12 -export` writes: OpenSSL 3 defaults (PBES2 AES-256-CBC,
 * PBKDF2, HMAC-SHA256 MAC) and `-legacy` (3DES/RC2 with SHA-1). Export writes OpenSSL 3's
 * default shape. The structures are parsed and written by @peculiar/asn1-pfx / -pkcs8 (and
 * the schemas of pkcs12-asn1.ts); the key derivation and ciphers are pbe.ts's. Keys of any
 * type (RSA, EC, SM2) travel as PKCS#8 bytes; nothing here needs to understand them.
 * Callers wipe the returned private key when done.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { CertBag, MacData, PFX, PKCS12Attribute, SafeBag, SafeContents, id_certBag, id_keyBag, id_pkcs8ShroudedKeyBag, id_x509Certificate } from '@peculiar/asn1-pfx';
import { EncryptedData as EncryptedKey, EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { DigestInfo } from '@peculiar/asn1-rsa';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { KwError } from '../api/errors.ts';
import { guard, looksLikePem, pemDecodeAll, pemEncode, readTlv, toText } from './der.ts';
import { parseCertificate } from './parse.ts';
import { PbeBudget, pbeDecrypt, pbes2Encrypt, pkcs12Kdf, pkcs12KdfBlocks } from './pbe.ts';
import { AuthenticatedSafe, ContentInfo, EncryptedContent, EncryptedContentInfo, EncryptedData, PKCS7 } from './pkcs12-asn1.ts';
import { privateKeyMatchesCertificate } from './match.ts';

const ATTR = { localKeyId: '1.2.840.113549.1.9.21', friendlyName: '1.2.840.113549.1.9.20' } as const;
const HASH_OID = { sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' } as const;
const MAC_HASH: Record<string, string> = { [HASH_OID.sha1]: 'sha1', [HASH_OID.sha256]: 'sha256', [HASH_OID.sha384]: 'sha384', [HASH_OID.sha512]: 'sha512' };
/** Bags and encrypted parts a file may hold: enough for a key and a long chain, not a denial of service. */
const MAX_BAGS = 64;
const MAX_CONTENTS = 8;

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

const u8 = (b: ArrayBuffer | ArrayBufferView) => (b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

/** Parses exactly one DER/BER value of `type` filling `der` (trailing bytes are refused). */
function parseWhole<T>(der: ArrayBuffer | Uint8Array, type: new () => T, what: string): T {
  const bytes = u8(der);
  const top = readTlv(bytes, 0);
  if (top.end !== bytes.length) throw invalid(`trailing data after the ${what}`);
  return AsnConvert.parse(bytes, type);
}

/** The bytes of an OCTET STRING carried as `[0] EXPLICIT ANY` (primitive, or BER constructed). */
const octetsOf = (any: ArrayBuffer) => u8(AsnConvert.parse(any, OctetString).buffer);

function attributes(attrs: PKCS12Attribute[] | undefined): Pick<Bag, 'localKeyId' | 'friendlyName'> {
  let localKeyId: string | null = null;
  let friendlyName: string | null = null;
  for (const a of attrs ?? []) {
    const first = a.attrValues[0];
    if (!first) continue;
    if (a.attrId === ATTR.localKeyId) localKeyId = Buffer.from(octetsOf(first)).toString('hex');
    if (a.attrId === ATTR.friendlyName) {
      const t = readTlv(u8(first), 0);
      if (t.tag === 0x1e) friendlyName = Buffer.from(u8(first).subarray(t.start + t.headerLength, t.end)).swap16().toString('utf16le');
    }
  }
  return { localKeyId, friendlyName };
}

function parseBags(safeContents: Uint8Array, password: string, budget: PbeBudget, out: Bag[]): void {
  for (const bag of parseWhole(safeContents, SafeContents, 'SafeContents')) {
    if (out.length >= MAX_BAGS) throw invalid(`more than ${MAX_BAGS} bags`);
    let value = u8(bag.bagValue);
    if (bag.bagId === id_pkcs8ShroudedKeyBag) {
      value = decryptPkcs8Der(value, password, budget);
    } else if (bag.bagId === id_keyBag) {
      value = new Uint8Array(AsnConvert.serialize(AsnConvert.parse(value, PrivateKeyInfo)));
    } else if (bag.bagId === id_certBag) {
      const cert = AsnConvert.parse(value, CertBag);
      if (cert.certId !== id_x509Certificate) continue; // SDSI certificates: not used here
      value = octetsOf(cert.certValue);
    }
    out.push({ type: bag.bagId, value, ...attributes(bag.bagAttributes) });
  }
}

function checkMac(mac: MacData, authSafe: Uint8Array, password: string, budget: PbeBudget): void {
  const hash = MAC_HASH[mac.mac.digestAlgorithm.algorithm];
  if (!hash) throw invalid(`unsupported MAC algorithm ${mac.mac.digestAlgorithm.algorithm}`);
  const macLen = createHash(hash).digest().length;
  // MacData.iterations DEFAULT 1; the library reads it as a number.
  const iterations = budget.spend(mac.iterations ?? 1, pkcs12KdfBlocks(hash, macLen));
  const key = pkcs12Kdf(hash, password, u8(mac.macSalt.buffer), iterations, 3, macLen);
  const computed = createHmac(hash, key).update(authSafe).digest();
  key.fill(0);
  const expected = u8(mac.mac.digest.buffer);
  if (computed.length !== expected.length || !timingSafeEqual(computed, expected)) {
    throw new KwError('Pkcs12PasswordIncorrect', 'the PKCS#12 password is incorrect or the file is damaged');
  }
}

function encryptedContentBytes(c: EncryptedContent | undefined): Uint8Array {
  if (c?.value) return u8(c.value.buffer);
  if (c?.constructedValue) return new Uint8Array(Buffer.concat(c.constructedValue.map((o) => u8(o.buffer))));
  throw invalid('missing encrypted content');
}

/**
 * Opens a PKCS#12 file (DER, or base64 text of it). The MAC, when present, is checked first,
 * so a wrong password is reported as such before any decryption is tried.
 */
export function importPkcs12(input: Uint8Array | string, password: string): Pkcs12Contents {
  if (typeof password !== 'string') throw new KwError('MissingParameter', 'password is required');
  return guard('CertificateInvalid', 'PKCS#12 file', () => {
    const der = typeof input === 'string' ? new Uint8Array(Buffer.from(input.replace(/\s+/g, ''), 'base64')) : input;
    const pfx = parseWhole(der, PFX, 'PFX');
    if (pfx.version !== 3) throw invalid('version is not 3');
    if (pfx.authSafe.contentType !== PKCS7.data) throw invalid('public-key integrity mode is not supported');
    const authSafe = octetsOf(pfx.authSafe.content);
    const budget = new PbeBudget();
    // The library fills an absent MacData with an empty one; an empty MAC means none.
    if (pfx.macData && pfx.macData.mac.digest.byteLength > 0) checkMac(pfx.macData, authSafe, password, budget);
    const contents = parseWhole(authSafe, AuthenticatedSafe, 'AuthenticatedSafe');
    if (contents.length > MAX_CONTENTS) throw invalid(`more than ${MAX_CONTENTS} content parts`);
    const bags: Bag[] = [];
    for (const ci of contents) {
      if (ci.contentType === PKCS7.data) {
        parseBags(octetsOf(ci.content), password, budget, bags);
      } else if (ci.contentType === PKCS7.encryptedData) {
        const eci = AsnConvert.parse(ci.content, EncryptedData).encryptedContentInfo;
        parseBags(pbeDecrypt(eci.contentEncryptionAlgorithm, password, encryptedContentBytes(eci.encryptedContent), budget), password, budget, bags);
      } else {
        throw invalid('public-key privacy mode is not supported');
      }
    }
    return pickKeyAndCertificate(bags);
  });
}

function pickKeyAndCertificate(bags: Bag[]): Pkcs12Contents {
  const keys = bags.filter((b) => b.type === id_keyBag || b.type === id_pkcs8ShroudedKeyBag);
  const certs = bags.filter((b) => b.type === id_certBag);
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
function decryptPkcs8Der(der: Uint8Array, password: string, budget: PbeBudget): Uint8Array {
  const info = parseWhole(der, EncryptedPrivateKeyInfo, 'EncryptedPrivateKeyInfo');
  const plain = pbeDecrypt(info.encryptionAlgorithm, password, u8(info.encryptedData.buffer), budget);
  // A wrong password can still unpad correctly by chance (about 1 in 256): the result must be a PKCS#8 PrivateKeyInfo.
  try {
    parseWhole(plain, PrivateKeyInfo, 'PrivateKeyInfo');
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
    return decryptPkcs8Der(der, password, new PbeBudget());
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
  return new Uint8Array(AsnConvert.serialize(new EncryptedPrivateKeyInfo({ encryptionAlgorithm: algId, encryptedData: new EncryptedKey(ciphertext) })));
}

/** PKCS#8 DER → 'ENCRYPTED PRIVATE KEY' PEM (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), as `openssl pkcs8` reads. */
export function encryptPkcs8(pkcs8: Uint8Array, password: string, options?: ExportOptions): string {
  checkPassword(password);
  return pemEncode('ENCRYPTED PRIVATE KEY', encryptedPrivateKeyInfo(pkcs8, password, options));
}

const der = (value: object) => AsnConvert.serialize(value);
/** A BMPString value (friendlyName), DER: tag 0x1e, definite length, UTF-16BE. */
const bmpString = (text: string): ArrayBuffer => {
  const body = Buffer.from(text, 'utf16le').swap16();
  if (body.length > 0xffff) throw new KwError('InvalidParameter', 'friendly name too long');
  const length = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return new Uint8Array([0x1e, ...length, ...body]).buffer;
};

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
  // PKCS12Attribute's constructor (asn1-pfx 2.x) drops its parameters: fill the instance instead.
  const attribute = (attrId: string, value: ArrayBuffer) => Object.assign(new PKCS12Attribute(), { attrId, attrValues: [value] });
  const attrs = (withId: boolean): PKCS12Attribute[] | undefined => {
    const list: PKCS12Attribute[] = [];
    if (options?.friendlyName) list.push(attribute(ATTR.friendlyName, bmpString(options.friendlyName)));
    if (withId) list.push(attribute(ATTR.localKeyId, der(new OctetString(localKeyId))));
    return list.length ? list : undefined;
  };
  const certBag = (certDer: Uint8Array, withId: boolean) =>
    new SafeBag({ bagId: id_certBag, bagValue: der(new CertBag({ certId: id_x509Certificate, certValue: der(new OctetString(certDer)) })), bagAttributes: attrs(withId) });
  const certContents = new Uint8Array(der(new SafeContents([certBag(cert.der, true), ...chain.map((c) => certBag(c, false))])));
  const enc = pbes2Encrypt(password, certContents, { iterations, salt: rnd(options, 16), iv: rnd(options, 16) });
  const encryptedCerts = new ContentInfo({
    contentType: PKCS7.encryptedData,
    content: der(new EncryptedData({ version: 0, encryptedContentInfo: new EncryptedContentInfo({ contentType: PKCS7.data, contentEncryptionAlgorithm: enc.algId, encryptedContent: new EncryptedContent({ value: new OctetString(enc.ciphertext) }) }) })),
  });
  const keyBag = new SafeBag({ bagId: id_pkcs8ShroudedKeyBag, bagValue: encryptedPrivateKeyInfo(input.privateKey, password, { ...options, iterations }).slice().buffer, bagAttributes: attrs(true) });
  const keyData = new ContentInfo({ contentType: PKCS7.data, content: der(new OctetString(der(new SafeContents([keyBag])))) });
  const authSafe = new Uint8Array(der(new AuthenticatedSafe([encryptedCerts, keyData])));
  const macSalt = rnd(options, 16);
  const macKey = pkcs12Kdf('sha256', password, macSalt, iterations, 3, 32);
  const mac = new Uint8Array(createHmac('sha256', macKey).update(authSafe).digest());
  macKey.fill(0);
  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({ contentType: PKCS7.data, content: der(new OctetString(authSafe)) }),
    macData: new MacData({ mac: new DigestInfo({ digestAlgorithm: new AlgorithmIdentifier({ algorithm: HASH_OID.sha256, parameters: null }), digest: new OctetString(mac) }), macSalt: new OctetString(macSalt), iterations }),
  });
  return new Uint8Array(der(pfx));
}
