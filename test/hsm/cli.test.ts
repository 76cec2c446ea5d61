// The `kw token …` commands end to end: the real binary, a real SoftHSM2 token, PINs
// from the environment (never argv), and a vault whose root key ends up on the token.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kw } from '../helpers/cli.ts';
import { SoftHsmFixture, SO_PIN, USER_PIN } from '../pkcs11/softhsm.ts';

describe('kw token commands on SoftHSM2', () => {
  const fx = new SoftHsmFixture('cli');
  const label = 'KW-cli';
  let serial: string;
  let vault: string;
  let env: Record<string, string>;
  before(() => {
    serial = fx.initToken(label);
    fx.initToken('Spare-cli');
    vault = join(mkdtempSync(join(tmpdir(), 'kw-hsm-cli-')), 'vault');
    env = { SOFTHSM2_CONF: fx.conf, KW_TOKEN_PIN: USER_PIN };
    assert.equal(kw(vault, ['init'], env).status, 0);
  });
  after(() => {
    rmSync(join(vault, '..'), { recursive: true, force: true });
    fx.cleanup();
  });

  const ok = (args: string[], extra: Record<string, string> = {}) => {
    const r = kw(vault, args, { ...env, ...extra });
    assert.equal(r.status, 0, r.err);
    return r;
  };

  test('list with --module, configure, then info and mechanisms from the saved settings', () => {
    const list = ok(['token', 'list', '--module', fx.module]).json();
    assert.ok(list.tokens.some((t: { label: string; serial: string }) => t.label === label && t.serial === serial));
    assert.equal(list.module.profileId, 'softhsm2');
    const saved = ok(['token', 'configure', '--module', fx.module, '--token-label', label]).json();
    assert.equal(saved.defaultTokenLabel, label);
    const info = ok(['token', 'info']).json();
    assert.equal(info.token.serial, serial);
    assert.equal(info.token.userPin.locked, false);
    const mech = ok(['token', 'mechanisms']).json();
    assert.equal(mech.keySpecs.find((s: { keySpec: string }) => s.keySpec === 'SM2').supported, false);
    assert.ok(mech.mechanisms.some((m: { name: string }) => m.name === 'CKM_AES_GCM'));
  });

  test('login checks the PIN from KW_TOKEN_PIN; a wrong PIN fails without echoing it', () => {
    assert.equal(ok(['token', 'login']).json().userType, 'user');
    const bad = kw(vault, ['token', 'login'], { ...env, KW_TOKEN_PIN: '86427531' });
    assert.equal(bad.status, 1);
    assert.equal(JSON.parse(bad.err).code, 'TokenPinIncorrect');
    assert.doesNotMatch(bad.err + bad.out, /86427531/);
  });

  test('key create --protection HSM puts the key on the token; api --token-login signs with it', () => {
    const k = ok(['key', 'create', '--spec', 'EC_P256', '--usage', 'SIGN_VERIFY', '--protection', 'HSM']).json().keyMetadata;
    assert.equal(k.protectionLevel, 'HSM');
    assert.equal(k.tokenLabel, label);
    const versions = ok(['api', 'listKeyVersions', JSON.stringify({ cmkUuid: k.cmkUuid })]).json();
    const keyVersionId = versions.keyVersions[0].keyVersionId;
    const req = { cmkUuid: k.cmkUuid, keyVersionId, algorithm: 'ECDSA_SHA_256', message: Buffer.from('cli').toString('base64') };
    const unlogged = kw(vault, ['api', 'asymmetricSign', JSON.stringify(req)], env);
    assert.equal(JSON.parse(unlogged.err).code, 'TokenNotLoggedIn');
    const sig = ok(['api', 'asymmetricSign', JSON.stringify(req), '--token-login']).json();
    const v = ok(['api', 'asymmetricVerify', JSON.stringify({ ...req, signature: sig.signature })]).json();
    assert.equal(v.signatureValid, true);
    assert.match(fx.pkcs11Tool(['--token-label', label, '--login', '--pin', USER_PIN, '--list-objects']), new RegExp(`keywarden:${k.cmkUuid}`));
  });

  test('cert create --protection HSM makes the key pair on the token and writes a CSR openssl verifies', () => {
    const csrFile = join(vault, '..', 'token.csr');
    const r = ok(['cert', 'create', '--cn', 'officer.example', '--c', 'CN', '--o', 'Keywarden', '--ou', 'Officers', '--spec', 'EC_P256', '--protection', 'HSM', '--csr-out', csrFile]).json();
    assert.match(r.certificateId, /^[0-9a-f-]{36}$/);
    // openssl req -verify exits 0 even when the check fails, so its words are read.
    const verified = spawnSync('openssl', ['req', '-in', csrFile, '-noout', '-verify'], { encoding: 'utf8' });
    assert.match(verified.stdout + verified.stderr, /verify OK/);
    assert.doesNotMatch(verified.stdout + verified.stderr, /verify failure/i);
    assert.match(fx.pkcs11Tool(['--token-label', label, '--login', '--pin', USER_PIN, '--list-objects']), new RegExp(`keywarden-cert:${r.certificateId}`));
  });

  test('init erases a token only with the confirmation words and the SO PIN from the environment', () => {
    const refused = kw(vault, ['token', 'init', '--token-label', 'Spare-cli', '--new-label', 'Renamed-cli'], { ...env, KW_TOKEN_SO_PIN: SO_PIN });
    assert.equal(JSON.parse(refused.err).code, 'ConfirmationRequired');
    const r = ok(['token', 'init', '--token-label', 'Spare-cli', '--new-label', 'Renamed-cli', '--confirm', 'DESTROY-ALL-OBJECTS'], { KW_TOKEN_SO_PIN: SO_PIN }).json();
    assert.equal(r.token.label, 'Renamed-cli');
    assert.ok(ok(['token', 'list']).json().tokens.some((t: { label: string }) => t.label === 'Renamed-cli'));
  });

  test('protect-vault warns, keeps the passphrase unless confirmed; then the token PIN alone unlocks the vault', () => {
    const r = ok(['token', 'protect-vault']);
    assert.match(r.err, /WARNING: Losing this token/);
    assert.deepEqual(r.json().unlockMethods, ['passphrase', 'token']);
    const refused = kw(vault, ['token', 'protect-vault', '--remove-passphrase'], env);
    assert.equal(JSON.parse(refused.err).code, 'ConfirmationRequired');
    assert.deepEqual(ok(['status']).json().unlockMethods, ['passphrase', 'token']);
    const removed = ok(['token', 'protect-vault', '--remove-passphrase', '--confirm', 'TOKEN-IS-THE-ONLY-WAY-IN']).json();
    assert.deepEqual(removed.unlockMethods, ['token']);
    const keys = ok(['key', 'list'], { KW_PASSPHRASE: '' }).json();
    assert.ok(keys.totalCount >= 1);
    const wrong = kw(vault, ['key', 'list'], { ...env, KW_TOKEN_PIN: '000000' });
    assert.equal(JSON.parse(wrong.err).code, 'TokenPinIncorrect');
  });
});
