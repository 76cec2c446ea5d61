/**
 * Object templates for keys Keywarden creates on a token (PKCS#11 v2.40 §4).
 * Worker-side only (imports pkcs11js). Every HSM key is a token object, private,
 * sensitive and non-extractable, so its value never leaves the device.
 */
import pkcs11js from 'pkcs11js';
import type { KeySpec } from './protocol.ts';

type Template = pkcs11js.Template;

/** DER of OID 1.2.840.10045.3.1.7 (prime256v1 / P-256), the CKA_EC_PARAMS value. */
export const P256_EC_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

export interface KeyTemplates {
  mechanism: pkcs11js.Mechanism;
  /** Secret key template (AES) — set when `pair` is not. */
  secret?: Template;
  pair?: { publicKey: Template; privateKey: Template };
}

function common(label: string, id: Buffer): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true }, // persists on the device
    { type: pkcs11js.CKA_LABEL, value: label }, // what officers see in other tools
    { type: pkcs11js.CKA_ID, value: id }, // what Keywarden records in its catalogue
  ];
}

function privateParts(alwaysAuthenticate: boolean): Template {
  const t: Template = [
    { type: pkcs11js.CKA_PRIVATE, value: true }, // invisible without login
    { type: pkcs11js.CKA_SENSITIVE, value: true }, // value never readable in clear
    { type: pkcs11js.CKA_EXTRACTABLE, value: false }, // cannot be wrapped out either
  ];
  // Only sent when asked: some tokens reject the attribute when it is false.
  if (alwaysAuthenticate) t.push({ type: pkcs11js.CKA_ALWAYS_AUTHENTICATE, value: true });
  return t;
}

export function keyTemplates(spec: KeySpec, label: string, id: Buffer, alwaysAuthenticate: boolean): KeyTemplates {
  switch (spec) {
    case 'AES_256':
      return {
        mechanism: { mechanism: pkcs11js.CKM_AES_KEY_GEN },
        secret: [
          ...common(label, id),
          ...privateParts(alwaysAuthenticate),
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
          { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
          { type: pkcs11js.CKA_VALUE_LEN, value: 32 }, // bytes, i.e. AES-256
          { type: pkcs11js.CKA_ENCRYPT, value: true },
          { type: pkcs11js.CKA_DECRYPT, value: true },
          { type: pkcs11js.CKA_WRAP, value: false },
          { type: pkcs11js.CKA_UNWRAP, value: false },
        ],
      };
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096': {
      const bits = spec === 'RSA_2048' ? 2048 : spec === 'RSA_3072' ? 3072 : 4096;
      return {
        mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
        pair: {
          publicKey: [
            ...common(label, id),
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
            { type: pkcs11js.CKA_PRIVATE, value: false },
            { type: pkcs11js.CKA_MODULUS_BITS, value: bits },
            { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }, // F4 = 65537
            { type: pkcs11js.CKA_VERIFY, value: true },
            { type: pkcs11js.CKA_ENCRYPT, value: true },
          ],
          privateKey: [
            ...common(label, id),
            ...privateParts(alwaysAuthenticate),
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
            { type: pkcs11js.CKA_SIGN, value: true },
            { type: pkcs11js.CKA_DECRYPT, value: true },
          ],
        },
      };
    }
    case 'EC_P256':
      return {
        mechanism: { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
        pair: {
          publicKey: [
            ...common(label, id),
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
            { type: pkcs11js.CKA_PRIVATE, value: false },
            { type: pkcs11js.CKA_EC_PARAMS, value: P256_EC_PARAMS },
            { type: pkcs11js.CKA_VERIFY, value: true },
          ],
          privateKey: [
            ...common(label, id),
            ...privateParts(alwaysAuthenticate),
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
            { type: pkcs11js.CKA_SIGN, value: true },
          ],
        },
      };
  }
}
