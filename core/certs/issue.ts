/**
 * How a certificate with a private key enters the vault: createCertificate (a key pair
 * made here plus a PKCS#10 request for the CA), importCertificate (the CA's answer), and
 * importCertificateByPKCS12 (key, certificate and chain made elsewhere). Every check runs
 * before the one write; the private key is sealed under the root key bound to the
 * certificate id and wiped from memory as soon as it is sealed.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { KeyPairSpec } from '../crypto/types.ts';
import { pairwiseConsistencyCheck } from '../crypto/self-test.ts';
import type { CallContext } from '../kms/context.ts';
import { uuidFrom } from '../ports/index.ts';
import {
  buildCsr, importPkcs12, parseCertificate, parseCertificateBundle, parseCsr, privateKeyMatchesCertificate, publicKeyMatchesCertificate, suiteSigner,
} from '../x509/index.ts';
import { suiteSpki } from '../x509/spki.ts';
import { checkChainForImport } from './chain-policy.ts';
import { createOnToken } from './token-keys.ts';
import { certificateColumns, getCertificateRow, insertCertificateRow, insertChain, PRIVATE_KEY_SLOT, toInfo } from './cert-repo.ts';

/** Key specs a certificate private key may have here (imports may bring the larger RSA sizes). */
const IMPORTABLE_SPECS: ReadonlySet<string> = new Set<KeyPairSpec>(['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256', 'SM2']);

export async function createCertificate(req: ParsedRequestOf<'createCertificate'>, ctx: CallContext): Promise<ResponseOf<'createCertificate'>> {
  if (req.protectionLevel === 'HSM') return createOnToken(req, ctx);
  if (req.tokenLabel !== undefined) throw new KwError('InvalidParameter', 'tokenLabel: names a token only with protectionLevel HSM', { field: 'tokenLabel' });
  const id = uuidFrom(ctx.random);
  ctx.keyId = id;
  const spec: KeyPairSpec = req.keySpec;
  const pair = ctx.suite.generateKeyPair(spec);
  try {
    // A pair that does not round-trip is never stored.
    pairwiseConsistencyCheck(spec, pair, ctx.suite);
    const csr = await buildCsr({ subject: req.subject, subjectAlternativeNames: req.subjectAlternativeNames ?? [], publicKey: pair.publicKey }, suiteSigner(ctx.suite, spec, pair.privateKey));
    const sealed = ctx.vault.sealer().seal(id, PRIVATE_KEY_SLOT, pair.privateKey);
    const now = ctx.clock.now();
    ctx.detail = { keySpec: spec, exportable: req.exportable };
    ctx.write(() =>
      insertCertificateRow(ctx.db, {
        id, kind: 'KMS', status: 'PendingIssue', source: 'CSR', name: req.name ?? req.subject.CN, key_spec: spec, protection_level: 'SOFTWARE',
        exportable: req.exportable ? 1 : 0, public_key: Buffer.from(pair.publicKey), sealed_private_key: sealed, csr: Buffer.from(csr.der),
        certificate: null, chain_report: null, subject_dn: parseCsr(csr.der).summary.subject.dn, issuer_dn: null, serial_number: null, not_before: null, not_after: null, sha256: null,
        token_label: null, token_object_id: null, created_at: now, updated_at: now,
      }),
    );
    return { certificateId: id, csr: csr.pem, keySpec: spec };
  } finally {
    pair.privateKey.fill(0);
  }
}

export function importCertificate(req: ParsedRequestOf<'importCertificate'>, ctx: CallContext): ResponseOf<'importCertificate'> {
  const row = getCertificateRow(ctx.db, 'KMS', req.certificateId);
  ctx.keyId = row.id;
  if (row.status !== 'PendingIssue') {
    throw new KwError('InvalidCertificateState', `certificate ${row.id} is ${row.status}; only a PendingIssue certificate takes an issued certificate`, { status: row.status });
  }
  // A PEM bundle in `certificate` is the leaf followed by its chain, as many CAs hand it out.
  const [cert, ...bundled] = parseCertificateBundle(req.certificate);
  if (!cert) throw new KwError('CertificateInvalid', 'no certificate in the PEM text');
  if (!publicKeyMatchesCertificate(row.public_key, cert)) {
    throw new KwError('CertificateKeyMismatch', `the certificate's public key is not the key of ${row.id}`);
  }
  const chain = [...bundled, ...(req.certificateChain ? parseCertificateBundle(req.certificateChain) : [])];
  const now = ctx.clock.now();
  const checked = checkChainForImport(cert, chain, new Date(now), ctx.suite);
  const cols = certificateColumns(cert);
  ctx.detail = { serialNumber: cols.serial_number, chainLength: checked.pathDers.length };
  ctx.write(() => {
    ctx.db
      .prepare(
        `UPDATE certificates SET status = 'Enabled', certificate = @certificate, subject_dn = @subject_dn, issuer_dn = @issuer_dn, serial_number = @serial_number,
           not_before = @not_before, not_after = @not_after, sha256 = @sha256, chain_report = @chain_report, updated_at = @now WHERE id = @id AND status = 'PendingIssue'`,
      )
      .run({ ...cols, chain_report: JSON.stringify(checked.view), now, id: row.id });
    insertChain(ctx.db, row.id, checked.pathDers);
  });
  return { certificate: toInfo(ctx.db, getCertificateRow(ctx.db, 'KMS', row.id), now), chainReport: checked.view };
}

export function importCertificateByPKCS12(req: ParsedRequestOf<'importCertificateByPKCS12'>, ctx: CallContext): ResponseOf<'importCertificateByPKCS12'> {
  const contents = importPkcs12(Buffer.from(req.pkcs12, 'base64'), req.password);
  try {
    const cert = parseCertificate(contents.certificate);
    const spec = cert.summary.publicKey.spec;
    if (spec === null || !IMPORTABLE_SPECS.has(spec)) {
      throw new KwError('UnsupportedOperation', `the PKCS#12 key is ${cert.summary.publicKey.algorithm}${cert.summary.publicKey.curve ? ` ${cert.summary.publicKey.curve}` : ''}; certificates take RSA 2048/3072/4096, EC P-256 or SM2 keys`);
    }
    if (!privateKeyMatchesCertificate(contents.privateKey, cert, ctx.suite)) throw new KwError('CertificateKeyMismatch', 'the PKCS#12 private key does not belong to its certificate');
    const publicKey = suiteSpki(cert.spki);
    // The suite must be able to use the key as stored before it is accepted.
    pairwiseConsistencyCheck(spec, { privateKey: contents.privateKey, publicKey }, ctx.suite);
    const chain = contents.chain.map((c) => parseCertificate(c));
    const now = ctx.clock.now();
    const checked = checkChainForImport(cert, chain, new Date(now), ctx.suite);
    const id = uuidFrom(ctx.random);
    ctx.keyId = id;
    const sealed = ctx.vault.sealer().seal(id, PRIVATE_KEY_SLOT, contents.privateKey);
    ctx.detail = { keySpec: spec, exportable: req.exportable, chainLength: checked.pathDers.length };
    ctx.write(() => {
      insertCertificateRow(ctx.db, {
        id, kind: 'KMS', status: 'Enabled', source: 'PKCS12', name: req.name ?? contents.friendlyName ?? cert.summary.subject.fields.CN ?? '', key_spec: spec,
        protection_level: 'SOFTWARE', exportable: req.exportable ? 1 : 0, public_key: Buffer.from(publicKey), sealed_private_key: sealed, csr: null,
        chain_report: JSON.stringify(checked.view), token_label: null, token_object_id: null, created_at: now, updated_at: now, ...certificateColumns(cert),
      });
      insertChain(ctx.db, id, checked.pathDers);
    });
    return { certificateId: id, certificate: toInfo(ctx.db, getCertificateRow(ctx.db, 'KMS', id), now) };
  } finally {
    contents.privateKey.fill(0);
  }
}
