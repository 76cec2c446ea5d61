import { z } from 'zod';
import { op } from '../operation.ts';
import * as s from '../schemas.ts';
import { LIMITS } from '../../domain/limits.ts';

/** Ciphertext blobs carry header, IVs and tag on top of at most 6 KB of plaintext. */
const blob = s.base64(LIMITS.encryptPlaintextMaxBytes + 1024);
const context = s.encryptionContext.optional();
const signRequest = z
  .object({
    cmkUuid: s.keyRef,
    keyVersionId: s.versionId,
    algorithm: s.signAlgorithm,
    message: s.base64(LIMITS.asymmetricMessageMaxBytes),
    messageType: s.messageType.default('RAW'),
  })
  .strict();
const dataKeyRequest = z
  .object({
    cmkUuid: s.keyRef,
    numberOfBytes: z.number().int().min(LIMITS.dataKeyMinBytes).max(LIMITS.dataKeyMaxBytes).optional(),
    keySpec: s.dataKeySpec.optional(),
    encryptionContext: context,
  })
  .strict();

export const cryptoOps = {
  encrypt: op<{ ciphertextBlob: string; cmkUuid: string; keyVersionId: string }>()({
    request: z.object({ cmkUuid: s.keyRef, plaintext: s.base64(LIMITS.encryptPlaintextMaxBytes, LIMITS.encryptPlaintextMinBytes), encryptionContext: context }).strict(),
    kind: 'crypto',
    permission: 'kms:cmk:encrypt',
    gate: 'unlocked',
    event: 'encrypt',
    summary: 'Encrypt 1-6144 bytes with the primary version of a symmetric key.',
  }),
  decrypt: op<{ plaintext: string; cmkUuid: string; keyVersionId: string }>()({
    request: z.object({ ciphertextBlob: blob, encryptionContext: context }).strict(),
    kind: 'crypto',
    permission: 'kms:cmk:decrypt',
    gate: 'unlocked',
    event: 'decrypt',
    summary: 'Decrypt; the blob names its key and version.',
    returnsSecret: true,
  }),
  reEncrypt: op<{ ciphertextBlob: string; cmkUuid: string; keyVersionId: string; sourceCmkUuid: string; sourceKeyVersionId: string }>()({
    request: z
      .object({ ciphertextBlob: blob, destinationCmkUuid: s.keyRef, sourceEncryptionContext: context, destinationEncryptionContext: context })
      .strict(),
    kind: 'crypto',
    permission: 'kms:cmk:reEncrypt',
    gate: 'unlocked',
    event: 'reEncrypt',
    summary: 'Decrypt and encrypt again under another key without returning the plaintext.',
  }),
  generateDataKey: op<{ plaintext: string; ciphertextBlob: string; cmkUuid: string; keyVersionId: string }>()({
    request: dataKeyRequest,
    kind: 'crypto',
    permission: 'kms:cmk:generateDataKey',
    gate: 'unlocked',
    event: 'generateDataKey',
    summary: 'A random data key, returned in the clear and encrypted under the CMK.',
    returnsSecret: true,
  }),
  generateDataKeyWithoutPlaintext: op<{ ciphertextBlob: string; cmkUuid: string; keyVersionId: string }>()({
    request: dataKeyRequest,
    kind: 'crypto',
    permission: 'kms:cmk:generateDataKeyWithoutPlaintext',
    gate: 'unlocked',
    event: 'generateDataKeyWithoutPlaintext',
    summary: 'A random data key, returned only encrypted under the CMK.',
  }),
  asymmetricSign: op<{ signature: string; cmkUuid: string; keyVersionId: string; algorithm: string }>()({
    request: signRequest,
    kind: 'crypto',
    permission: 'kms:cmk:asymmetricSign',
    gate: 'unlocked',
    event: 'asymmetricSign',
    summary: 'Sign a message or digest with a version of an asymmetric SIGN_VERIFY key.',
  }),
  asymmetricVerify: op<{ signatureValid: boolean; cmkUuid: string; keyVersionId: string }>()({
    request: signRequest.extend({ signature: s.base64(1024) }),
    kind: 'crypto',
    permission: 'kms:cmk:asymmetricVerify',
    gate: 'unlocked',
    event: 'asymmetricVerify',
    summary: 'Verify a signature.',
  }),
  asymmetricEncrypt: op<{ ciphertextBlob: string; cmkUuid: string; keyVersionId: string }>()({
    request: z
      .object({ cmkUuid: s.keyRef, keyVersionId: s.versionId, algorithm: s.asymEncryptAlgorithm, plaintext: s.base64(LIMITS.asymmetricMessageMaxBytes) })
      .strict(),
    kind: 'crypto',
    permission: 'kms:cmk:asymmetricEncrypt',
    gate: 'unlocked',
    event: 'asymmetricEncrypt',
    summary: 'Encrypt with the public key of an asymmetric ENCRYPT_DECRYPT key version.',
  }),
  asymmetricDecrypt: op<{ plaintext: string; cmkUuid: string; keyVersionId: string }>()({
    request: z.object({ cmkUuid: s.keyRef, keyVersionId: s.versionId, algorithm: s.asymEncryptAlgorithm, ciphertextBlob: s.base64(8192) }).strict(),
    kind: 'crypto',
    permission: 'kms:cmk:asymmetricDecrypt',
    gate: 'unlocked',
    event: 'asymmetricDecrypt',
    summary: 'Decrypt with the private key.',
    returnsSecret: true,
  }),
  getPublicKey: op<{ publicKey: string; cmkUuid: string; keyVersionId: string; keySpec: string }>()({
    request: z.object({ cmkUuid: s.keyRef, keyVersionId: s.versionId }).strict(),
    kind: 'crypto',
    permission: 'kms:cmk:getPublicKey',
    gate: 'unlocked',
    event: 'getPublicKey',
    summary: 'Public key of a version as PEM SubjectPublicKeyInfo.',
  }),
  hmacCompute: op<{ mac: string; cmkUuid: string; keyVersionId: string; algorithm: string }>()({
    request: z.object({ cmkUuid: s.keyRef, message: s.base64(LIMITS.digestMessageMaxBytes) }).strict(),
    kind: 'crypto',
    permission: 'kms:cmk:hmacCompute',
    gate: 'unlocked',
    event: 'hmaccompute',
    summary: 'HMAC-SM3 or HMAC-SHA-256 with a GENERATE_VERIFY_MAC key (HMAC_SM3 / HMAC_SHA256 spec).',
  }),
  hmacVerify: op<{ macValid: boolean; cmkUuid: string; keyVersionId: string }>()({
    request: z.object({ cmkUuid: s.keyRef, message: s.base64(LIMITS.digestMessageMaxBytes), mac: s.base64(64), keyVersionId: s.versionId.optional() }).strict(),
    kind: 'crypto',
    permission: 'kms:cmk:hmacVerify',
    gate: 'unlocked',
    event: 'hmacVerify',
    summary: 'Check a MAC in constant time (any version of the key).',
  }),
  messageDigest: op<{ digest: string; algorithm: string }>()({
    request: z.object({ algorithm: z.enum(['SM3', 'SHA_256']), message: s.base64(LIMITS.digestMessageMaxBytes) }).strict(),
    kind: 'crypto',
    permission: 'kms:crypto:messageDigest',
    gate: 'unlocked',
    event: 'messageDigest',
    summary: 'SM3 or SHA-256 digest.',
  }),
  getRandom: op<{ random: string }>()({
    request: z.object({ numberOfBytes: z.number().int().min(1).max(LIMITS.randomMaxBytes) }).strict(),
    kind: 'crypto',
    permission: 'kms:cert:getRandom',
    gate: 'unlocked',
    event: 'getRandom',
    summary: 'Random bytes from the system CSPRNG (or the token, for HSM vaults).',
  }),
};
