/** Building blocks shared by the request schemas of every operation. */
import { z } from 'zod';
import { KEY_SPECS, KEY_USAGES, ORIGINS, PROTECTION_LEVELS } from '../domain/key-specs.ts';
import { KEY_STATES } from '../domain/key-states.ts';
import { LIMITS } from '../domain/limits.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 (padded). Bounded so a request can never ask us to decode gigabytes. */
export const base64 = (maxDecodedBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxDecodedBytes / 3) * 4, `decoded value exceeds ${maxDecodedBytes} bytes`)
    .regex(BASE64, 'not valid base64');

/** A key id (UUID) or an alias (`alias/...`). */
export const keyRef = z.string().min(1).max(LIMITS.aliasMaxLength + 8);
export const keyId = z.uuid();
export const versionId = z.uuid();
export const alias = z
  .string()
  .max(LIMITS.aliasMaxLength, `alias longer than ${LIMITS.aliasMaxLength} characters`)
  .regex(LIMITS.aliasPattern, "alias must start with 'alias/' and use letters, digits, '_', '-', '/', ':'");
export const description = z.string().max(LIMITS.descriptionMaxLength);
export const keySpec = z.enum(KEY_SPECS);
export const keyUsage = z.enum(KEY_USAGES);
export const keyState = z.enum(KEY_STATES);
export const protectionLevel = z.enum(PROTECTION_LEVELS);
export const origin = z.enum(ORIGINS);
export const rotationDays = z.number().int().min(LIMITS.rotationMinDays).max(LIMITS.rotationMaxDays);
export const tag = z.object({
  tagKey: z.string().min(1).max(LIMITS.tagKeyMaxLength),
  tagValue: z.string().max(LIMITS.tagValueMaxLength),
});
export const encryptionContext = z.record(z.string().max(256), z.string().max(1024));
export const signAlgorithm = z.enum(['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256', 'ECDSA_SHA_256', 'SM2DSA']);
export const asymEncryptAlgorithm = z.enum(['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'SM2PKE']);
export const messageType = z.enum(['RAW', 'DIGEST']);
export const paging = {
  pageNumber: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(LIMITS.listPageMax).default(20),
};
export const empty = z.object({}).strict();
