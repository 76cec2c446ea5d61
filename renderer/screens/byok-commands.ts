/**
 * The openssl commands that wrap key material for getParametersForImport's public key,
 * one recipe per wrapping algorithm of the contract. Pure, so it is tested and shown
 * exactly as generated. File names match the wizard's downloads.
 */
import type { RequestOf } from '../../core/api/contract.ts';

export type WrappingAlgorithm = RequestOf<'getParametersForImport'>['wrappingAlgorithm'];

export function pemFromBase64Der(b64: string, label = 'PUBLIC KEY'): string {
  const body = b64.replace(/\s+/g, '').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export function opensslCommands(alg: WrappingAlgorithm, materialBytes: number): string[] {
  const gen = `openssl rand -out key_material.bin ${materialBytes}`;
  const wrap = (opts: string, input = 'key_material.bin', out = 'encrypted_key_material.bin') =>
    `openssl pkeyutl -encrypt -pubin -inkey wrapping_public_key.pem -in ${input} -out ${out}${opts}`;
  switch (alg) {
    case 'RSAES_OAEP_SHA_256':
      return [gen, wrap(' -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256')];
    case 'RSAES_OAEP_SHA_1':
      return [gen, wrap(' -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1')];
    case 'RSAES_PKCS1_V1_5':
      return [gen, wrap(' -pkeyopt rsa_padding_mode:pkcs1')];
    case 'SM2PKE':
      return [gen, wrap('')];
    case 'RSA_AES_KEY_WRAP_SHA_256':
    case 'RSA_AES_KEY_WRAP_SHA_1': {
      const md = alg === 'RSA_AES_KEY_WRAP_SHA_256' ? 'sha256' : 'sha1';
      return [
        '# private_key.der: the asymmetric private key to import, PKCS#8 DER',
        'openssl rand -out ephemeral_aes.key 32',
        wrap(` -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:${md} -pkeyopt rsa_mgf1_md:${md}`, 'ephemeral_aes.key', 'encrypted_ephemeral_key.bin'),
        'openssl enc -id-aes256-wrap-pad -K "$(xxd -p -c 64 ephemeral_aes.key)" -iv A65959A6 -in private_key.der -out encrypted_key_material.bin',
      ];
    }
  }
}
