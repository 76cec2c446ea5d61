import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSettingsStore, readSettings } from '../../renderer/store/settings.ts';
import { createSessionStore, passphraseStrength } from '../../renderer/store/session.ts';
import { createKeysStore, KEY_PAGE_SIZE, rowAt } from '../../renderer/store/keys.ts';
import { createUiStore } from '../../renderer/store/ui.ts';
import { createClient, type Transport } from '../../renderer/api/client.ts';
import { tempKeywarden, TEST_PASSPHRASE } from './helpers.ts';
import type { Keywarden } from '../../core/service/keywarden.ts';

/** The renderer's own client over the real core: the same Result path as both doors. */
function clientFor(kw: Keywarden) {
  const transport: Transport = (name, req) => kw.call(name, JSON.parse(JSON.stringify(req ?? {})), { actor: 'test:ui' });
  return createClient(transport);
}

class MemoryStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
}

describe('settings store', () => {
  test('persists choices and reads them back', () => {
    const storage = new MemoryStorage();
    const s = createSettingsStore(storage);
    s.getState().setLanguage('en');
    s.getState().setTheme('dark');
    s.getState().setIdleLockMinutes(5);
    s.getState().setPkcs11Modules([' /usr/lib/softhsm/libsofthsm2.so ', '', '/opt/ukey.so']);
    const again = createSettingsStore(storage).getState();
    assert.equal(again.languageChoice, 'en');
    assert.equal(again.theme, 'dark');
    assert.equal(again.idleLockMinutes, 5);
    assert.deepEqual(again.pkcs11Modules, ['/usr/lib/softhsm/libsofthsm2.so', '/opt/ukey.so']);
  });

  test('malformed stored settings fall back to defaults', () => {
    const storage = new MemoryStorage();
    storage.setItem('keywarden.settings', '{"languageChoice":"fr","theme":"neon","idleLockMinutes":7,"pkcs11Modules":[1,"/a.so"]}');
    assert.deepEqual(readSettings(storage), { languageChoice: null, theme: 'light', idleLockMinutes: 10, pkcs11Modules: ['/a.so'] });
    storage.setItem('keywarden.settings', 'not json');
    assert.equal(readSettings(storage).theme, 'light');
    assert.equal(readSettings(null).languageChoice, null);
  });

  test('an idle-lock value outside the offered choices is not accepted', () => {
    const s = createSettingsStore(null);
    s.getState().setIdleLockMinutes(3);
    assert.equal(s.getState().idleLockMinutes, 10);
  });
});

describe('session store over the real core', () => {
  test('create, lock, wrong passphrase, unlock', async () => {
    const { kw, dispose } = await tempKeywarden(false);
    try {
      const session = createSessionStore(clientFor(kw));
      await session.getState().refresh();
      assert.equal(session.getState().status?.initialized, false);
      assert.equal(await session.getState().initVault(TEST_PASSPHRASE), true);
      assert.equal(session.getState().status?.unlocked, true);
      await session.getState().lock('idle');
      assert.equal(session.getState().status?.unlocked, false);
      assert.equal(session.getState().lockedByIdle, true);
      assert.equal(await session.getState().unlock('wrong passphrase'), false);
      assert.equal(session.getState().error?.code, 'WrongPassphrase');
      assert.equal(await session.getState().unlock(TEST_PASSPHRASE), true);
      assert.equal(session.getState().error, null);
      assert.equal(session.getState().lockedByIdle, false);
    } finally {
      dispose();
    }
  });

  test('passphrase strength grows with length and variety', () => {
    assert.equal(passphraseStrength('').level, 'empty');
    assert.equal(passphraseStrength('aaaaaaaa').level, 'weak');
    assert.ok(passphraseStrength('correct horse battery staple 9!').bits > passphraseStrength('correcthorse').bits);
    assert.equal(passphraseStrength('T4k3-the-Long-r0ad-h0me!').level, 'strong');
  });
});

describe('keys store over the real core', () => {
  test('pages in only what is asked for, filters on the server, bulk-disables and tags', async () => {
    const { kw, dispose } = await tempKeywarden();
    try {
      const api = clientFor(kw);
      const count = KEY_PAGE_SIZE + 30;
      for (let i = 0; i < count; i++) await api.createKey({ keySpec: i % 2 ? 'SM4' : 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', description: i === 7 ? 'the payroll key' : `key ${i}` });
      const keys = createKeysStore(api);
      await keys.getState().reload();
      assert.equal(keys.getState().totalCount, count);
      assert.deepEqual(Object.keys(keys.getState().pages), ['1']);
      assert.equal(rowAt(keys.getState(), KEY_PAGE_SIZE + 5), undefined);
      await keys.getState().ensureRows(KEY_PAGE_SIZE - 5, KEY_PAGE_SIZE + 5);
      assert.deepEqual(Object.keys(keys.getState().pages).sort(), ['1', '2']);
      assert.ok(rowAt(keys.getState(), KEY_PAGE_SIZE + 5));

      await keys.getState().setFilters({ keySpec: 'SM4' });
      assert.equal(keys.getState().totalCount, count / 2);
      assert.ok(keys.getState().pages[1]!.every((k) => k.keySpec === 'SM4'));
      await keys.getState().setFilters({ keySpec: '' as never, search: 'payroll' });
      assert.equal(keys.getState().totalCount, 1);
      assert.equal(keys.getState().filters.keySpec, undefined);

      const target = keys.getState().pages[1]![0]!.cmkUuid;
      keys.getState().toggleSelected(target);
      const r = await keys.getState().bulk({ kind: 'disable' });
      assert.deepEqual([r.ok, r.failed], [1, 0]);
      assert.equal((await api.describeKey({ cmkUuid: target })).keyMetadata.keyState, 'Disabled');
      assert.equal(keys.getState().selected.size, 0);

      keys.getState().toggleSelected(target);
      const again = await keys.getState().bulk({ kind: 'disable' });
      assert.deepEqual([again.ok, again.failed, again.errors[0]?.code], [0, 1, 'InvalidKeyState']);

      keys.getState().toggleSelected(target);
      await keys.getState().bulk({ kind: 'tag', tagKey: 'team', tagValue: 'payroll' });
      await keys.getState().setFilters({ search: '', tagKey: 'team' });
      assert.equal(keys.getState().totalCount, 1);
      await keys.getState().clearFilters();
      assert.equal(keys.getState().totalCount, count);
    } finally {
      dispose();
    }
  });

  test('answers to an outdated query are dropped', async () => {
    const { kw, dispose } = await tempKeywarden();
    try {
      const api = clientFor(kw);
      await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      await api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
      const keys = createKeysStore(api);
      const first = keys.getState().setFilters({ keySpec: 'AES_256' });
      const second = keys.getState().setFilters({ keySpec: 'SM4' });
      await Promise.all([first, second]);
      assert.equal(keys.getState().filters.keySpec, 'SM4');
      assert.ok(keys.getState().pages[1]!.every((k) => k.keySpec === 'SM4'));
    } finally {
      dispose();
    }
  });
});

describe('ui store', () => {
  test('routes and keeps at most four notices', () => {
    const ui = createUiStore();
    ui.getState().go({ screen: 'key', cmkUuid: 'abc' });
    assert.deepEqual(ui.getState().route, { screen: 'key', cmkUuid: 'abc' });
    for (let i = 0; i < 6; i++) ui.getState().notify('info', `n${i}`);
    assert.deepEqual(ui.getState().notices.map((n) => n.text), ['n2', 'n3', 'n4', 'n5']);
    ui.getState().dismiss(ui.getState().notices[0]!.id);
    assert.equal(ui.getState().notices.length, 3);
  });
});
