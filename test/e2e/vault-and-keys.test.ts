import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_SPECS } from '../../core/domain/key-specs.ts';
import { createKeyViaDialog, createVault, openConsole, openSuite, screenshot, type Suite } from './fixtures.ts';
import { TEST_PASSPHRASE } from '../ui/helpers.ts';

describe('console: vault, language, keys', () => {
  let suite: Suite;
  before(async () => {
    suite = await openSuite();
  });
  after(async () => {
    await suite.close();
  });

  test('create a vault with the strength meter, switch language, lock and unlock', async () => {
    const c = await openConsole(suite);
    const { page } = c;
    try {
      await page.waitForSelector('[data-testid=create-vault]');
      assert.match(await page.locator('h1').innerText(), /创建密钥库/);
      await page.fill('[data-testid=passphrase]', 'abc');
      assert.equal(await page.getAttribute('[data-testid=strength]', 'data-level'), 'weak');
      await page.fill('[data-testid=passphrase]', TEST_PASSPHRASE);
      assert.equal(await page.getAttribute('[data-testid=strength]', 'data-level'), 'strong');
      await page.fill('[data-testid=passphrase-confirm]', 'different');
      assert.match(await page.locator('[data-testid=field-error]').innerText(), /不一致/);
      assert.equal(await page.isDisabled('[data-testid=unlock-submit]'), true);
      await page.fill('[data-testid=passphrase-confirm]', TEST_PASSPHRASE);
      await screenshot(page, '01-create-vault-zh');
      await page.click('[data-testid=unlock-submit]');
      await page.waitForSelector('[data-testid=screen-overview]');
      assert.match(await page.locator('[data-testid=nav-keys]').innerText(), /密钥管理/);
      await page.waitForSelector('[data-testid=audit-health] .good');
      await screenshot(page, '02-overview-zh');

      await page.selectOption('[data-testid=language-switch]', 'en');
      assert.match(await page.locator('[data-testid=nav-keys]').innerText(), /Keys/);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await screenshot(page, '03-overview-en');
      await page.selectOption('[data-testid=language-switch]', 'zh-CN');
      assert.match(await page.locator('[data-testid=nav-keys]').innerText(), /密钥管理/);

      await page.click('[data-testid=lock]');
      await page.waitForSelector('[data-testid=unlock-vault]');
      await page.fill('[data-testid=passphrase]', 'wrong passphrase');
      await page.click('[data-testid=unlock-submit]');
      const banner = page.locator('[data-testid=error-banner]');
      assert.equal(await banner.getAttribute('data-code'), 'WrongPassphrase');
      assert.match(await banner.innerText(), /口令错误/);
      await screenshot(page, '04-unlock-error-zh');
      await page.fill('[data-testid=passphrase]', TEST_PASSPHRASE);
      await page.click('[data-testid=unlock-submit]');
      await page.waitForSelector('[data-testid=screen-overview]');
    } finally {
      await c.close();
    }
  });

  test('create one key of each spec through the dialog, search and filter the list', async () => {
    const c = await openConsole(suite);
    const { page } = c;
    try {
      await createVault(page);
      await page.click('[data-testid=nav-keys]');
      // RSA_3072 and EC_P256 sign; the other RSA and SM2 keep the dialog's first usage (encrypt).
      for (const spec of KEY_SPECS) await createKeyViaDialog(page, { spec, alias: `alias/e2e-${spec.toLowerCase()}`, ...(spec === 'RSA_3072' ? { usage: 'SIGN_VERIFY' } : {}) });
      await page.waitForSelector(`[data-testid=key-total]:has-text("${KEY_SPECS.length}")`);
      assert.equal(await page.locator('[data-testid=key-row]').count(), KEY_SPECS.length);
      await screenshot(page, '05-keys-zh');

      await page.fill('[data-testid=key-search]', 'e2e-sm2');
      await page.waitForSelector('[data-testid=key-total]:has-text("共 1 条")');
      assert.match(await page.locator('[data-testid=key-row]').innerText(), /SM2/);
      await page.fill('[data-testid=key-search]', '');
      await page.selectOption('[data-testid=filter-usage]', 'SIGN_VERIFY');
      await page.waitForSelector('[data-testid=key-total]:has-text("共 2 条")');
      await page.selectOption('[data-testid=filter-usage]', '');
      await page.selectOption('[data-testid=filter-spec]', 'HMAC_SM3');
      await page.waitForSelector('[data-testid=key-total]:has-text("共 1 条")');
    } finally {
      await c.close();
    }
  });

  test('failing validation is shown in the dialog, and a server refusal shows its code', async () => {
    const c = await openConsole(suite);
    const { page } = c;
    try {
      await createVault(page);
      await page.click('[data-testid=nav-keys]');
      await createKeyViaDialog(page, { spec: 'AES_256', alias: 'alias/taken' });
      await page.click('[data-testid=create-key]');
      await page.fill('[data-testid=ck-alias]', 'payroll');
      assert.match(await page.locator('[data-testid=field-error]').first().innerText(), /别名必须以 alias\/ 开头/);
      await page.selectOption('[data-testid=ck-rotation]', 'custom');
      await page.fill('[data-testid=ck-custom-days]', '5');
      await page.fill('[data-testid=ck-alias]', 'alias/ok');
      await page.click('[data-testid=create-key-submit]');
      assert.match(await page.locator('[data-testid=field-error]').first().innerText(), /7~730/);
      await page.fill('[data-testid=ck-custom-days]', '45');
      await page.click('[data-testid=ck-origin-external]');
      await page.click('[data-testid=create-key-submit]');
      assert.match(await page.locator('[data-testid=field-error]').first().innerText(), /外部密钥材料/);
      await screenshot(page, '06-create-key-validation-zh');
      await page.click('[data-testid=ck-origin-external]');
      await page.check('input[name=origin] >> nth=0');
      await page.fill('[data-testid=ck-alias]', 'alias/taken');
      await page.click('[data-testid=create-key-submit]');
      const banner = page.locator('[data-testid=create-key-dialog] [data-testid=error-banner]');
      assert.equal(await banner.getAttribute('data-code'), 'AliasAlreadyExists');
      assert.match(await banner.innerText(), /别名已存在/);
      assert.equal(await page.locator('[data-testid=create-key-dialog]').count(), 1);
    } finally {
      await c.close();
    }
  });
});
