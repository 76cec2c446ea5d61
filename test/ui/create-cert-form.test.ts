/** The create-certificate dialog's form: the reference's subject rules, its request, and the country list in both languages. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contract } from '../../core/api/contract.ts';
import { ISO_3166_COUNTRIES } from '../../core/domain/countries.ts';
import { countryOptions, EMPTY_CERT_FORM, toCreateCertRequest, validateCreateCert } from '../../renderer/screens/create-cert-form.ts';
import { zhCN } from '../../renderer/i18n/zh-CN.ts';
import { en } from '../../renderer/i18n/en.ts';

describe('create-certificate form', () => {
  test('CN, C, O and one OU are required; C must be ISO 3166-1; at most five OUs; e-mail shape', () => {
    assert.deepEqual(Object.keys(validateCreateCert(EMPTY_CERT_FORM)).sort(), ['CN', 'O', 'OU']);
    const ok = { ...EMPTY_CERT_FORM, CN: 'svc.example.cn', O: '测试单位', OU: ['Ops'] };
    assert.deepEqual(validateCreateCert(ok), {});
    assert.equal(validateCreateCert({ ...ok, C: 'XX' }).C, 'certs.form.countryInvalid');
    assert.equal(validateCreateCert({ ...ok, C: 'cn' }).C, 'certs.form.countryInvalid');
    assert.equal(validateCreateCert({ ...ok, OU: ['', ' '] }).OU, 'certs.form.ouRequired');
    assert.equal(validateCreateCert({ ...ok, OU: ['1', '2', '3', '4', '5', '6'] }).OU, 'certs.form.ouMax');
    assert.equal(validateCreateCert({ ...ok, E: 'no-at-sign' }).E, 'certs.form.emailInvalid');
    for (const m of [zhCN, en]) for (const k of Object.values(validateCreateCert({ ...EMPTY_CERT_FORM, C: 'XX', E: 'x', OU: Array(6).fill('a') }))) {
      const leaf = k!.split('.').pop()!;
      assert.ok((m.certs.form as Record<string, string>)[leaf], leaf);
    }
  });

  test('the request drops empty optional fields and blank OUs and passes the contract schema', () => {
    const req = toCreateCertRequest({ ...EMPTY_CERT_FORM, CN: ' a.example ', O: 'Org', OU: ['Ops', '', 'Keys'], C: 'DE', L: 'Berlin' });
    assert.deepEqual(req.subject, { CN: 'a.example', C: 'DE', O: 'Org', OU: ['Ops', 'Keys'], L: 'Berlin' });
    assert.ok(contract.createCertificate.request.safeParse(req).success);
    assert.equal(contract.createCertificate.request.safeParse({ ...req, subject: { ...req.subject, C: 'XX' } }).success, false);
  });

  test('the country list holds the 249 ISO 3166-1 codes with names in each language, China first', () => {
    assert.equal(ISO_3166_COUNTRIES.length, 249);
    const zh = countryOptions('zh-CN');
    const enList = countryOptions('en');
    assert.equal(zh.length, 249);
    assert.deepEqual(zh[0], { code: 'CN', name: '中国' });
    assert.equal(enList[0]?.name, 'China');
    assert.equal(enList.find((c) => c.code === 'DE')?.name, 'Germany');
    assert.equal(zh.find((c) => c.code === 'DE')?.name, '德国');
    assert.ok(!zh.some((c) => c.code === 'XX'));
  });
});
