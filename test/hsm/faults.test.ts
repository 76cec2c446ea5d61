// Faults through the whole core: the token pulled out mid-operation, and the bridge
// child SIGKILLed mid-batch (stand-in for a vendor module segfault). The test process
// is the vault: it must keep serving, leave the catalogue as it was, and ask for a
// fresh login afterwards instead of replaying a PIN.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { b64, rejectsWith } from '../helpers/temp-vault.ts';
import { hsmVault, listObjects, USER_PIN, type HsmVault } from './harness.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('token faults through Keywarden', () => {
  let h: HsmVault;
  before(async () => {
    h = await hsmVault('faults');
  });
  after(async () => {
    await h.cleanup();
  });

  const keyCount = async () => (await h.v.api.listKeys({})).totalCount;

  test('token removed: TokenRemoved, catalogue unchanged, no half-made object; after re-insertion a fresh login is needed', async () => {
    const api = h.v.api;
    const k = (await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM' })).keyMetadata;
    const sealed = await api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('kept across removal') });
    const before = await keyCount();
    const [folder] = readdirSync(h.fx.tokenDir);
    assert.ok(folder);
    const away = join(h.fx.dir, 'pulled-out');
    renameSync(join(h.fx.tokenDir, folder), away);

    await rejectsWith(api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') }), 'TokenRemoved');
    await rejectsWith(api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM', alias: 'alias/never' }), 'TokenRemoved');
    assert.equal(await keyCount(), before);
    await rejectsWith(api.describeKey({ cmkUuid: 'alias/never' }), 'AliasNotFound');
    assert.equal((await api.getVaultStatus({})).unlocked, true, 'the vault itself is untouched');

    renameSync(away, join(h.fx.tokenDir, folder));
    await rejectsWith(api.decrypt({ ciphertextBlob: sealed.ciphertextBlob }), 'TokenNotLoggedIn');
    assert.equal((await api.describeToken({})).token.loggedInAs, null);
    await api.tokenLogin({ pin: USER_PIN });
    assert.equal(Buffer.from((await api.decrypt({ ciphertextBlob: sealed.ciphertextBlob })).plaintext, 'base64').toString(), 'kept across removal');
    assert.doesNotMatch(listObjects(h), /Private Key Object; EC/);
  });

  test('bridge child SIGKILLed during a batch: TokenModuleCrashed for every call in it, vault survives, next call works after re-login', async () => {
    const api = h.v.api;
    const rsa = (await api.createKey({ keySpec: 'RSA_4096', keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' })).keyMetadata;
    const versionId = (await api.listKeyVersions({ cmkUuid: rsa.cmkUuid })).keyVersions[0]!.keyVersionId;
    const before = await keyCount();
    const pid = h.v.kw.tokens.bridge().childPid;
    assert.ok(pid);
    // Issued in one tick, these travel to the child as one batch (a few RSA-4096 signatures and a key generation).
    const signs = Array.from({ length: 8 }, (_, i) => api.asymmetricSign({ cmkUuid: rsa.cmkUuid, keyVersionId: versionId, algorithm: 'RSA_PSS_SHA_256', message: b64(`m${i}`) }));
    const create = api.createKey({ keySpec: 'RSA_4096', keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' });
    await tick();
    await tick();
    process.kill(pid, 'SIGKILL');
    for (const p of [...signs, create]) await rejectsWith(p, 'TokenModuleCrashed');

    assert.equal((await api.getVaultStatus({})).unlocked, true);
    assert.equal(await keyCount(), before);
    await rejectsWith(api.asymmetricSign({ cmkUuid: rsa.cmkUuid, keyVersionId: versionId, algorithm: 'RSA_PSS_SHA_256', message: b64('after') }), 'TokenNotLoggedIn');
    await api.tokenLogin({ pin: USER_PIN });
    assert.notEqual(h.v.kw.tokens.bridge().childPid, pid);
    const s = await api.asymmetricSign({ cmkUuid: rsa.cmkUuid, keyVersionId: versionId, algorithm: 'RSA_PSS_SHA_256', message: b64('after') });
    assert.equal((await api.asymmetricVerify({ cmkUuid: rsa.cmkUuid, keyVersionId: versionId, algorithm: 'RSA_PSS_SHA_256', message: b64('after'), signature: s.signature })).signatureValid, true);
    assert.equal((listObjects(h).match(/Private Key Object; RSA/g) ?? []).length, 1, 'the interrupted generation left nothing');
  });

  test('wrong PIN: TokenPinIncorrect, no login recorded, and the PIN appears nowhere in the audit log', async () => {
    const api = h.v.api;
    await api.tokenLogout({});
    await rejectsWith(api.tokenLogin({ pin: '99999999' }), 'TokenPinIncorrect');
    assert.equal((await api.describeToken({})).token.loggedInAs, null);
    await api.tokenLogin({ pin: USER_PIN });
    h.v.kw.services.audit.flush();
    const rows = h.v.kw.services.db.prepare('SELECT * FROM audit_log').all();
    const text = JSON.stringify(rows);
    assert.doesNotMatch(text, /99999999/);
    assert.match(text, /tokenLogin/);
  });
});
