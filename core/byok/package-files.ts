/**
 * The files each target's console or CLI expects, built from the wrapped material. Names
 * follow the targets' own instructions (the seed manual's EncryptedKeyMaterial.bin and
 * EncryptedKeyMaterial_base64.txt; gcloud's --wrapped-key-file; Azure's .byok transfer
 * blob; Vault's import request body). A manifest without secrets goes beside them.
 */
import { missingCase } from '../api/errors.ts';
import type { ByokKeySpec, TargetProfile } from './targets.ts';

export interface PackageInput {
  profile: TargetProfile;
  keySpec: ByokKeySpec;
  wrappingAlgorithm: string;
  wrapped: Buffer;
  importToken: Buffer | null;
  wrappingKeyId: string | null;
  packageId: string;
  escrowId: string;
  tokenExpiresAt: string | null;
  generator: string;
}

const VAULT_KEY_TYPES: Record<ByokKeySpec, string | null> = {
  AES_256: 'aes256-gcm96',
  SM4: null,
  RSA_2048: 'rsa-2048',
  RSA_3072: 'rsa-3072',
  RSA_4096: 'rsa-4096',
  EC_P256: 'ecdsa-p256',
  SM2: null,
};

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Returns file name -> bytes. */
export function buildPackageFiles(p: PackageInput): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  switch (p.profile.output) {
    case 'rsa-files':
      files['EncryptedKeyMaterial.bin'] = p.wrapped;
      // As `openssl enc -e -base64 -A` writes it: one line.
      files['EncryptedKeyMaterial_base64.txt'] = text(p.wrapped.toString('base64'));
      break;
    case 'gcp':
      files['wrapped-key.bin'] = p.wrapped;
      files['wrapped-key_base64.txt'] = text(p.wrapped.toString('base64'));
      break;
    case 'azure': {
      const byok = {
        schema_version: '1.0.0',
        header: { kid: p.wrappingKeyId, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' },
        ciphertext: p.wrapped.toString('base64url'),
        generator: p.generator,
      };
      files['KeyTransferPackage.byok'] = text(JSON.stringify(byok, null, 2) + '\n');
      break;
    }
    case 'vault': {
      const b64 = p.wrapped.toString('base64');
      files['ciphertext.txt'] = text(b64);
      const hash = p.wrappingAlgorithm.endsWith('SHA_1') ? 'SHA1' : 'SHA256';
      files['import-request.json'] = text(JSON.stringify({ ciphertext: b64, hash_function: hash, type: VAULT_KEY_TYPES[p.keySpec] }, null, 2) + '\n');
      break;
    }
    default:
      return missingCase(p.profile.output);
  }
  if (p.importToken && p.profile.tokenFileName) files[p.profile.tokenFileName] = p.importToken;
  const manifest = {
    packageId: p.packageId,
    escrowId: p.escrowId,
    target: p.profile.target,
    targetName: p.profile.displayName,
    keySpec: p.keySpec,
    wrappingAlgorithm: p.wrappingAlgorithm,
    tokenExpiresAt: p.tokenExpiresAt,
    files: Object.keys(files).sort(),
    generator: p.generator,
  };
  files['byok-manifest.json'] = text(JSON.stringify(manifest, null, 2) + '\n');
  return files;
}

export { VAULT_KEY_TYPES };
