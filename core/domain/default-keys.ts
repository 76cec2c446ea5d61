/**
 * Default keys (the reference's 默认密钥 / Default CMK): one AES_256 key per cloud product,
 * created by KMS on the product's first use (createDefaultKey) and named by an alias in a
 * namespace reserved for them — `alias/acs/<product>`, the service-key form the Alibaba
 * document uses (`alias/acs/云产品`; Tianyi writes `alias_<product>`, which is not an
 * `alias/` name). Their alias can be neither added nor removed, and they do not rotate,
 * change state or get scheduled for deletion.
 */
export const RESERVED_ALIAS_PREFIX = 'alias/acs/';
/** A cloud product code as the reference writes them (ecs, evs, oss, rds-mysql, ...). */
export const PRODUCT_CODE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export function defaultKeyAlias(product: string): string {
  return `${RESERVED_ALIAS_PREFIX}${product}`;
}

/** Case-insensitive, so `alias/ACS/ecs` cannot pass for a service key either. */
export function isReservedAlias(alias: string): boolean {
  return alias.toLowerCase().startsWith(RESERVED_ALIAS_PREFIX);
}
