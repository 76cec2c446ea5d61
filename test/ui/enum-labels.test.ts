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
import { OPERATION_NAMES } from '../../core/api/contract.ts';
import type { ChainReasonCode } from '../../renderer/i18n/chain-reasons.ts';
import { chainReasonsText, chainRefusal } from '../../renderer/i18n/chain-reasons.ts';
import { createI18n } from '../../renderer/i18n/index.ts';

// Each union is spelt out as a record over it: a missing or extra member is a compile error.
const all = <K extends string>(r: Record<K, 1>) => Object.keys(r) as K[];
const VERSION_STATES = all<KeyVersion['keyVersionState']>({ Enabled: 1, PendingImport: 1 });
const CHAIN_ROLES = all<ChainCheck['role']>({ leaf: 1, intermediate: 1, root: 1 });
const VALIDITY = all<ChainCheck['validity']>({ ok: 1, expired: 1, notYetValid: 1 });
const CERT_KINDS = all<CertificateInfo['kind']>({ KMS: 1, UKEY: 1 });
const OUTCOMES = all<AuditEvent['outcome']>({ success: 1, failure: 1 });
const USER_TYPES = all<NonNullable<TokenView['loggedInAs']>>({ user: 1, so: 1 });
const KINDS = all<OperationKind>({ read: 1, write: 1, crypto: 1, session: 1 });
// Audit events the scheduler writes that no contract operation records (core/kms/scheduler.ts).
const SCHEDULER_EVENTS = ['deleteKey', 'destroyTokenObject'] as const;
// core/x509/chain.ts's ChainReason, plus the certificate layer's pendingIssue and unusedCertificates.
const CHAIN_REASONS = all<ChainReasonCode>({
  badSignature: 1, unsupportedAlgorithm: 1, expired: 1, notYetValid: 1, issuerNotCa: 1, keyUsage: 1, pathLenExceeded: 1,
  missingIssuer: 1, untrustedRoot: 1, unknownCriticalExtension: 1, pathTooLong: 1, pendingIssue: 1, unusedCertificates: 1,
});

function labels(m: Messages): Array<[string, Readonly<Record<string, unknown>>, readonly string[]]> {
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
    ['audit.otherEvents', m.audit.otherEvents, SCHEDULER_EVENTS],
    ['tokens.userTypes', m.tokens.userTypes, USER_TYPES],
    ['domain.kinds', m.domain.kinds, KINDS],
    ['certs.reasons', m.certs.reasons, CHAIN_REASONS],
    ['operations', m.operations, OPERATION_NAMES],
  ];
}

describe('enum labels', () => {
  for (const [lang, m] of [['zh-CN', zhCN], ['en', en]] as const) {
    test(`${lang}: every value shown on a screen has a label`, () => {
      for (const [ns, table, values] of labels(m)) {
        for (const v of values) assert.ok(typeof table[v] === 'string' && table[v].length > 0, `${lang} ${ns}.${v}`);
      }
    });
  }

  test('zh-CN labels of states and statuses are Chinese, not the raw identifier', () => {
    for (const [ns, table, values] of labels(zhCN)) {
      if (ns === 'keyUsage' || ns === 'protection') continue; // the reference console shows these in English
      for (const v of values) assert.ok(/[\u4e00-\u9fff]/.test(String(table[v])), `zh-CN ${ns}.${v} = ${String(table[v])}`);
    }
  });

  test('every contract operation has its own title in both languages, and zh-CN titles are Chinese', () => {
    for (const [lang, m] of [['zh-CN', zhCN], ['en', en]] as const) {
      const titles = m.operations as Record<string, string>;
      assert.deepEqual(Object.keys(titles).sort(), [...OPERATION_NAMES].sort(), `${lang}: titles for exactly the contract's operations`);
      const seen = new Map<string, string>();
      for (const op of OPERATION_NAMES) {
        const title = titles[op]!;
        assert.notEqual(title, op, `${lang} ${op} is titled by its own name`);
        assert.equal(seen.get(title), undefined, `${lang}: ${op} and ${seen.get(title)} share the title "${title}"`);
        seen.set(title, op);
      }
    }
    for (const op of OPERATION_NAMES) assert.ok(/[\u4e00-\u9fff]/.test(zhCN.operations[op]), `zh-CN operations.${op} = ${zhCN.operations[op]}`);
  });

  test('chain reasons read as sentences in the chosen language; unknown codes stay visible', () => {
    const zh = createI18n('zh-CN');
    assert.equal(chainReasonsText(zh.t, ['expired', 'missingIssuer']), '证书已过期；找不到签发者证书');
    assert.equal(chainReasonsText(zh.t, ['someFutureReason']), 'someFutureReason');
    assert.equal(chainRefusal(zh.t, { reasons: 'badSignature,issuerNotCa', unusedCertificates: 1 }), '签名校验失败；签发者不是 CA 证书；证书链中含有不在路径上的证书');
    const enI18n = createI18n('en');
    assert.equal(chainReasonsText(enI18n.t, ['pathLenExceeded', 'untrustedRoot']), 'issuer path length constraint exceeded; root not trusted');
    assert.equal(chainRefusal(enI18n.t, { reasons: '', unusedCertificates: 0 }), '');
  });
});
