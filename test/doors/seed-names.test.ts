import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPERATION_NAMES } from '../../core/api/contract.ts';
import { canonicalOperation, canonicalRequest, canonicalValue, OPERATION_ALIASES, VALUE_ALIASES } from '../../core/api/seed-names.ts';
import { KEY_SPECS, KEY_USAGES, ORIGINS, PROTECTION_LEVELS } from '../../core/domain/key-specs.ts';
import { APP_ORIGIN, checkIpcCall } from '../../electron/ipc.ts';
import { cliAsync, DOORS, openDoors, type Doors } from './harness.ts';

const SEEDS = new URL('../../../shared/seeds/', import.meta.url);
const manual = () => readFileSync(new URL('002_2c25da944c9c627e.txt', SEEDS), 'utf8');

interface KeyView {
  cmkUuid: string;
  keySpec: string;
  keyUsage: string;
  protectionLevel: string;
  origin: string;
  keyState: string;
}

describe('the name table', () => {
  test('every spelling in the table is one the reference manual uses', () => {
    const text = manual();
    for (const alias of Object.keys(OPERATION_ALIASES)) assert.ok(text.includes(alias), alias);
    for (const table of Object.values(VALUE_ALIASES)) for (const alias of Object.keys(table)) assert.ok(text.includes(alias), alias);
  });

  test('aliases point at real operations and values; no two operations differ only by case', () => {
    for (const target of Object.values(OPERATION_ALIASES)) assert.ok(OPERATION_NAMES.includes(target), target);
    const lower = new Set(OPERATION_NAMES.map((n) => n.toLowerCase()));
    assert.equal(lower.size, OPERATION_NAMES.length);
    for (const alias of Object.keys(OPERATION_ALIASES)) assert.ok(!lower.has(alias.toLowerCase()), `${alias} shadows an operation`);
    const domain: Record<keyof typeof VALUE_ALIASES, readonly string[]> = { keySpec: KEY_SPECS, keyUsage: KEY_USAGES, protectionLevel: PROTECTION_LEVELS, origin: ORIGINS };
    for (const [field, table] of Object.entries(VALUE_ALIASES)) {
      for (const value of Object.values(table)) assert.ok(domain[field as keyof typeof VALUE_ALIASES].includes(value), `${field} ${value}`);
    }
  });

  test('operation names resolve in any case and by alias; anything else is not an operation', () => {
    assert.equal(canonicalOperation('CreateKey'), 'createKey');
    assert.equal(canonicalOperation('createkey'), 'createKey');
    assert.equal(canonicalOperation('hmaccompute'), 'hmacCompute');
    assert.equal(canonicalOperation('GenerateDataKey'), 'generateDataKey');
    assert.equal(canonicalOperation('GENERATEDATAKEYWITHOUTPLAINTEXT'), 'generateDataKeyWithoutPlaintext');
    assert.equal(canonicalOperation('listAliasKeys'), 'listKeys');
    assert.equal(canonicalOperation('ListAliasKeys'), 'listKeys');
    assert.equal(canonicalOperation('exportCertificatePrivatkey'), 'exportCertificatePrivateKey');
    for (const bad of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'dropTables', '', 42, null]) assert.equal(canonicalOperation(bad), null, String(bad));
  });

  test('values are replaced only in their own fields, exactly as spelled, without touching the caller object', () => {
    const given = { keySpec: 'Ctyun_SM4', keyUsage: 'Encrypt/Decrypt', protectionLevel: 'Hsm', origin: 'External', description: 'Hsm' };
    const out = canonicalRequest(given) as Record<string, unknown>;
    assert.deepEqual(out, { keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM', origin: 'EXTERNAL', description: 'Hsm' });
    assert.equal(given.keySpec, 'Ctyun_SM4');
    const plain = { keySpec: 'AES_256' };
    assert.equal(canonicalRequest(plain), plain);
    assert.equal(canonicalValue('keySpec', 'ctyun_sm4'), 'ctyun_sm4', 'not a spelling the reference uses');
    assert.equal(canonicalValue('keyUsage', 'Ctyun_SM4'), 'Ctyun_SM4', 'a value alias belongs to its field');
    assert.equal(canonicalRequest('text'), 'text');
    assert.deepEqual(canonicalRequest([1]), [1]);
  });
});

describe('every door accepts the reference spellings and answers in canonical names', () => {
  let d: Doors;
  before(async () => {
    d = await openDoors();
  });
  after(async () => {
    await d.cleanup();
  });

  for (const door of DOORS) {
    test(`through ${door}`, async () => {
      // IPC channels exist for canonical names only (the preload exposes nothing else);
      // the reference's value spellings reach them in requests.
      const name = (seed: string, canonical: string) => (door === 'ipc' ? canonical : seed);
      const created = await d.call(door, name('CreateKey', 'createKey'), { keySpec: 'Ctyun_SM4', keyUsage: 'Encrypt/Decrypt', protectionLevel: 'Software', description: door });
      assert.ok(created.ok, JSON.stringify(created));
      const key = (created.value as { keyMetadata: KeyView }).keyMetadata;
      assert.deepEqual([key.keySpec, key.keyUsage, key.protectionLevel, key.origin], ['SM4', 'ENCRYPT_DECRYPT', 'SOFTWARE', 'KMS']);

      const signing = await d.call(door, name('createkey', 'createKey'), { keySpec: 'Ctyun_SM2', keyUsage: 'Sign/Verify' });
      assert.ok(signing.ok, JSON.stringify(signing));
      const sm2 = (signing.value as { keyMetadata: KeyView }).keyMetadata;
      assert.deepEqual([sm2.keySpec, sm2.keyUsage], ['SM2', 'SIGN_VERIFY']);

      const external = await d.call(door, name('CREATEKEY', 'createKey'), { keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'External' });
      assert.ok(external.ok, JSON.stringify(external));
      const ext = (external.value as { keyMetadata: KeyView }).keyMetadata;
      assert.deepEqual([ext.origin, ext.keyState], ['EXTERNAL', 'PendingImport']);

      const dataKey = await d.call(door, name('GenerateDataKey', 'generateDataKey'), { cmkUuid: key.cmkUuid, keySpec: 'Ctyun_SM4' });
      assert.ok(dataKey.ok, JSON.stringify(dataKey));
      assert.equal(Buffer.from((dataKey.value as { plaintext: string }).plaintext, 'base64').length, 16);

      const listed = await d.call(door, name('listAliasKeys', 'listKeys'), { keySpec: 'Ctyun_SM4', pageSize: 100 });
      assert.ok(listed.ok, JSON.stringify(listed));
      const keys = (listed.value as { keys: KeyView[] }).keys;
      assert.ok(keys.some((k) => k.cmkUuid === key.cmkUuid));
      assert.ok(keys.every((k) => k.keySpec === 'SM4'));
    });
  }

  test('hmaccompute and other case spellings through the shell and the CLI', async () => {
    const mac = await d.call('service', 'createKey', { keySpec: 'HMAC_SM3', keyUsage: 'GENERATE_VERIFY_MAC' });
    assert.ok(mac.ok);
    const cmkUuid = (mac.value as { keyMetadata: KeyView }).keyMetadata.cmkUuid;
    const message = Buffer.from('reference spelling').toString('base64');
    const viaShell = await d.call('shell', 'hmaccompute', { cmkUuid, message });
    const viaCli = await d.call('cli', 'HmacCompute', { cmkUuid, message });
    const viaService = await d.call('service', 'hmacCompute', { cmkUuid, message });
    assert.ok(viaShell.ok && viaCli.ok && viaService.ok, JSON.stringify([viaShell, viaCli, viaService]));
    assert.deepEqual(viaShell.value, viaService.value);
    assert.deepEqual(viaCli.value, viaService.value);
  });

  test('the audit log records the canonical operation name', async () => {
    await d.call('shell', 'ListAliasKeys', {});
    const events = (await d.kw.api({ actor: 'test' }).listAuditEvents({ pageSize: 5 })).events.map((e) => e.event);
    assert.ok(!events.some((e) => /^ListAliasKeys$|^CreateKey$/.test(e)), events.join(','));
  });

  test('the IPC check resolves a reference name and its values before the schema', () => {
    const r = checkIpcCall('kw:CreateKey', { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true }, { keySpec: 'Ctyun_SM2', keyUsage: 'Sign/Verify', protectionLevel: 'Hsm' });
    assert.deepEqual(r, { ok: true, name: 'createKey', request: { keySpec: 'SM2', keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' } });
    const unknown = checkIpcCall('kw:CreateKeys', { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true }, {});
    assert.equal(!unknown.ok && unknown.error.code, 'UnknownOperation');
  });

  test("the CLI's own commands take the reference spellings too", async () => {
    const r = await cliAsync(d.vault, ['key', 'create', '--spec', 'Ctyun_SM4', '--usage', 'Encrypt/Decrypt', '--protection', 'Software']);
    assert.equal(r.status, 0, r.err);
    const key = (JSON.parse(r.out) as { keyMetadata: KeyView }).keyMetadata;
    assert.deepEqual([key.keySpec, key.keyUsage, key.protectionLevel], ['SM4', 'ENCRYPT_DECRYPT', 'SOFTWARE']);
  });
});
