/** Every certificate operation of the contract mapped to its use case, for the dispatch table. */
import type { certificateOps } from '../api/ops/certificates.ts';
import type { HandlerTable } from '../kms/handler.ts';
import { createCertificate, importCertificate, importCertificateByPKCS12 } from './issue.ts';
import * as keyOps from './key-ops.ts';
import * as manage from './manage.ts';
import { importCertificateForUK } from './ukey.ts';
import { importCertificateChain } from './chain-import.ts';
import { pemEncode } from '../x509/index.ts';

export const certificateHandlers: HandlerTable<keyof typeof certificateOps> = {
  createCertificate,
  importCertificate,
  importCertificateByPKCS12,
  listCertificate: (req, ctx) => manage.listCertificates('KMS', req, ctx),
  describeCertificate: (req, ctx) => manage.describeCertificate('KMS', req.certificateId, ctx),
  getCertificate: (req, ctx) => {
    const { row, certificate, chain } = manage.certificatePem('KMS', req.certificateId, ctx);
    return { certificateId: row.id, certificate, certificateChain: chain, csr: row.status === 'PendingIssue' && row.csr ? pemEncode('CERTIFICATE REQUEST', row.csr) : null };
  },
  describeCertificateChain: (req, ctx) => ({ certificateId: req.certificateId.toLowerCase(), chainReport: manage.validateStoredChain('KMS', req.certificateId, ctx) }),
  updateCertificateStatus: (req, ctx) => manage.updateStatus('KMS', req, ctx),
  deleteCertificate: (req, ctx) => manage.deleteCertificate('KMS', req.certificateId, ctx),
  exportCertificatePrivateKey: keyOps.exportCertificatePrivateKey,
  certificatePrivateKeySign: keyOps.certificatePrivateKeySign,
  certificatePublicKeyVerify: keyOps.certificatePublicKeyVerify,
  certificatePublicKeyEncrypt: keyOps.certificatePublicKeyEncrypt,
  certificatePrivateKeyDecrypt: keyOps.certificatePrivateKeyDecrypt,
  importCertificateForUK,
  importCertificateChain,
  listCertificateForUk: (req, ctx) => manage.listCertificates('UKEY', req, ctx),
  describeCertificateForUk: (req, ctx) => manage.describeCertificate('UKEY', req.certificateId, ctx),
  getCertificateForUk: (req, ctx) => {
    const { row, certificate } = manage.certificatePem('UKEY', req.certificateId, ctx);
    return { certificateId: row.id, certificate: certificate! };
  },
  updateCertificateStatusForUk: (req, ctx) => manage.updateStatus('UKEY', req, ctx),
  deleteCertificateForUk: (req, ctx) => manage.deleteCertificate('UKEY', req.certificateId, ctx),
  certificatePublicKeyVerifyForUsbKey: keyOps.certificatePublicKeyVerifyForUsbKey,
};
