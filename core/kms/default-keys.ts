/**
 * createDefaultKey and the rules that keep default keys and their reserved aliases apart
 * from ordinary ones (see domain/default-keys.ts).
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { ReadableDb } from '../catalogue/db.ts';
import { defaultKeyAlias, isReservedAlias, RESERVED_ALIAS_PREFIX } from '../domain/default-keys.ts';
import type { CallContext } from './context.ts';
import { getKeyRow, toMetadata, type KeyRow } from './key-repo.ts';

/** The product whose default key this is, or null for an ordinary key. */
export function defaultKeyProduct(db: ReadableDb, keyId: string): string | null {
  const row = db.prepare('SELECT alias FROM aliases WHERE key_id = ? AND lower(alias) LIKE ? LIMIT 1').get(keyId, `${RESERVED_ALIAS_PREFIX}%`) as { alias: string } | undefined;
  return row ? row.alias.slice(RESERVED_ALIAS_PREFIX.length) : null;
}

/** Refuses an operation the reference does not offer on default keys. */
export function requireOrdinaryKey(db: ReadableDb, key: KeyRow, what: string): void {
  const product = defaultKeyProduct(db, key.id);
  if (product !== null) throw new KwError('UnsupportedOperation', `key ${key.id} is the default key of ${product}; default keys cannot ${what}`, { defaultKeyOf: product });
}

/** Ordinary keys and callers never name an alias in the reserved namespace. */
export function requireOrdinaryAlias(alias: string): void {
  if (isReservedAlias(alias)) throw new KwError('InvalidParameter', `aliases under ${RESERVED_ALIAS_PREFIX} are reserved for default keys (createDefaultKey)`, { field: 'alias' });
}

/**
 * The product's default key, created on its first use: AES_256, software-protected,
 * KMS-generated, Enabled, named `alias/acs/<product>`. Later calls return the same key.
 */
export async function createDefaultKey(
  req: ParsedRequestOf<'createDefaultKey'>,
  ctx: CallContext,
  create: (alias: string, description: string) => Promise<ResponseOf<'createKey'>>,
): Promise<ResponseOf<'createDefaultKey'>> {
  const alias = defaultKeyAlias(req.product);
  const existing = () => ctx.db.prepare('SELECT key_id FROM aliases WHERE alias = ?').get(alias) as { key_id: string } | undefined;
  const found = existing();
  if (found) {
    ctx.keyId = found.key_id;
    ctx.detail = { product: req.product, created: false };
    return { keyMetadata: toMetadata(ctx.db, getKeyRow(ctx.db, found.key_id)!), created: false };
  }
  const made = await create(alias, `Default key of ${req.product}`);
  ctx.detail = { product: req.product, created: true };
  return { keyMetadata: made.keyMetadata, created: true };
}
