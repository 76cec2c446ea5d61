// The vault root key held by a token: conversion, lock, unlock with the token and its
// PIN (also from a fresh process), wrong PIN, removing the passphrase only on explicit
// confirmation, and a clear failure when the token is not there.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Keywarden } from '../../core/service/keywarden.ts';
import { b64, rejectsWith, TEST_PASSPHRASE, LOW_SCRYPT } from '../helpers/temp-vault.ts';
import { hsmVault, listObjects, USER_PIN, type HsmVault } from './harness.ts';

describe('vault root key held by a SoftHSM2 token', () => {
  let h: HsmVault;
  before(async () => {
    h = await hsmVault('rootkey');
  });
  after(async () => {
    await h.cleanup();
  });

  test('conversion keeps the passphrase, warns about losing the token, and the token key is non-extractable', async () => {
    const api = h.v.api;
    await rejectsWith(api.addTokenUnlock({ removePassphrase: true }), 'ConfirmationRequired');
    assert.deepEqual((await api.getVaultStatus({})).unlockMethods, ['passphrase']);
    const r = await api.addTokenUnlock({});
    assert.equal(r.tokenLabel, h.label);
    assert.equal(r.tokenSerial, h.serial);
    assert.equal(r.passphraseRemoved, false);
    assert.match(r.warning, /unrecoverable/);
    assert.deepEqual((await api.getVaultStatus({})).unlockMethods, ['passphrase', 'token']);
    const probes = await h.v.kw.tokens.bridge().probeExtractability({ label: h.label }, r.objectId);
    assert.deepEqual(probes.map((p) => [p.objectClass, p.sensitive, p.extractable, p.valueReadable]), [['secret', true, false, false]]);
    const vaultId = (await api.getVaultStatus({})).vaultId!;
    assert.match(listObjects(h), new RegExp(`keywarden:root-key:${vaultId}[\\s\\S]*?Access:\\s+sensitive, always sensitive, never extractable`));
  });

  test('lock, then unlock with the token and its PIN; a wrong PIN leaves the vault locked', async () => {
    const api = h.v.api;
    const k = (await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata;
    const blob = (await api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('under the root key') })).ciphertextBlob;
    await api.lockVault({});
    await rejectsWith(api.decrypt({ ciphertextBlob: blob }), 'VaultLocked');
    // The token session from before the lock does not let just any PIN through.
    await rejectsWith(api.unlockVaultWithToken({ pin: '000000' }), 'TokenPinIncorrect');
    assert.equal((await api.getVaultStatus({})).unlocked, false);
    const u = await api.unlockVaultWithToken({ pin: USER_PIN });
    assert.equal(u.unlocked, true);
    assert.equal(Buffer.from((await api.decrypt({ ciphertextBlob: blob })).plaintext, 'base64').toString(), 'under the root key');
  });

  test('removing the passphrase needs the exact confirmation; afterwards only the token unlocks, also from a fresh process', async () => {
    const api = h.v.api;
    await rejectsWith(api.addTokenUnlock({ removePassphrase: true, confirm: 'yes' as never }), 'InvalidParameter');
    const r = await api.addTokenUnlock({ removePassphrase: true, confirm: 'TOKEN-IS-THE-ONLY-WAY-IN' });
    assert.equal(r.passphraseRemoved, true);
    assert.deepEqual(r.unlockMethods, ['token']);
    await api.lockVault({});
    await rejectsWith(api.unlockVault({ passphrase: TEST_PASSPHRASE }), 'UnsupportedOperation');

    await h.v.kw.tokens.close();
    h.v.kw.close();
    h.v.kw = await Keywarden.open({ vaultDir: h.v.dir, scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0, tokenModulePath: h.fx.module, tokenLabel: h.label, tokenEnv: h.fx.env });
    h.v.api = h.v.kw.api({ actor: 'test' });
    assert.equal((await h.v.api.getVaultStatus({})).unlocked, false);
    await h.v.api.unlockVaultWithToken({ pin: USER_PIN });
    assert.equal((await h.v.api.getVaultStatus({})).unlocked, true);
  });

  test('unlock without the token fails clearly and leaves the vault locked', async () => {
    const api = h.v.api;
    await api.lockVault({});
    await h.v.kw.tokens.close();
    const [folder] = readdirSync(h.fx.tokenDir);
    assert.ok(folder);
    const away = join(h.fx.dir, 'in-a-drawer');
    renameSync(join(h.fx.tokenDir, folder), away);
    try {
      await rejectsWith(api.unlockVaultWithToken({ pin: USER_PIN }), 'TokenNotFound');
      assert.equal((await api.getVaultStatus({})).unlocked, false);
    } finally {
      renameSync(away, join(h.fx.tokenDir, folder));
    }
    await api.unlockVaultWithToken({ pin: USER_PIN });
    assert.equal((await api.getVaultStatus({})).unlocked, true);
  });
});
