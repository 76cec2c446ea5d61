/**
 * Chain building and validation with a report an officer can read: the ordered path,
 * each certificate's checks, and a list of precise reason codes. Follows RFC 5280 §6.1
 * for signatures, validity, basicConstraints (cA, pathLenConstraint) and keyCertSign;
 * revocation and certificate policies are outside this layer.
 */
import { KwError } from '../api/errors.ts';
import { parseCertificate } from './parse.ts';
import type { ParsedCertificate } from './parse.ts';
import type { ChainReason } from '../domain/chain-reasons.ts';
import type { X509Crypto } from './signer.ts';
import { verifyCertificateSignature } from './verify.ts';
import type { SignatureVerdict } from './verify.ts';

export type { ChainReason };

export interface CertificateCheck {
  role: 'leaf' | 'intermediate' | 'root';
  subject: string;
  issuer: string;
  serialNumber: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
  /** Checked with the next certificate's key (the root's own key); 'noIssuer' when none was found. */
  signature: SignatureVerdict | 'noIssuer' | 'trustAnchor';
  validity: 'ok' | 'expired' | 'notYetValid';
  reasons: ChainReason[];
}

export interface ChainReport {
  ok: boolean;
  at: string;
  /** Every distinct reason, in the order first met walking from the leaf up. */
  reasons: ChainReason[];
  /** Leaf first, then each issuer up to the anchor (or as far as issuers were found). */
  path: CertificateCheck[];
  /**
   * 'trustAnchor': the path reached a certificate in `trustAnchors`. 'selfSignedInChain':
   * no anchors were given and the path ended at a self-signed certificate the caller supplied
   * (the caller decides whether to trust it). null: the path reached neither.
   */
  anchor: 'trustAnchor' | 'selfSignedInChain' | null;
  /** SHA-256 fingerprints of supplied chain certificates that are not on the path. */
  unused: string[];
}

export interface ValidateOptions {
  at: Date;
  crypto: X509Crypto;
  /** When given, the path must end at one of these; otherwise a supplied self-signed root ends it. */
  trustAnchors?: (ParsedCertificate | Uint8Array | string)[];
}

const MAX_PATH = 10;

type CertInput = ParsedCertificate | Uint8Array | string;
const asParsed = (c: CertInput): ParsedCertificate => (typeof c === 'string' || c instanceof Uint8Array ? parseCertificate(c) : c);
const sameDer = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Issuer candidates by name, preferring a key identifier match, then one whose key verifies. */
function findIssuer(cert: ParsedCertificate, pool: ParsedCertificate[], used: Set<ParsedCertificate>, crypto: X509Crypto): ParsedCertificate | null {
  const byName = pool.filter((c) => !used.has(c) && sameDer(c.subjectDer, cert.issuerDer));
  const aki = cert.summary.authorityKeyIdentifier;
  const ranked = aki ? [...byName.filter((c) => c.summary.subjectKeyIdentifier === aki), ...byName.filter((c) => c.summary.subjectKeyIdentifier !== aki)] : byName;
  return ranked.find((c) => verifyCertificateSignature(cert, c, crypto) === 'ok') ?? ranked[0] ?? null;
}

function isSelfSigned(c: ParsedCertificate, crypto: X509Crypto): boolean {
  return c.summary.selfIssued && verifyCertificateSignature(c, c, crypto) === 'ok';
}

export function validateChain(leafInput: CertInput, chainInput: CertInput[], opts: ValidateOptions): ChainReport {
  if (!(opts?.at instanceof Date) || Number.isNaN(opts.at.getTime())) throw new KwError('InvalidParameter', 'validation time `at` must be a valid Date');
  const at = opts.at.getTime();
  const leaf = asParsed(leafInput);
  const chain = chainInput.map(asParsed).filter((c) => !sameDer(c.der, leaf.der));
  const anchors = opts.trustAnchors?.map(asParsed);
  const isAnchor = (c: ParsedCertificate) => anchors?.some((a) => sameDer(a.der, c.der)) ?? false;
  const pool = [...chain, ...(anchors ?? []).filter((a) => !chain.some((c) => sameDer(c.der, a.der)))];

  const path: ParsedCertificate[] = [leaf];
  const used = new Set<ParsedCertificate>([leaf]);
  let anchor: ChainReport['anchor'] = null;
  const checks: CertificateCheck[] = [];
  for (;;) {
    const cur = path[path.length - 1]!;
    const check: CertificateCheck = {
      role: path.length === 1 ? 'leaf' : 'intermediate',
      subject: cur.summary.subject.dn,
      issuer: cur.summary.issuer.dn,
      serialNumber: cur.summary.serialNumber,
      sha256: cur.summary.fingerprints.sha256,
      notBefore: cur.summary.notBefore,
      notAfter: cur.summary.notAfter,
      signature: 'noIssuer',
      validity: at < cur.notBefore.getTime() ? 'notYetValid' : at > cur.notAfter.getTime() ? 'expired' : 'ok',
      reasons: [],
    };
    checks.push(check);
    if (check.validity !== 'ok') check.reasons.push(check.validity);
    if (cur.summary.unknownCritical.length > 0) check.reasons.push('unknownCriticalExtension');
    if (path.length > 1) {
      // An issuer must be a CA allowed to sign certificates, with room for the CAs below it.
      const bc = cur.summary.basicConstraints;
      if (!bc?.ca) check.reasons.push('issuerNotCa');
      if (cur.summary.keyUsage !== null && !cur.summary.keyUsage.includes('keyCertSign')) check.reasons.push('keyUsage');
      const casBelow = path.slice(1, -1).filter((c) => !c.summary.selfIssued).length;
      if (bc?.ca && bc.pathLength !== null && casBelow > bc.pathLength) check.reasons.push('pathLenExceeded');
    }
    if (isAnchor(cur)) {
      check.signature = 'trustAnchor';
      anchor = 'trustAnchor';
      if (path.length > 1) check.role = 'root';
      break;
    }
    if (isSelfSigned(cur, opts.crypto)) {
      check.signature = 'ok';
      if (path.length > 1) check.role = 'root';
      if (!anchors) anchor = 'selfSignedInChain';
      else check.reasons.push('untrustedRoot');
      break;
    }
    const issuer = findIssuer(cur, pool, used, opts.crypto);
    if (!issuer) {
      check.reasons.push(anchors && cur.summary.selfIssued ? 'untrustedRoot' : 'missingIssuer');
      if (cur.summary.selfIssued) check.signature = verifyCertificateSignature(cur, cur, opts.crypto);
      break;
    }
    check.signature = verifyCertificateSignature(cur, issuer, opts.crypto);
    if (check.signature === 'bad') check.reasons.push('badSignature');
    if (check.signature === 'unsupported') check.reasons.push('unsupportedAlgorithm');
    if (path.length >= MAX_PATH) {
      check.reasons.push('pathTooLong');
      break;
    }
    path.push(issuer);
    used.add(issuer);
  }
  const reasons: ChainReason[] = [];
  for (const c of checks) for (const r of c.reasons) if (!reasons.includes(r)) reasons.push(r);
  return {
    ok: reasons.length === 0 && anchor !== null,
    at: opts.at.toISOString(),
    reasons,
    path: checks,
    anchor,
    unused: chain.filter((c) => !used.has(c)).map((c) => c.summary.fingerprints.sha256),
  };
}

export interface ExpiryStatus {
  /** Whole days from `at` to notAfter, rounded down; negative once expired. */
  daysLeft: number;
  level: 'ok' | 'warning' | 'expired' | 'notYetValid';
}

/** Expiry warning for one certificate: 'warning' within `warnDays` (default 30) of notAfter. */
export function expiryStatus(cert: CertInput, at: Date, warnDays = 30): ExpiryStatus {
  const c = asParsed(cert);
  const ms = c.notAfter.getTime() - at.getTime();
  const daysLeft = Math.floor(ms / 86_400_000);
  if (at.getTime() < c.notBefore.getTime()) return { daysLeft, level: 'notYetValid' };
  if (ms < 0) return { daysLeft, level: 'expired' };
  return { daysLeft, level: daysLeft <= warnDays ? 'warning' : 'ok' };
}
