/**
 * A sentence for every certificate chain reason code (core/domain/chain-reasons.ts), in
 * each language. Typed over the union, so a new reason without a sentence is a compile error.
 */
import type { ChainReasonCode } from '../../core/domain/chain-reasons.ts';

export type { ChainReasonCode };

export const chainReasonsZh: Record<ChainReasonCode, string> = {
  badSignature: '签名校验失败',
  unsupportedAlgorithm: '签名算法不受支持',
  expired: '证书已过期',
  notYetValid: '证书尚未生效',
  issuerNotCa: '签发者不是 CA 证书',
  keyUsage: '签发者的密钥用途不含证书签名（keyCertSign）',
  pathLenExceeded: '超出签发者的路径长度限制',
  missingIssuer: '找不到签发者证书',
  untrustedRoot: '根证书不受信任',
  unknownCriticalExtension: '含有无法识别的关键扩展',
  pathTooLong: '证书链过长',
  pendingIssue: '证书尚待签发，还没有可校验的证书链',
  unusedCertificates: '证书链中含有不在路径上的证书',
};

export const chainReasonsEn: Record<ChainReasonCode, string> = {
  badSignature: 'signature does not verify',
  unsupportedAlgorithm: 'signature algorithm not supported',
  expired: 'certificate expired',
  notYetValid: 'certificate not yet valid',
  issuerNotCa: 'issuer is not a CA',
  keyUsage: 'issuer key usage lacks certificate signing (keyCertSign)',
  pathLenExceeded: 'issuer path length constraint exceeded',
  missingIssuer: 'issuer certificate not found',
  untrustedRoot: 'root not trusted',
  unknownCriticalExtension: 'unrecognised critical extension',
  pathTooLong: 'chain too long',
  pendingIssue: 'the certificate is not issued yet, so there is no chain to validate',
  unusedCertificates: 'the chain holds certificates that are not on the path',
};

/**
 * The reasons as one line in the officer's language; a code this build does not know
 * is shown as itself rather than hidden.
 */
export function chainReasonsText(t: (key: string, options: { defaultValue: string }) => string, reasons: readonly string[]): string {
  return reasons.map((r) => t(`certs.reasons.${r}`, { defaultValue: r })).join(t('certs.reasonSeparator', { defaultValue: ', ' }));
}

/** The reasons a CertificateChainInvalid error carries in its details (comma-joined, plus a count of unused certificates). */
export function chainRefusal(t: (key: string, options: { defaultValue: string }) => string, details: Readonly<Record<string, unknown>> | undefined): string {
  const reasons = typeof details?.reasons === 'string' ? details.reasons.split(',').filter((r) => r.length > 0) : [];
  if (typeof details?.unusedCertificates === 'number' && details.unusedCertificates > 0) reasons.push('unusedCertificates');
  return chainReasonsText(t, reasons);
}
