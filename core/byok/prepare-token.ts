/**
 * What BYOK preparation with source HSM asks of the token: which token material stands
 * for a key spec and which token wrapping stands for a target's scheme. Anything without
 * a PKCS#11 form here is NotSupportedByToken before the token is touched — never a
 * silent software fallback.
 */
import { KwError, missingCase } from '../api/errors.ts';
import type { TokenMaterialSpec, TokenWrapScheme } from '../kms/token-keys.ts';
import type { ByokKeySpec, WrapScheme } from './targets.ts';

/** CKA_LABEL of the token key an escrow copy is wrapped under. */
export function escrowKeyLabel(escrowId: string): string {
  return `keywarden-byok-escrow:${escrowId}`;
}

export function tokenMaterialFor(spec: ByokKeySpec): TokenMaterialSpec {
  switch (spec) {
    case 'AES_256':
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
    case 'EC_P256':
      return spec;
    case 'SM4':
      // 16 random bytes; the token needs no SM4 mechanism to make or wrap them.
      return 'GENERIC_SECRET_16';
    case 'SM2':
      throw new KwError('NotSupportedByToken', 'SM2 key material is not generated on tokens: PKCS#11 has no standard SM2 mechanism and the bridge drives no vendor one yet', { keySpec: spec });
    default:
      return missingCase(spec);
  }
}

export function tokenSchemeFor(scheme: WrapScheme): TokenWrapScheme {
  switch (scheme.kind) {
    case 'rsa-oaep':
    case 'rsa-aes-kwp':
      return { kind: scheme.kind, hash: scheme.hash };
    case 'rsa-pkcs1':
      return { kind: 'rsa-pkcs1' };
    case 'sm2pke':
      throw new KwError('NotSupportedByToken', 'SM2PKE wrapping is not done on tokens: PKCS#11 has no standard SM2 encryption mechanism', { scheme: 'SM2PKE' });
    default:
      return missingCase(scheme);
  }
}
