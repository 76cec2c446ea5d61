/**
 * UKey certificates: an officer's certificate whose private key never leaves the token.
 * Keywarden keeps the certificate (from a PEM/DER file, or read off the token by the CLI
 * over the PKCS#11 bridge) and verifies signatures the token made with it — once a chain
 * has verified the certificate: one that merely parses is recorded chain unverified.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { CallContext } from '../kms/context.ts';
import { uuidFrom } from '../ports/index.ts';
import { parseCertificate, parseCertificateBundle, validateChain, type ParsedCertificate } from '../x509/index.ts';
import { suiteSpki } from '../x509/spki.ts';
import { certificateColumns, getCertificateRow, insertCertificateRow, insertChain, toInfo } from './cert-repo.ts';
import { checkChainForImport, reportView } from './chain-policy.ts';

const BASE64_TEXT = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;

/** PEM text, or the base64 of a DER certificate. */
function parseUkeyCertificate(text: string): ParsedCertificate {
  if (text.includes('-----BEGIN')) return parseCertificate(text);
  if (!BASE64_TEXT.test(text)) throw new KwError('CertificateInvalid', 'the certificate is neither PEM nor base64 DER');
  return parseCertificate(new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'base64')));
}

export function importCertificateForUK(req: ParsedRequestOf<'importCertificateForUK'>, ctx: CallContext): ResponseOf<'importCertificateForUK'> {
  const cert = parseUkeyCertificate(req.certificate);
  if ((req.tokenLabel === undefined) !== (req.tokenObjectId === undefined)) {
    throw new KwError('InvalidParameter', 'tokenLabel and tokenObjectId name the token object together: give both or neither');
  }
  const now = ctx.clock.now();
  // A supplied chain must validate; without one the certificate is kept as it parses (only a
  // self-signed one whose signature checks can verify), and the report says what was found.
  const checked = req.certificateChain
    ? checkChainForImport(cert, parseCertificateBundle(req.certificateChain), new Date(now), ctx.suite)
    : { view: reportView(validateChain(cert, [], { at: new Date(now), crypto: ctx.suite })), pathDers: [] };
  const id = uuidFrom(ctx.random);
  ctx.keyId = id;
  const spec = cert.summary.publicKey.spec;
  ctx.detail = { keySpec: spec, sha256: cert.summary.fingerprints.sha256, chainVerified: checked.view.ok && checked.view.complete };
  ctx.write(() => {
    insertCertificateRow(ctx.db, {
      id, kind: 'UKEY', status: 'Enabled', source: 'UKEY', name: req.name ?? cert.summary.subject.fields.CN ?? '', key_spec: spec, protection_level: null,
      exportable: 0, public_key: Buffer.from(suiteSpki(cert.spki)), sealed_private_key: null, csr: null, chain_report: JSON.stringify(checked.view),
      token_label: req.tokenLabel ?? null, token_object_id: req.tokenObjectId ?? null, created_at: now, updated_at: now, ...certificateColumns(cert),
    });
    insertChain(ctx.db, id, checked.pathDers);
  });
  return { certificateId: id, certificate: toInfo(ctx.db, getCertificateRow(ctx.db, 'UKEY', id), now) };
}
