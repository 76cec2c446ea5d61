/** The x509 layer's public surface; see README.md. */
export { parseCertificate, parseCertificateBundle, parseCsr } from './parse.ts';
export type { CertificateSummary, CsrSummary, ParsedCertificate, ParsedCsr, KeyUsageName, SubjectAltName, ExtensionSummary } from './parse.ts';
export type { NameSummary, NameFields, SubjectInput } from './names.ts';
export type { PublicKeySummary, PublicKeyAlgorithm } from './spki.ts';
export { parseSpki } from './spki.ts';
export { buildCsr, buildCsrInfo } from './csr.ts';
export type { CsrRequest, SanInput, BuiltCsr } from './csr.ts';
export { suiteSigner, signatureSchemeFor } from './signer.ts';
export type { X509Crypto, TbsSigner } from './signer.ts';
export { verifyCertificateSignature, verifyCsrSignature, verifySignedData } from './verify.ts';
export type { SignatureVerdict } from './verify.ts';
export { validateChain, expiryStatus } from './chain.ts';
export type { ChainReport, ChainReason, CertificateCheck, ValidateOptions, ExpiryStatus } from './chain.ts';
export { importPkcs12, exportPkcs12, encryptPkcs8, decryptPkcs8 } from './pkcs12.ts';
export type { Pkcs12Contents, ExportOptions } from './pkcs12.ts';
export { publicKeyMatchesCertificate, privateKeyMatchesCertificate } from './match.ts';
export { pemEncode, pemDecodeAll } from './der.ts';
