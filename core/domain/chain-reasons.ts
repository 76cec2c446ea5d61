/**
 * Why a certificate chain does not validate: the codes the chain validator
 * (x509/chain.ts) reports, and the two the certificate layer adds — 'pendingIssue' (no
 * certificate yet, so no chain) and 'unusedCertificates' (an import refused because the
 * chain carried certificates off the path). The contract's reports carry these codes, so
 * the console can name each in both languages.
 */
export const CHAIN_VALIDATOR_REASONS = [
  'badSignature',
  'unsupportedAlgorithm',
  'expired',
  'notYetValid',
  'issuerNotCa',
  'keyUsage',
  'pathLenExceeded',
  'missingIssuer',
  'untrustedRoot',
  'unknownCriticalExtension',
  'pathTooLong',
] as const;
export type ChainReason = (typeof CHAIN_VALIDATOR_REASONS)[number];

export const CHAIN_REASON_CODES = [...CHAIN_VALIDATOR_REASONS, 'pendingIssue', 'unusedCertificates'] as const;
export type ChainReasonCode = (typeof CHAIN_REASON_CODES)[number];
