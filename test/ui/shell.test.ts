import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { RunningShell } from '../../core/shell/server.ts';
import { RENDERER_CSP } from '../../core/shell/csp.ts';
import { startTestShell } from './helpers.ts';

/** Raw HTTP so Host and Origin can be forged (fetch would not let us). */
function raw(shell: RunningShell, o: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: shell.port, method: o.method ?? 'GET', path: o.path, headers: o.headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('browser shell guards', () => {
  let shell: RunningShell;
  let closeAll: () => Promise<void>;
  before(async () => {
    const started = await startTestShell();
    shell = started.shell;
    closeAll = started.close;
  });
  after(() => closeAll());

  const host = () => `127.0.0.1:${shell.port}`;
  const api = (headers: Record<string, string>, body = '{"numberOfBytes":4}') =>
    raw(shell, { method: 'POST', path: '/api/getRandom', headers: { 'content-type': 'application/json', host: host(), ...headers }, body });

  test('the printed URL carries the token only in the fragment', () => {
    const u = new URL(shell.url);
    assert.equal(u.hostname, '127.0.0.1');
    assert.equal(u.search, '');
    assert.equal(u.hash, `#token=${shell.token}`);
    assert.ok(shell.token.length >= 40);
  });

  test('a call with the token from our origin reaches the core', async () => {
    const r = await api({ origin: shell.origin, 'x-keywarden-token': shell.token });
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body) as { ok: boolean; value: { random: string } };
    assert.equal(body.ok, true);
    assert.equal(Buffer.from(body.value.random, 'base64').length, 4);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  });

  test('a missing or wrong token is refused before the core sees the call', async () => {
    assert.equal((await api({ origin: shell.origin })).status, 401);
    assert.equal((await api({ origin: shell.origin, 'x-keywarden-token': shell.token.slice(0, -1) + (shell.token.endsWith('A') ? 'B' : 'A') })).status, 401);
    assert.equal((await api({ origin: shell.origin, 'x-keywarden-token': '' })).status, 401);
  });

  test('a wrong or missing Origin is refused even with the token', async () => {
    assert.equal((await api({ origin: 'http://evil.example', 'x-keywarden-token': shell.token })).status, 403);
    assert.equal((await api({ origin: `http://localhost:${shell.port}`, 'x-keywarden-token': shell.token })).status, 403);
    assert.equal((await api({ 'x-keywarden-token': shell.token })).status, 403);
  });

  test('a wrong Host (DNS rebinding) is refused for pages and API', async () => {
    assert.equal((await raw(shell, { path: '/', headers: { host: `evil.example:${shell.port}` } })).status, 421);
    assert.equal((await api({ host: `evil.example:${shell.port}`, origin: shell.origin, 'x-keywarden-token': shell.token })).status, 421);
  });

  test('no CORS: preflight and GET on the API are refused', async () => {
    const pre = await raw(shell, { method: 'OPTIONS', path: '/api/getRandom', headers: { host: host(), origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 405);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal((await raw(shell, { path: '/api/getRandom', headers: { host: host() } })).status, 405);
  });

  test('non-JSON bodies and unknown operations come back as contract errors', async () => {
    const bad = await api({ origin: shell.origin, 'x-keywarden-token': shell.token }, '{nope');
    assert.equal((JSON.parse(bad.body) as { error: { code: string } }).error.code, 'InvalidParameter');
    const unknown = await raw(shell, { method: 'POST', path: '/api/dropTables', headers: { 'content-type': 'application/json', host: host(), origin: shell.origin, 'x-keywarden-token': shell.token }, body: '{}' });
    assert.equal((JSON.parse(unknown.body) as { error: { code: string } }).error.code, 'UnknownOperation');
    const text = await raw(shell, { method: 'POST', path: '/api/getRandom', headers: { 'content-type': 'text/plain', host: host(), origin: shell.origin, 'x-keywarden-token': shell.token }, body: '{}' });
    assert.equal(text.status, 415);
    for (const path of ['/api/%E0%A4%A', '/api/get%52andom', '/api/../getRandom', '/api/' + 'a'.repeat(200)]) {
      const odd = await raw(shell, { method: 'POST', path, headers: { 'content-type': 'application/json', host: host(), origin: shell.origin, 'x-keywarden-token': shell.token }, body: '{}' });
      assert.equal((JSON.parse(odd.body) as { error: { code: string } }).error.code, 'UnknownOperation', path);
    }
    assert.equal((await api({ origin: shell.origin, 'x-keywarden-token': shell.token })).status, 200, 'the shell is still up');
  });

  test('the renderer is served with the strict CSP; unknown paths and traversal get 404', async () => {
    const page = await raw(shell, { path: '/', headers: { host: host() } });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-security-policy'], RENDERER_CSP);
    assert.ok(RENDERER_CSP.startsWith("default-src 'none'"));
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(page.body, /<div id="root">/);
    const js = await raw(shell, { path: '/app.js', headers: { host: host() } });
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/etc/passwd', '/app.js.map']) assert.equal((await raw(shell, { path: p, headers: { host: host() } })).status, 404, p);
  });
});
