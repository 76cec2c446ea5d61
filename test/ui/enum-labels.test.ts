/**
 * Every value of an enum the screens show is shown through the catalogues: a value
 * without a label would fall back to its raw identifier (e.g. "PendingImport") in zh-CN.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { zhCN } from '../../renderer/i18n/zh-CN.ts';
import { en } from '../../renderer/i18n/en.ts';
import type { Messages } from '../../renderer/i18n/index.ts';
import { KEY_STATES } from '../../core/domain/key-states.ts';
import { KEY_USAGES, ORIGINS, PROTECTION_LEVELS } from '../../core/domain/key-specs.ts';
import { CERTIFICATE_STATUSES } from '../../core/api/ops/certificates.ts';
import type { ChainCheck, CertificateInfo } from '../../core/api/ops/certificates.ts';
import type { KeyVersion } from '../../core/api/ops/keys.ts';
import type { AuditEvent } from '../../core/api/ops/audit.ts';
import type { TokenView } from '../../core/api/ops/tokens.ts';
import type { OperationKind } from '../../core/api/operation.ts';

// Each union is spelt out as a record over it: a missing or extra member is a compile error.
const all = <K extends string>(r: Record<K, 1>) => Object.keys(r) as K[];
const VERSION_STATES = all<KeyVersion['keyVersionState']>({ Enabled: 1, PendingImport: 1 });
const CHAIN_ROLES = all<ChainCheck['role']>({ leaf: 1, intermediate: 1, root: 1 });
const VALIDITY = all<ChainCheck['validity']>({ ok: 1, expired: 1, notYetValid: 1 });
const CERT_KINDS = all<CertificateInfo['kind']>({ KMS: 1, UKEY: 1 });
const OUTCOMES = all<AuditEvent['outcome']>({ success: 1, failure: 1 });
const USER_TYPES = all<NonNullable<TokenView['loggedInAs']>>({ user: 1, so: 1 });
const KINDS = all<OperationKind>({ read: 1, write: 1, crypto: 1, session: 1 });

function labels(m: Messages): Array<[string, Record<string, string>, readonly string[]]> {
  return [
    ['keyState', m.keyState, KEY_STATES],
    ['detail.versionStates', m.detail.versionStates, VERSION_STATES],
    ['keyUsage', m.keyUsage, KEY_USAGES],
    ['protection', m.protection, PROTECTION_LEVELS],
    ['origin', m.origin, ORIGINS],
    ['certs.statuses', m.certs.statuses, CERTIFICATE_STATUSES],
    ['certs.kinds', m.certs.kinds, CERT_KINDS],
    ['certs.roles', m.certs.roles, CHAIN_ROLES],
    ['certs.validity', m.certs.validity, VALIDITY],
    ['audit', m.audit, OUTCOMES],
    ['tokens.userTypes', m.tokens.userTypes, USER_TYPES],
    ['domain.kinds', m.domain.kinds, KINDS],
  ];
}

describe('enum labels', () => {
  for (const [lang, m] of [['zh-CN', zhCN], ['en', en]] as const) {
    test(`${lang}: every value shown on a screen has a label`, () => {
      for (const [ns, table, values] of labels(m)) {
        for (const v of values) assert.ok(typeof table[v] === 'string' && table[v]!.length > 0, `${lang} ${ns}.${v}`);
      }
    });
  }

  test('zh-CN labels of states and statuses are Chinese, not the raw identifier', () => {
    for (const [ns, table, values] of labels(zhCN)) {
      if (ns === 'keyUsage' || ns === 'protection') continue; // the reference console shows these in English
      for (const v of values) assert.ok(/[\u4e00-\u9fff]/.test(table[v]!), `zh-CN ${ns}.${v} = ${table[v]}`);
    }
  });
});
