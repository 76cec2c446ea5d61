import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATION_NAMES } from '../../core/api/contract.ts';
import { APP_ORIGIN, channelFor, checkIpcCall, isTrustedAppUrl, registerIpcHandlers, senderFacts } from '../../electron/ipc.ts';
import { tempKeywarden } from './helpers.ts';

const good = { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true };

describe('IPC boundary checks', () => {
  test('a well-formed call from the app main frame passes', () => {
    const r = checkIpcCall('kw:getRandom', good, { numberOfBytes: 16 });
    assert.deepEqual(r, { ok: true, name: 'getRandom', request: { numberOfBytes: 16 } });
  });

  test('forged senders are refused: other origins, sub-frames, detached frames, look-alike URLs', () => {
    const forged = [
      { frameUrl: 'https://evil.example/index.html', isMainFrame: true },
      { frameUrl: 'file:///tmp/index.html', isMainFrame: true },
      { frameUrl: 'app://keywarden.evil/index.html', isMainFrame: true },
      { frameUrl: 'app://user:pw@keywarden/index.html', isMainFrame: true },
      { frameUrl: 'http://127.0.0.1:1234/', isMainFrame: true },
      { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: false },
      { frameUrl: null, isMainFrame: true },
      { frameUrl: 'not a url', isMainFrame: true },
    ];
    for (const sender of forged) {
      const r = checkIpcCall('kw:getRandom', sender, { numberOfBytes: 16 });
      assert.equal(r.ok, false, JSON.stringify(sender));
      if (!r.ok) {
        assert.equal(r.error.code, 'Unauthorized');
        assert.equal(r.error.details?.field, 'sender');
      }
    }
  });

  test('malformed requests are refused with the failing field and never echo the value', () => {
    const cases: Array<[string, unknown, string]> = [
      ['kw:getRandom', { numberOfBytes: 0 }, 'numberOfBytes'],
      ['kw:getRandom', { numberOfBytes: 16, extra: 1 }, 'request'],
      ['kw:encrypt', { cmkUuid: 'alias/x', plaintext: 'not base64!' }, 'plaintext'],
      ['kw:createKey', { keySpec: 'DES', keyUsage: 'ENCRYPT_DECRYPT' }, 'keySpec'],
      ['kw:unlockVault', 'secret-passphrase-as-string', 'request'],
    ];
    for (const [channel, req, field] of cases) {
      const r = checkIpcCall(channel, good, req);
      assert.equal(r.ok, false, channel);
      if (!r.ok) {
        assert.equal(r.error.code, 'InvalidParameter');
        assert.equal(r.error.details?.field, field);
        assert.ok(!r.error.message.includes('secret-passphrase'));
      }
    }
  });

  test('channels outside the prefix or naming no operation are refused', () => {
    for (const ch of ['getRandom', 'kw:', 'kw:__proto__', 'kw:constructor', 'kw:noSuchOp', 'other:getRandom']) {
      const r = checkIpcCall(ch, good, {});
      assert.equal(r.ok, false, ch);
      if (!r.ok) assert.equal(r.error.code, 'UnknownOperation');
    }
  });

  test('isTrustedAppUrl accepts only app://keywarden', () => {
    assert.equal(isTrustedAppUrl('app://keywarden/'), true);
    assert.equal(isTrustedAppUrl('app://keywarden/sub/page.html?x=1'), true);
    assert.equal(isTrustedAppUrl('app://other/'), false);
    assert.equal(isTrustedAppUrl('devtools://devtools/'), false);
  });

  test('senderFacts marks sub-frames and missing frames', () => {
    const main = { url: `${APP_ORIGIN}/index.html` };
    const sub = { url: `${APP_ORIGIN}/index.html` };
    const sender = { mainFrame: main };
    assert.deepEqual(senderFacts({ senderFrame: main, sender } as never), { frameUrl: main.url, isMainFrame: true });
    assert.deepEqual(senderFacts({ senderFrame: sub, sender } as never), { frameUrl: sub.url, isMainFrame: false });
    assert.deepEqual(senderFacts({ senderFrame: null, sender } as never), { frameUrl: null, isMainFrame: false });
  });

  test('registerIpcHandlers registers one channel per contract operation and serves the real core', async () => {
    const { kw, dispose } = await tempKeywarden();
    try {
      const handlers = new Map<string, (event: unknown, req: unknown) => Promise<unknown>>();
      const ipcMain = {
        handle: (ch: string, fn: (event: unknown, req: unknown) => Promise<unknown>) => void handlers.set(ch, fn),
        removeHandler: (ch: string) => void handlers.delete(ch),
      };
      const unregister = registerIpcHandlers(ipcMain as never, kw);
      assert.deepEqual([...handlers.keys()].sort(), OPERATION_NAMES.map(channelFor).sort());
      const main = { url: `${APP_ORIGIN}/index.html` };
      const fromApp = { senderFrame: main, sender: { mainFrame: main } };
      const ok = (await handlers.get('kw:getRandom')!(fromApp, { numberOfBytes: 8 })) as { ok: boolean; value: { random: string } };
      assert.equal(ok.ok, true);
      assert.equal(Buffer.from(ok.value.random, 'base64').length, 8);
      const evil = { url: 'https://evil.example/' };
      const refused = (await handlers.get('kw:getRandom')!({ senderFrame: evil, sender: { mainFrame: evil } }, { numberOfBytes: 8 })) as { ok: boolean };
      assert.equal(refused.ok, false);
      unregister();
      assert.equal(handlers.size, 0);
    } finally {
      dispose();
    }
  });
});
