import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { createKeyViaDialog, createVault, openConsole, openSuite, screenshot, type Suite } from './fixtures.ts';

describe('console: key detail, workbench, other screens', () => {
  let suite: Suite;
  before(async () => {
    suite = await openSuite();
  });
  after(async () => {
    await suite.close();
  });

  test('rotate to two versions, aliases, schedule and cancel deletion with the checklist', async () => {
    const c = await openConsole(suite);
    const { page } = c;
    try {
      await createVault(page);
      await page.click('[data-testid=nav-keys]');
      const id = await createKeyViaDialog(page, { spec: 'SM4', alias: 'alias/detail' });
      await page.click(`[data-key-id="${id}"] button.link`);
      await page.waitForSelector('[data-testid=key-detail]');
      assert.equal(await page.locator('[data-testid=version-row]').count(), 1);

      await page.click('[data-testid=rotate-key]');
      await page.click('[data-testid=confirm]');
      await page.waitForSelector('[data-testid=version-row] >> nth=1');
      assert.equal(await page.locator('[data-testid=version-row]').count(), 2);
      assert.equal(await page.locator('[data-testid=version-row][data-primary=true]').count(), 1);
      assert.match(await page.locator('[data-testid=version-row][data-primary=true]').innerText(), /主版本/);

      await page.fill('[data-testid=new-alias]', 'alias/second');
      await page.click('[data-testid=add-alias]');
      await page.waitForSelector('[data-testid=alias-list] >> text=alias/second');
      assert.equal(await page.locator('[data-testid=alias-list] li').count(), 2);
      await page.fill('[data-testid=new-alias]', 'alias/bad name');
      assert.equal(await page.isDisabled('[data-testid=add-alias]'), true);
      await page.click('[aria-label="移除 alias/second"]');
      await page.click('[data-testid=confirm]');
      await page.waitForSelector('[data-testid=alias-list] >> text=alias/second', { state: 'detached' });

      await page.click('[data-testid=toggle-protect]');
      await page.waitForSelector('[data-testid=detail-protect] >> text=启用中');
      assert.equal(await page.isDisabled('[data-testid=schedule-deletion]'), true);
      await page.click('[data-testid=toggle-protect]');
      await page.waitForSelector('[data-testid=detail-protect] >> text=未开启');
      await screenshot(page, '07-key-detail-zh');

      await page.click('[data-testid=schedule-deletion]');
      await page.waitForSelector('[data-testid=schedule-deletion-dialog]');
      await page.fill('[data-testid=deletion-days]', '7');
      assert.equal(await page.isDisabled('[data-testid=confirm]'), true);
      await page.check('[data-testid=deletion-check-0]');
      await page.check('[data-testid=deletion-check-1]');
      assert.equal(await page.isDisabled('[data-testid=confirm]'), true);
      assert.match(await page.locator('[data-testid=schedule-deletion-dialog]').innerText(), /已确认预删除周期为 7 天/);
      await page.check('[data-testid=deletion-check-2]');
      await screenshot(page, '08-schedule-deletion-zh');
      await page.click('[data-testid=confirm]');
      await page.waitForSelector('[data-testid=detail-state] >> text=待删除');
      assert.notEqual(await page.locator('[data-testid=detail-deletion-date]').innerText(), '--');

      await page.click('[data-testid=cancel-deletion]');
      await page.click('[data-testid=confirm]');
      // 取消删除后密钥恢复可用状态: the key was Enabled, so it is Enabled again at once.
      await page.waitForSelector('[data-testid=detail-state] >> text=启用中');
      assert.equal(await page.locator('[data-testid=enable-key]').count(), 0);
    } finally {
      await c.close();
    }
  });

  test('workbench: encrypt/decrypt round trip and a file envelope round trip with progress', async () => {
    const c = await openConsole(suite, 'en-US');
    const { page } = c;
    try {
      await createVault(page);
      await page.click('[data-testid=nav-keys]');
      await createKeyViaDialog(page, { spec: 'AES_256', alias: 'alias/wb' });
      await page.click('[data-testid=nav-workbench]');
      await page.waitForSelector('[data-testid=wb-sym-key] option', { state: 'attached' });
      const secret = 'Quarterly payroll 季度工资 ✓';
      await page.fill('[data-testid=wb-sym-input]', secret);
      await page.click('[data-testid=wb-encrypt]');
      await page.waitForFunction(() => (document.querySelector('[data-testid=wb-ciphertext]') as HTMLTextAreaElement).value.length > 0);
      await page.fill('[data-testid=wb-sym-input]', '');
      await page.click('[data-testid=wb-decrypt]');
      await page.waitForSelector('[data-testid=wb-decrypted]');
      assert.equal(await page.inputValue('[data-testid=wb-decrypted]'), secret);
      await screenshot(page, '09-workbench-en');

      await page.click('[data-testid=tab-file]');
      await page.waitForSelector('[data-testid=wb-file-key] option', { state: 'attached' });
      const original = randomBytes(3 * 1024 * 1024 + 123);
      await page.setInputFiles('[data-testid=wb-file-input]', { name: 'ledger.bin', mimeType: 'application/octet-stream', buffer: original });
      await page.click('[data-testid=wb-file-encrypt]');
      await page.waitForSelector('[data-testid=wb-file-done]');
      assert.equal(await page.getAttribute('[data-testid=wb-file-progress]', 'value'), '100');
      await screenshot(page, '10-file-envelope-en');
      const [sealedDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=wb-file-save]')]);
      assert.equal(sealedDl.suggestedFilename(), 'ledger.bin.kwenv');
      const sealed = readFileSync((await sealedDl.path())!);
      assert.ok(sealed.length > original.length);
      assert.equal(sealed.subarray(0, 6).toString(), 'KWENV1');

      await page.setInputFiles('[data-testid=wb-file-input]', { name: 'ledger.bin.kwenv', mimeType: 'application/octet-stream', buffer: sealed });
      await page.click('[data-testid=wb-file-decrypt]');
      await page.waitForSelector('[data-testid=wb-file-done]');
      const [plainDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=wb-file-save]')]);
      assert.equal(plainDl.suggestedFilename(), 'ledger.bin');
      assert.ok(readFileSync((await plainDl.path())!).equals(original));

      const tampered = Buffer.from(sealed);
      tampered[tampered.length - 50]! ^= 0xff;
      await page.setInputFiles('[data-testid=wb-file-input]', { name: 'bad.kwenv', mimeType: 'application/octet-stream', buffer: tampered });
      await page.click('[data-testid=wb-file-decrypt]');
      await page.waitForSelector('[data-testid=wb-file-message]');
      assert.match(await page.locator('[data-testid=wb-file-message]').innerText(), /failed authentication/);
    } finally {
      await c.close();
    }
  });

  test('BYOK wizard: external key, parameters, openssl commands, wrapped upload enables the key', async () => {
    const c = await openConsole(suite);
    const { page } = c;
    try {
      await createVault(page);
      await page.click('[data-testid=nav-keys]');
      await page.click('[data-testid=create-key]');
      await page.selectOption('[data-testid=ck-spec]', 'AES_256');
      await page.fill('[data-testid=ck-alias]', 'alias/byok');
      await page.click('[data-testid=ck-origin-external]');
      await page.check('[data-testid=ck-external-confirm]');
      await page.click('[data-testid=create-key-submit]');
      await page.waitForSelector('[data-testid=create-key-dialog]', { state: 'detached' });
      await page.click('[data-testid=nav-byok]');
      await page.waitForSelector('[data-testid=byok-key] option', { state: 'attached' });
      await page.click('[data-testid=byok-get-params]');
      const pem = await page.locator('[data-testid=byok-public-key]').innerText();
      assert.match(pem, /BEGIN PUBLIC KEY/);
      assert.match(await page.locator('[data-testid=byok-commands]').innerText(), /openssl pkeyutl -encrypt .*rsa_oaep_md:sha256/);
      await screenshot(page, '19-byok-wizard-zh');
      // The token is downloaded now and used later, after the wizard has forgotten it.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=下载令牌')]);
      const importToken = readFileSync((await download.path())!, 'utf8');
      const material = randomBytes(32);
      const wrapped = publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
      await page.click('[data-testid=nav-keys]');
      await page.click('[data-testid=nav-byok]');
      await page.waitForSelector('[data-testid=byok-key] option', { state: 'attached' });
      assert.equal(await page.locator('[data-testid=byok-public-key]').count(), 0);
      await page.fill('[data-testid=byok-token]', importToken);
      await page.click('[data-testid=byok-use-token]');
      await page.waitForSelector('[data-testid=byok-token-reused]');
      // The reference's own file: `openssl enc -e -base64 -A` output, already base64 text.
      const base64File = Buffer.from(wrapped.toString('base64'));
      await page.setInputFiles('[data-testid=byok-material]', { name: 'EncryptedKeyMaterial_base64.txt', mimeType: 'text/plain', buffer: base64File });
      await page.click('[data-testid=byok-import]');
      await page.waitForSelector('.notice >> text=启用中');
    } finally {
      await c.close();
    }
  });

  test('every other screen renders (screenshots)', async () => {
    const c = await openConsole(suite);
    const { page } = c;
    try {
      await createVault(page);
      await page.click('[data-testid=nav-keys]');
      await createKeyViaDialog(page, { spec: 'SM2', alias: 'alias/shots', usage: 'SIGN_VERIFY' });
      await page.click('[data-testid=nav-workbench]');
      await page.click('[data-testid=tab-sign]');
      await page.waitForSelector('[data-testid=wb-sign-key] option', { state: 'attached' });
      await page.fill('[data-testid=wb-sign-message]', '签名测试');
      await page.click('[data-testid=wb-sign-run]');
      await page.waitForFunction(() => (document.querySelector('[data-testid=wb-signature]') as HTMLTextAreaElement).value.length > 0);
      await page.click('[data-testid=wb-verify-run]');
      await page.waitForSelector('[data-testid=wb-verdict].good');
      await screenshot(page, '11-workbench-sign-zh');
      for (const [nav, name] of [['audit', '12-audit'], ['settings', '13-settings'], ['byok', '14-byok'], ['certificates', '15-certificates'], ['tokens', '16-tokens'], ['overview', '17-overview-with-keys']] as const) {
        await page.click(`[data-testid=nav-${nav}]`);
        await page.waitForSelector(`[data-testid=screen-${nav}]`);
        if (nav === 'audit') {
          await page.waitForSelector('[data-testid=audit-row]');
          // Events are titled in the officer's language, the recorded name beside them.
          assert.match(await page.locator('[data-testid=audit-table]').innerText(), /创建用户主密钥（CMK）\s+createKey/);
        }
        if (nav === 'overview') {
          await page.waitForSelector('[data-testid=keys-by-spec]');
          assert.match(await page.locator('[data-testid=keys-by-spec]').innerText(), /SM2\s+1/);
          assert.match(await page.locator('[data-testid=due-rotation]').innerText(), /30 天内待轮转/);
        }
        if (nav === 'byok' || nav === 'certificates' || nav === 'tokens') {
          // The operation consoles title each operation in the officer's language, name beside it.
          const title = await page.locator('[data-testid=op-title]').innerText();
          assert.match(title, /[\u4e00-\u9fff]/);
          assert.doesNotMatch(await page.locator('.op-form').innerText(), /\b(the|a|an) [a-z]+ [a-z]+/i);
        }
        await screenshot(page, `${name}-zh`);
      }
      // A certificate made through the console waits for its CA; its chain check says so in Chinese.
      await page.click('[data-testid=nav-certificates]');
      await page.click('[data-testid=op-createCertificate]');
      assert.equal(await page.locator('[data-testid=op-title]').innerText(), '创建证书（生成密钥对和 CSR）');
      // The contract refuses a subject without the reference's required fields.
      await page.fill('[data-testid=op-request]', JSON.stringify({ subject: { CN: 'e2e.example', C: 'XX', O: 'Keywarden', OU: ['E2E'] }, keySpec: 'EC_P256' }));
      await page.click('[data-testid=op-call]');
      assert.equal(await page.getAttribute('[data-testid=error-banner]', 'data-code'), 'InvalidParameter');
      // The create-certificate dialog: required fields, a country list named in Chinese.
      await page.click('[data-testid=create-cert]');
      await page.click('[data-testid=cc-submit]');
      assert.ok((await page.locator('[data-testid=create-cert-dialog] [data-testid=field-error]').count()) >= 3, 'CN, O and OU are required');
      assert.equal(await page.locator('[data-testid=cc-C] option:checked').innerText(), '中国 (CN)');
      assert.equal(await page.locator('[data-testid=cc-C] option').count(), 249);
      assert.equal(await page.locator('[data-testid=cc-C] option[value=XX]').count(), 0);
      await page.fill('[data-testid=cc-CN]', 'e2e.example');
      await page.fill('[data-testid=cc-O]', '测试单位');
      await page.fill('[data-testid=cc-OU-0]', 'E2E');
      await page.selectOption('[data-testid=cc-spec]', 'EC_P256');
      await page.fill('[data-testid=cc-name]', 'e2e-cert');
      await page.click('[data-testid=cc-submit]');
      assert.match(await page.locator('[data-testid=cc-csr]').innerText(), /BEGIN CERTIFICATE REQUEST/);
      await screenshot(page, '21-create-certificate-zh');
      await page.click('[data-testid=create-cert-dialog] >> text=关闭');
      await page.click('[data-testid=nav-overview]');
      await page.click('[data-testid=nav-certificates]');
      await page.click('[data-testid=cert-table] >> text=e2e-cert');
      await page.click('[data-testid=cert-detail] >> text=校验证书链');
      assert.match(await page.locator('[data-testid=chain-banner]').innerText(), /证书链校验失败：证书尚待签发/);
      await screenshot(page, '20-certificate-chain-zh');
      await page.click('[data-testid=nav-audit]');
      await page.click('[data-testid=verify-chain]');
      assert.match(await page.locator('[data-testid=chain-result]').innerText(), /哈希链完整/);
      await page.click('[data-testid=nav-settings]');
      await page.selectOption('[data-testid=settings-theme]', 'dark');
      assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
      await page.click('[data-testid=nav-keys]');
      await screenshot(page, '18-keys-dark-zh');
    } finally {
      await c.close();
    }
  });
});
