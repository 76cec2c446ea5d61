import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_FORM, toCreateKeyRequest, validateCreateKey, withSpec } from '../../renderer/screens/create-key-form.ts';
import { decryptEnvelope, encryptEnvelope, EnvelopeError, type DataKeySource } from '../../renderer/crypto/envelope.ts';
import { zhCN } from '../../renderer/i18n/zh-CN.ts';
import { en } from '../../renderer/i18n/en.ts';
import { languageFromLocales } from '../../renderer/i18n/index.ts';
import { ERROR_CODES } from '../../core/api/errors.ts';
import { contract } from '../../core/api/contract.ts';
import { tempKeywarden } from './helpers.ts';

describe('create-key form rules', () => {
  test('alias rules from the seed: prefix, 64 characters, allowed characters', () => {
    assert.equal(validateCreateKey({ ...EMPTY_FORM, alias: 'payroll' }).alias, 'createKey.v.aliasPrefix');
    assert.equal(validateCreateKey({ ...EMPTY_FORM, alias: 'alias/' }).alias, 'createKey.v.aliasEmpty');
    assert.equal(validateCreateKey({ ...EMPTY_FORM, alias: 'alias/' + 'a'.repeat(59) }).alias, 'createKey.v.aliasLength');
    assert.equal(validateCreateKey({ ...EMPTY_FORM, alias: 'alias/' + 'a'.repeat(58) }).alias, undefined);
    assert.equal(validateCreateKey({ ...EMPTY_FORM, alias: 'alias/工资' }).alias, 'createKey.v.aliasChars');
    assert.equal(validateCreateKey({ ...EMPTY_FORM, alias: 'alias/prod:db-1_x/y' }).alias, undefined);
  });

  test('description at most 255, custom rotation 7-730 whole days', () => {
    assert.equal(validateCreateKey({ ...EMPTY_FORM, description: 'x'.repeat(256) }).description, 'createKey.v.descriptionLength');
    for (const d of ['6', '731', '7.5', '', 'ten']) assert.equal(validateCreateKey({ ...EMPTY_FORM, rotation: 'custom', customDays: d }).rotation, 'createKey.v.rotationRange', d);
    for (const d of ['7', '730', '365']) assert.equal(validateCreateKey({ ...EMPTY_FORM, rotation: 'custom', customDays: d }).rotation, undefined, d);
  });

  test('external origin needs the confirmation and an importable spec; spec changes keep the form consistent', () => {
    assert.equal(validateCreateKey({ ...EMPTY_FORM, origin: 'EXTERNAL' }).externalConfirmed, 'createKey.v.externalConfirm');
    assert.deepEqual(validateCreateKey({ ...EMPTY_FORM, origin: 'EXTERNAL', externalConfirmed: true }), {});
    const mac = withSpec({ ...EMPTY_FORM, origin: 'EXTERNAL', rotation: '90' }, 'HMAC_SM3');
    assert.deepEqual([mac.keyUsage, mac.origin, mac.rotation], ['GENERATE_VERIFY_MAC', 'KMS', 'off']);
    const ec = withSpec(EMPTY_FORM, 'EC_P256');
    assert.equal(ec.keyUsage, 'SIGN_VERIFY');
  });

  test('the request carries only what applies and passes the contract schema', () => {
    const req = toCreateKeyRequest({ ...EMPTY_FORM, keySpec: 'SM4', alias: 'alias/a', rotation: 'custom', customDays: '45', description: 'd' });
    assert.deepEqual(req, { keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'SOFTWARE', origin: 'KMS', alias: 'alias/a', description: 'd', rotationIntervalDays: 45 });
    assert.equal(contract.createKey.request.safeParse(req).success, true);
    const rsa = toCreateKeyRequest({ ...withSpec(EMPTY_FORM, 'RSA_2048'), rotation: '90' });
    assert.equal(rsa.rotationIntervalDays, undefined);
  });
});

describe('file envelopes (Web Crypto) with data keys from the real core', () => {
  async function withSource(fn: (src: DataKeySource) => Promise<void>) {
    const { kw, dispose } = await tempKeywarden();
    try {
      const api = kw.api({ actor: 'test' });
      const { keyMetadata } = await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      await fn({
        generate: async () => {
          const dk = await api.generateDataKey({ cmkUuid: keyMetadata.cmkUuid, keySpec: 'AES_256' });
          return { plaintext: Buffer.from(dk.plaintext, 'base64'), ciphertextBlob: dk.ciphertextBlob, cmkUuid: dk.cmkUuid, keyVersionId: dk.keyVersionId };
        },
        unwrap: async (blob) => Buffer.from((await api.decrypt({ ciphertextBlob: blob })).plaintext, 'base64'),
      });
    } finally {
      dispose();
    }
  }

  test('round trips empty, one-chunk and many-chunk files, reporting progress', () =>
    withSource(async (src) => {
      for (const size of [0, 1, 1000, 4096 * 3 + 17]) {
        const data = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
        const seen: number[] = [];
        const sealed = await encryptEnvelope(new Blob([data]), src, { chunkSize: 4096, onProgress: (d) => seen.push(d) });
        const { blob, header } = await decryptEnvelope(sealed, src);
        assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), data);
        assert.equal(header.size, size);
        assert.equal(seen.at(-1), size);
      }
    }));

  test('tampering, truncation, appending and foreign files are detected', () =>
    withSource(async (src) => {
      const data = new Uint8Array(10_000).fill(7);
      const sealed = new Uint8Array(await (await encryptEnvelope(new Blob([data]), src, { chunkSize: 4096 })).arrayBuffer());
      const flipped = sealed.slice();
      flipped[flipped.length - 100]! ^= 1;
      await assert.rejects(decryptEnvelope(new Blob([flipped]), src), (e: unknown) => e instanceof EnvelopeError && e.reason === 'tampered');
      await assert.rejects(decryptEnvelope(new Blob([sealed.slice(0, sealed.length - 10)]), src), EnvelopeError);
      await assert.rejects(decryptEnvelope(new Blob([sealed, new Uint8Array(5)]), src), EnvelopeError);
      await assert.rejects(decryptEnvelope(new Blob([new TextEncoder().encode('hello world, not an envelope')]), src), (e: unknown) => e instanceof EnvelopeError && e.reason === 'badFile');
    }));

  test('an aborted signal cancels between chunks', () =>
    withSource(async (src) => {
      const ctl = new AbortController();
      const p = encryptEnvelope(new Blob([new Uint8Array(50_000)]), src, { chunkSize: 1024, signal: ctl.signal, onProgress: (d) => d > 5000 && ctl.abort() });
      await assert.rejects(p, (e: unknown) => e instanceof EnvelopeError && e.reason === 'cancelled');
    }));
});

describe('catalogues', () => {
  function leaves(o: unknown, path = ''): Array<[string, string]> {
    if (typeof o === 'string') return [[path, o]];
    return Object.entries(o as object).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  test('zh-CN and en have the same keys, no empty string, and a sentence for every error code', () => {
    const zh = leaves(zhCN);
    const e = leaves(en);
    assert.deepEqual(zh.map(([k]) => k).sort(), e.map(([k]) => k).sort());
    for (const [k, v] of [...zh, ...e]) assert.ok(v.trim().length > 0, k);
    for (const code of ERROR_CODES) {
      assert.ok(zhCN.errors[code], code);
      assert.ok(en.errors[code], code);
    }
  });
  test('the language follows the locale: any Chinese locale gives zh-CN, English gives en, others zh-CN', () => {
    assert.equal(languageFromLocales(['zh-TW']), 'zh-CN');
    assert.equal(languageFromLocales(['en-GB', 'zh-CN']), 'en');
    assert.equal(languageFromLocales(['fr-FR', 'en-US']), 'en');
    assert.equal(languageFromLocales(['de-DE']), 'zh-CN');
  });
});
