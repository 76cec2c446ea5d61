// Every built-in role against a representative operation of each permission family,
// through the CLI (a real `kw` process per call, signed in by KW_OFFICER) and the browser
// shell (HTTP with the officer session header): allowed, or AccessDenied.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kw } from '../helpers/cli.ts';
import { b64, tempVault, TEST_PASSPHRASE, type TempVault } from '../helpers/temp-vault.ts';
import { startShell, type RunningShell } from '../../core/shell/server.ts';
import { SHELL_TOKEN_HEADER } from '../../core/api/bridge.ts';

// The administrator comes last: with two administrators (the owner and ada) adding
// officers needs a quorum.
const OFFICERS = [
  { name: 'ken', role: 'key-manager', pass: 'ken passphrase 2' },
  { name: 'cory', role: 'crypto-operator', pass: 'cory passphrase 3' },
  { name: 'aude', role: 'auditor', pass: 'aude passphrase 4' },
  { name: 'ada', role: 'administrator', pass: 'ada passphrase 1' },
] as const;

/** One operation per permission family, and the built-in roles that may call it. */
const FAMILIES: Array<{ family: string; op: string; req: unknown; allowed: string[]; quorum?: string[] }> = [
  { family: 'officers (kms:officer:list)', op: 'listOfficers', req: {}, allowed: ['administrator', 'auditor'] },
  // Two administrators exist, so the administrator is told to propose it (QuorumRequired).
  { family: 'roles (kms:role:manage)', op: 'createRole', req: { name: 'r', items: ['kms:cmk:list'] }, allowed: [], quorum: ['administrator'] },
  { family: 'key lifecycle (kms:cmk:create)', op: 'createKey', req: { keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' }, allowed: ['key-manager'] },
  { family: 'crypto (kms:cmk:encrypt)', op: 'encrypt', req: { cmkUuid: 'alias/k', plaintext: b64('x') }, allowed: ['crypto-operator'] },
  { family: 'audit (kms:audit:read)', op: 'listAuditEvents', req: {}, allowed: ['auditor'] },
  { family: 'certificates (kms:cert:list)', op: 'listCertificate', req: {}, allowed: ['key-manager', 'crypto-operator'] },
  { family: 'BYOK (kms:byok:list)', op: 'listByokPackages', req: {}, allowed: ['key-manager'] },
  { family: 'vault (kms:vault:runScheduledWork)', op: 'runScheduledWork', req: {}, allowed: ['administrator', 'key-manager'] },
];

describe('roles × permission families through the CLI', () => {
  let dir: string;
  let vault: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-roles-cli-'));
    vault = join(dir, 'vault');
    assert.equal(kw(vault, ['init']).status, 0);
    assert.equal(kw(vault, ['key', 'create', '--spec', 'AES_256', '--alias', 'alias/k']).status, 0);
    for (const o of OFFICERS) {
      // Once a second officer exists the owner signs in too (credential: the vault passphrase).
      const r = kw(vault, ['api', 'addOfficer', JSON.stringify({ name: o.name, roles: [o.role], credential: { kind: 'software', passphrase: o.pass } })], {
        KW_OFFICER: 'owner',
        KW_OFFICER_PASSPHRASE: 'cli test passphrase',
      });
      assert.equal(r.status, 0, r.err);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const o of OFFICERS) {
    test(`${o.role}`, () => {
      // Five families here (a process each); the shell below walks all of them.
      for (const f of FAMILIES.filter((x) => !['listCertificate', 'listByokPackages', 'runScheduledWork'].includes(x.op))) {
        const r = kw(vault, ['api', f.op, JSON.stringify(f.req)], { KW_OFFICER: o.name, KW_OFFICER_PASSPHRASE: o.pass });
        if (f.allowed.includes(o.role)) assert.equal(r.status, 0, `${o.role} ${f.family}: ${r.err}`);
        else assert.equal(r.status !== 0 && JSON.parse(r.err).code, f.quorum?.includes(o.role) ? 'QuorumRequired' : 'AccessDenied', `${o.role} ${f.family}: ${r.err || r.out}`);
      }
    });
  }

  test('without an officer a custody vault refuses with NotSignedIn; kw login keeps a session (0600) until kw logout', () => {
    const none = kw(vault, ['key', 'list']);
    assert.equal(JSON.parse(none.err).code, 'NotSignedIn');
    const login = kw(vault, ['login', '--officer', 'cory'], { KW_OFFICER_PASSPHRASE: 'cory passphrase 3' });
    assert.equal(login.status, 0, login.err);
    assert.ok(!login.out.includes('kws_'), 'the session token is kept in the file, not printed');
    assert.equal(statSync(join(vault, 'officer-session')).mode & 0o777, 0o600);
    const who = kw(vault, ['whoami']).json();
    assert.equal(who.officer.name, 'cory');
    assert.equal(who.mode, 'custody');
    assert.equal(kw(vault, ['encrypt', '--key', 'alias/k', '--text', 'hi']).status, 0);
    assert.equal(JSON.parse(kw(vault, ['key', 'create', '--spec', 'SM4']).err).code, 'AccessDenied');
    const bad = kw(vault, ['login', '--officer', 'cory'], { KW_OFFICER_PASSPHRASE: 'wrong' });
    assert.equal(JSON.parse(bad.err).code, 'CredentialInvalid');
    assert.equal(kw(vault, ['logout']).json().signedOut, true);
    assert.equal(existsSync(join(vault, 'officer-session')), false);
    assert.equal(JSON.parse(kw(vault, ['key', 'list']).err).code, 'NotSignedIn');
  });
});

function post(shell: RunningShell, op: string, body: unknown, session?: string): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', origin: shell.origin, [SHELL_TOKEN_HEADER]: shell.token };
    if (session) headers['x-kw-session'] = session;
    const req = request({ host: '127.0.0.1', port: shell.port, method: 'POST', path: `/api/${op}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('roles × permission families through the browser shell', () => {
  let v: TempVault;
  let shell: RunningShell;
  let site: string;
  before(async () => {
    v = await tempVault();
    site = mkdtempSync(join(tmpdir(), 'kw-roles-site-'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
    await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/k' });
    const owner = v.kw.api({ actor: 'test', session: (await v.api.signIn({ officer: 'owner', passphrase: TEST_PASSPHRASE })).sessionToken });
    for (const o of OFFICERS) await owner.addOfficer({ name: o.name, roles: [o.role], credential: { kind: 'software', passphrase: o.pass } });
    shell = await startShell({ keywarden: v.kw, rendererDir: site });
  });
  after(async () => {
    await shell.close();
    v.cleanup();
    rmSync(site, { recursive: true, force: true });
  });

  for (const o of OFFICERS) {
    test(`${o.role}`, async () => {
      const s = await post(shell, 'signIn', { officer: o.name, passphrase: o.pass });
      assert.ok(s.ok, JSON.stringify(s.error));
      const token = (s.value as { sessionToken: string }).sessionToken;
      for (const f of FAMILIES) {
        const r = await post(shell, f.op, f.req, token);
        if (f.allowed.includes(o.role)) assert.ok(r.ok, `${o.role} ${f.family}: ${JSON.stringify(r.error)}`);
        else assert.equal(r.error?.code, f.quorum?.includes(o.role) ? 'QuorumRequired' : 'AccessDenied', `${o.role} ${f.family}`);
      }
      assert.equal((await post(shell, 'signOut', {}, token)).ok, true);
      assert.equal((await post(shell, 'listKeys', {}, token)).error?.code, 'SessionExpired');
    });
  }

  test('the shell without a session header is signed out in a custody vault', async () => {
    assert.equal((await post(shell, 'listKeys', {})).error?.code, 'NotSignedIn');
    assert.equal((await post(shell, 'getVaultStatus', {})).ok, true);
    const owner = await post(shell, 'signIn', { officer: 'owner', passphrase: TEST_PASSPHRASE });
    assert.ok(owner.ok);
  });
});
