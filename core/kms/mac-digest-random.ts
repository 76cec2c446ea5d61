/** HMAC with MAC keys, message digests and random bytes. */
import { timingSafeEqual } from 'node:crypto';
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import { SPEC_CAPABILITIES } from '../domain/key-specs.ts';
import type { CallContext } from './context.ts';
import { getVersion, listVersions, type KeyRow } from './key-repo.ts';
import { keyStoreFor } from './keystore.ts';
import { decodeBase64, usableKey } from './guards.ts';

function usableMacKey(ctx: CallContext, ref: string): KeyRow {
  return usableKey(ctx, ref, 'mac', 'GENERATE_VERIFY_MAC');
}

export async function hmacCompute(req: ParsedRequestOf<'hmacCompute'>, ctx: CallContext): Promise<ResponseOf<'hmacCompute'>> {
  const key = usableMacKey(ctx, req.cmkUuid);
  const version = getVersion(ctx.db, key.id, key.primary_version_id!);
  const mac = await keyStoreFor(ctx.keystores, key.protection_level).mac(key, version, decodeBase64(req.message));
  return { mac: Buffer.from(mac).toString('base64'), cmkUuid: key.id, keyVersionId: version.id, algorithm: SPEC_CAPABILITIES[key.spec].macAlgorithm! };
}

export async function hmacVerify(req: ParsedRequestOf<'hmacVerify'>, ctx: CallContext): Promise<ResponseOf<'hmacVerify'>> {
  const key = usableMacKey(ctx, req.cmkUuid);
  const expected = decodeBase64(req.mac);
  const versions = req.keyVersionId ? [getVersion(ctx.db, key.id, req.keyVersionId)] : listVersions(ctx.db, key.id);
  const store = keyStoreFor(ctx.keystores, key.protection_level);
  const message = decodeBase64(req.message);
  for (const v of versions) {
    const mac = Buffer.from(await store.mac(key, v, message));
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return { macValid: true, cmkUuid: key.id, keyVersionId: v.id };
  }
  return { macValid: false, cmkUuid: key.id, keyVersionId: req.keyVersionId ?? key.primary_version_id! };
}

export function messageDigest(req: ParsedRequestOf<'messageDigest'>, ctx: CallContext): ResponseOf<'messageDigest'> {
  const d = ctx.suite.digest(req.algorithm === 'SM3' ? 'SM3' : 'SHA-256', decodeBase64(req.message));
  return { digest: Buffer.from(d).toString('base64'), algorithm: req.algorithm };
}

export function getRandom(req: ParsedRequestOf<'getRandom'>, ctx: CallContext): ResponseOf<'getRandom'> {
  if (req.numberOfBytes < 1) throw new KwError('InvalidParameter', 'numberOfBytes must be at least 1');
  return { random: ctx.random.bytes(req.numberOfBytes).toString('base64') };
}
