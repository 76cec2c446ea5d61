/**
 * importCertificateChain: the issuing chain of a certificate that was recorded chain
 * unverified (a leaf imported alone, a UKey certificate that merely parsed). The chain
 * must verify the stored certificate up to a self-signed root; then it replaces the stored
 * chain and the certificate counts as verified. Anything less changes nothing.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { CallContext } from '../kms/context.ts';
import { parseCertificate, parseCertificateBundle } from '../x509/index.ts';
import { checkChainForImport } from './chain-policy.ts';
import { getCertificateRow, insertChain, toInfo, type CertificateKind, type CertificateRow } from './cert-repo.ts';

function rowOfEitherKind(ctx: CallContext, id: string): CertificateRow {
  const kind = (ctx.db.prepare('SELECT kind FROM certificates WHERE id = ?').get(id.toLowerCase()) as { kind: CertificateKind } | undefined)?.kind ?? 'KMS';
  return getCertificateRow(ctx.db, kind, id);
}

export function importCertificateChain(req: ParsedRequestOf<'importCertificateChain'>, ctx: CallContext): ResponseOf<'importCertificateChain'> {
  const row = rowOfEitherKind(ctx, req.certificateId);
  ctx.keyId = row.id;
  if (!row.certificate) throw new KwError('InvalidCertificateState', `certificate ${row.id} is ${row.status}; import the issued certificate first (importCertificate)`, { status: row.status });
  if (row.status === 'Revoked') throw new KwError('InvalidCertificateState', `certificate ${row.id} is Revoked`, { status: row.status });
  const chain = parseCertificateBundle(req.certificateChain);
  if (chain.length === 0) throw new KwError('CertificateInvalid', 'no certificate in the chain text');
  const now = ctx.clock.now();
  const checked = checkChainForImport(parseCertificate(row.certificate), chain, new Date(now), ctx.suite);
  if (!checked.view.complete) {
    throw new KwError('CertificateChainInvalid', 'the chain does not reach a self-signed root, so it cannot verify the certificate: missingIssuer', { reasons: 'missingIssuer', unusedCertificates: 0, failedAt: checked.view.path.at(-1)?.subject ?? null });
  }
  ctx.detail = { chainLength: checked.pathDers.length };
  ctx.write(() => {
    ctx.db.prepare('UPDATE certificates SET chain_report = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(checked.view), now, row.id);
    ctx.db.prepare('DELETE FROM certificate_chain WHERE certificate_id = ?').run(row.id);
    insertChain(ctx.db, row.id, checked.pathDers);
  });
  return { certificate: toInfo(ctx.db, getCertificateRow(ctx.db, row.kind, row.id), now), chainReport: checked.view };
}
