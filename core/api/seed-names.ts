/**
 * Names as the reference documents spell them. The reference KMSs write operation
 * names in several ways (`createKey` in the API tables, `CreateKey` and
 * `GenerateDataKey` in prose, `hmaccompute` in the QPS tables, `listAliasKeys` for the
 * key list) and enum values in console spellings (`Ctyun_SM4`, `Encrypt/Decrypt`,
 * `Hsm`). Every door accepts those as aliases of the contract's names, through this
 * one table; handlers, responses and the audit log only ever see the canonical names.
 */
import { isOperationName, OPERATION_NAMES, type OperationName } from './contract.ts';
import type { KeySpec, KeyUsage, Origin, ProtectionLevel } from '../domain/key-specs.ts';

/** Operation names of the reference that differ from ours by more than letter case. */
export const OPERATION_ALIASES = {
  // 获取密钥列表 (the reference's key list, in its API, permission and audit tables)
  listAliasKeys: 'listKeys',
  // 导出证书私钥, spelled so in the reference's API and audit tables
  exportCertificatePrivatkey: 'exportCertificatePrivateKey',
} as const satisfies Record<string, OperationName>;

/**
 * Request values as the reference's console and manual spell them, per request field.
 * Matched exactly (they are the documents' spellings, not a loose match).
 */
export const VALUE_ALIASES = {
  keySpec: { Ctyun_SM4: 'SM4', Ctyun_SM2: 'SM2' } satisfies Record<string, KeySpec>,
  keyUsage: { 'Encrypt/Decrypt': 'ENCRYPT_DECRYPT', 'Sign/Verify': 'SIGN_VERIFY' } satisfies Record<string, KeyUsage>,
  protectionLevel: { Software: 'SOFTWARE', Hsm: 'HSM' } satisfies Record<string, ProtectionLevel>,
  origin: { External: 'EXTERNAL' } satisfies Record<string, Origin>,
} as const;

export type AliasedField = keyof typeof VALUE_ALIASES;

const byLowerCase: ReadonlyMap<string, OperationName> = new Map<string, OperationName>([
  ...OPERATION_NAMES.map((n): [string, OperationName] => [n.toLowerCase(), n]),
  ...Object.entries(OPERATION_ALIASES).map(([alias, n]): [string, OperationName] => [alias.toLowerCase(), n]),
]);

/** The contract name for any accepted spelling (any letter case, or a reference alias); null when none. */
export function canonicalOperation(name: unknown): OperationName | null {
  if (typeof name !== 'string') return null;
  if (isOperationName(name)) return name;
  return byLowerCase.get(name.toLowerCase()) ?? null;
}

/** The canonical value for a reference spelling of `field`; other values come back unchanged. */
export function canonicalValue(field: AliasedField, value: string): string;
export function canonicalValue(field: AliasedField, value: unknown): unknown;
export function canonicalValue(field: AliasedField, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const table: Readonly<Record<string, string>> = VALUE_ALIASES[field];
  return Object.prototype.hasOwnProperty.call(table, value) ? table[value] : value;
}

const ALIASED_FIELDS = Object.keys(VALUE_ALIASES) as AliasedField[];

/**
 * A request with the reference's value spellings replaced by ours, in the top-level
 * fields that carry them. The caller's object is never changed; a request with nothing
 * to replace (or that is not an object) comes back as it was.
 */
export function canonicalRequest(request: unknown): unknown {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return request;
  const given = request as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const field of ALIASED_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(given, field)) continue;
    const value = canonicalValue(field, given[field]);
    if (value !== given[field]) {
      copy ??= { ...given };
      copy[field] = value;
    }
  }
  return copy ?? request;
}
