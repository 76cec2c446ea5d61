/**
 * When a certificate and the chain that came with it may be accepted. validateChain
 * reports; this decides. There is no trust store in an offline vault, so the path may
 * end at a self-signed root the officer supplied, or stop at an issuer that was not
 * supplied (a chain without its root, or a bare leaf). Everything else refuses the import
 * with CertificateChainInvalid and the precise reasons: a bad signature, a period that is
 * over or not begun, an issuer that is not a CA or may not sign certificates, a path
 * longer than a CA allows, an unknown critical extension — and a chain that does not
 * link to the leaf at all (the wrong chain) or carries certificates off the path.
 */
import { KwError } from '../api/errors.ts';
import type { ChainReportView } from '../api/ops/certificates.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import { validateChain, type ChainReport, type ParsedCertificate } from '../x509/index.ts';

export interface CheckedChain {
  view: ChainReportView;
  /** The supplied certificates above the leaf, in path order. */
  pathDers: Uint8Array[];
}

/** Verified: the path reached a self-signed root with every signature on it checked and no reason against it. */
export function isChainVerified(view: Pick<ChainReportView, 'ok' | 'complete'> | null): boolean {
  return view !== null && view.ok && view.complete;
}

export function reportView(r: ChainReport): ChainReportView {
  return { ok: r.ok, complete: r.anchor !== null, at: r.at, reasons: [...r.reasons], path: r.path.map((c) => ({ ...c, reasons: [...c.reasons] })) };
}

export function checkChainForImport(leaf: ParsedCertificate, chain: ParsedCertificate[], at: Date, suite: CryptoSuite): CheckedChain {
  const report = validateChain(leaf, chain, { at, crypto: suite });
  const leafCheck = report.path[0]!;
  const missingAtLeaf = leafCheck.reasons.includes('missingIssuer');
  const refusing: string[] = report.reasons.filter((r) => r !== 'missingIssuer');
  if (missingAtLeaf && chain.length > 0) refusing.push('missingIssuer');
  if (refusing.length > 0 || report.unused.length > 0) {
    throw new KwError('CertificateChainInvalid', `the certificate chain does not validate: ${[...refusing, ...(report.unused.length ? ['unusedCertificates'] : [])].join(', ')}`, {
      reasons: refusing.join(','),
      unusedCertificates: report.unused.length,
      failedAt: report.path.find((c) => c.reasons.length > 0)?.subject ?? null,
    });
  }
  const bySha = new Map(chain.map((c) => [c.summary.fingerprints.sha256, c.der]));
  const pathDers = report.path.slice(1).map((c) => bySha.get(c.sha256)).filter((d): d is Uint8Array => d !== undefined);
  return { view: reportView(report), pathDers };
}
