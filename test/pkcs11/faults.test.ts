// Faults the bridge must survive: the child killed mid-operation (stand-in for a vendor
// module segfault), the token folder vanishing mid-run (stand-in for pulling the UKey),
// and modules that do not load. The test process plays the vault: it must keep running.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KwError } from '../../core/api/errors.ts';
import { TokenBridge } from '../../core/pkcs11/bridge.ts';
import { SoftHsmFixture, USER_PIN } from './softhsm.ts';

const code = (c: string) => (e: unknown) => {
  assert.ok(e instanceof KwError, String(e));
  assert.equal(e.code, c, e.message);
  return true;
};
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('bridge faults on SoftHSM2', () => {
  const fx = new SoftHsmFixture('faults');
  let bridge: TokenBridge;
  let tok: { serial: string };

  before(() => {
    tok = { serial: fx.initToken('Faults') };
    bridge = new TokenBridge({ modulePath: fx.module, env: fx.env });
  });
  after(async () => {
    await bridge.close();
    fx.cleanup();
  });

  test('SIGKILL of the child during key generation: TokenModuleCrashed, nothing half-made, next call needs login', async () => {
    await bridge.login(tok, USER_PIN);
    const pid = bridge.childPid;
    assert.ok(pid);
    const inFlight = bridge.generateKey(tok, 'RSA_4096', 'killed-midway');
    const alsoInFlight = bridge.generateRandom(tok, 16);
    await tick();
    await tick(); // the batch has been handed to the child
    process.kill(pid, 'SIGKILL');
    await assert.rejects(inFlight, (e: unknown) => code('TokenModuleCrashed')(e) && (e as KwError).details?.signal === 'SIGKILL');
    await assert.rejects(alsoInFlight, code('TokenModuleCrashed'));
    // A fresh child: the login died with the old one, and no PIN is replayed for us.
    await assert.rejects(bridge.generateKey(tok, 'AES_256', 'x'), code('TokenNotLoggedIn'));
    assert.notEqual(bridge.childPid, pid);
    await bridge.login(tok, USER_PIN);
    const k = await bridge.generateKey(tok, 'AES_256', 'after-crash');
    const s = await bridge.aesGcmEncrypt(tok, k.idHex, Buffer.from('ok'));
    assert.equal(Buffer.from(await bridge.aesGcmDecrypt(tok, k.idHex, s)).toString(), 'ok');
    const listing = fx.pkcs11Tool(['--token-label', 'Faults', '--login', '--pin', USER_PIN, '--list-objects']);
    assert.doesNotMatch(listing, /killed-midway/);
    assert.match(listing, /after-crash/);
  });

  test('token removed mid-run: TokenRemoved, no object created; after re-insertion a fresh session asks for login', async () => {
    await bridge.login(tok, USER_PIN);
    const k = await bridge.generateKey(tok, 'AES_256', 'survives-removal');
    const sealed = await bridge.aesGcmEncrypt(tok, k.idHex, Buffer.from('kept'));
    const [tokenFolder] = readdirSync(fx.tokenDir);
    assert.ok(tokenFolder);
    const away = join(fx.dir, 'pulled-out');
    renameSync(join(fx.tokenDir, tokenFolder), away);

    await assert.rejects(bridge.aesGcmEncrypt(tok, k.idHex, Buffer.from('x')), code('TokenRemoved'));
    await assert.rejects(bridge.generateKey(tok, 'EC_P256', 'must-not-exist'), code('TokenRemoved'));
    await assert.rejects(bridge.tokenInfo(tok), code('TokenRemoved'));

    renameSync(away, join(fx.tokenDir, tokenFolder)); // re-inserted
    await assert.rejects(bridge.aesGcmDecrypt(tok, k.idHex, sealed), code('TokenNotLoggedIn'));
    await bridge.login(tok, USER_PIN);
    assert.equal(Buffer.from(await bridge.aesGcmDecrypt(tok, k.idHex, sealed)).toString(), 'kept');
    const listing = fx.pkcs11Tool(['--token-label', 'Faults', '--login', '--pin', USER_PIN, '--list-objects']);
    assert.doesNotMatch(listing, /must-not-exist/);
  });

  test('a token unknown from the start is TokenNotFound, not TokenRemoved', async () => {
    await assert.rejects(bridge.tokenInfo({ serial: 'ffffffffffffffff' }), code('TokenNotFound'));
  });

  test('modules that cannot load give TokenModuleLoadFailed and the bridge stays usable', async () => {
    const missing = new TokenBridge({ modulePath: join(fx.dir, 'no-such-module.so'), env: fx.env });
    await assert.rejects(missing.listSlots(), code('TokenModuleLoadFailed'));
    await assert.rejects(missing.listSlots(), code('TokenModuleLoadFailed'));
    const notALibrary = join(fx.dir, 'not-a-library.so');
    writeFileSync(notALibrary, 'this is not an ELF file');
    const bogus = new TokenBridge({ modulePath: notALibrary, env: fx.env });
    await assert.rejects(bogus.moduleInfo(), code('TokenModuleLoadFailed'));
    await missing.close();
    await bogus.close();
    assert.ok((await bridge.listTokens()).length >= 1);
  });
});
