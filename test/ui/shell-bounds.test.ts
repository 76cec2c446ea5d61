/**
 * The browser shell under careless and hostile callers: every contract operation is
 * reachable by its name, oversized bodies get 413 (not a reset), base64 fields are bounded
 * through HTTP, and thousands of connections held open by a local process without the
 * token do not stop the page's own calls.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { OPERATION_NAMES } from '../../core/api/contract.ts';
import { MAX_BODY_BYTES, startShell, type RunningShell } from '../../core/shell/server.ts';
import { startTestShell, tempKeywarden } from './helpers.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(shell: RunningShell, path: string, body: string | Buffer | null, o: { token?: string | null; chunks?: Buffer[] } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', origin: shell.origin };
    if (o.token !== null) headers['x-keywarden-token'] = o.token ?? shell.token;
    const req = request({ host: '127.0.0.1', port: shell.port, method: 'POST', path, headers, agent: false }, (res) => {
      const got: Buffer[] = [];
      res.on('data', (c: Buffer) => got.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(got).toString('utf8') }));
    });
    req.on('error', reject);
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      req.end();
    } else req.end(body);
  });
}

const call = async (shell: RunningShell, op: string, req: unknown) => JSON.parse((await post(shell, `/api/${op}`, JSON.stringify(req))).body) as { ok: boolean; value?: unknown; error?: { code: string; details?: { field?: string } } };

describe('browser shell bounds', () => {
  let shell: RunningShell;
  let rendererDir: string;
  let closeAll: () => Promise<void>;
  before(async () => {
    const started = await startTestShell();
    ({ shell, rendererDir } = started);
    closeAll = started.close;
  });
  after(() => closeAll());

  test('every operation of the contract is reachable through the shell route', async () => {
    for (const op of OPERATION_NAMES) {
      const r = await call(shell, op, { __probe: 1 });
      // The core's schema answered, so the route delivered the call to it.
      assert.ok(['InvalidParameter', 'MissingParameter'].includes(r.error?.code ?? ''), `${op}: ${JSON.stringify(r)}`);
    }
    const p12 = await call(shell, 'importCertificateByPKCS12', { pkcs12: 'AAAA', password: 'x' });
    assert.notEqual(p12.error?.code, 'UnknownOperation');
  });

  test('an oversized body is answered 413, declared or streamed, and the shell keeps answering', async () => {
    const declared = await post(shell, '/api/messageDigest', Buffer.alloc(50 * 1024 * 1024, 0x41));
    assert.equal(declared.status, 413);
    assert.equal(declared.headers.connection, 'close');
    const streamed = await post(shell, '/api/messageDigest', null, { chunks: Array.from({ length: 7 }, () => Buffer.alloc(1024 * 1024, 0x41)) });
    assert.equal(streamed.status, 413);
    assert.ok(MAX_BODY_BYTES < 7 * 1024 * 1024);
    assert.equal((await call(shell, 'getRandom', { numberOfBytes: 4 })).ok, true);
  });

  test('base64 fields through HTTP: 0, 1, the limit work; limit + 1 is refused by field', async () => {
    const limit = 4 * 1024 * 1024;
    for (const bytes of [0, 1, limit]) {
      const r = await call(shell, 'messageDigest', { algorithm: 'SHA_256', message: Buffer.alloc(bytes, 3).toString('base64') });
      assert.equal(r.ok, true, `${bytes} bytes: ${JSON.stringify(r.error)}`);
    }
    const over = await call(shell, 'messageDigest', { algorithm: 'SHA_256', message: Buffer.alloc(limit + 1, 3).toString('base64') });
    assert.deepEqual([over.error?.code, over.error?.details?.field], ['InvalidParameter', 'message']);
    const enc = await call(shell, 'encrypt', { cmkUuid: 'alias/none', plaintext: Buffer.alloc(6 * 1024 + 1).toString('base64') });
    assert.deepEqual([enc.error?.code, enc.error?.details?.field], ['InvalidParameter', 'plaintext']);
  });

  test('refusals close the connection without reading the body', async () => {
    const r = await post(shell, '/api/getRandom', '{"numberOfBytes":4}', { token: null });
    assert.equal(r.status, 401);
    assert.equal(r.headers.connection, 'close');
  });

  test('thousands of connections held without the token do not stop authenticated calls', { timeout: 300_000 }, async () => {
    const held: Socket[] = [];
    let closedByServer = 0;
    const opened = Array.from({ length: 3000 }, (_, i) =>
      new Promise<void>((resolve) => {
        const s = connect(shell.port, '127.0.0.1', () => {
          // Half stay silent; half start a request and never finish its headers.
          if (i % 2 === 1) s.write(`POST /api/getRandom HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\n`);
          resolve();
        });
        s.on('error', () => resolve());
        s.on('close', () => {
          closedByServer++;
          resolve();
        });
        held.push(s);
      }),
    );
    await Promise.all(opened);
    try {
      for (let i = 0; i < 20; i++) {
        const r = await call(shell, 'getRandom', { numberOfBytes: 8 });
        assert.equal(r.ok, true, `call ${i}`);
      }
      const parallel = await Promise.all(Array.from({ length: 10 }, () => call(shell, 'getRandom', { numberOfBytes: 8 })));
      assert.ok(parallel.every((r) => r.ok));
      assert.ok(shell.unauthenticatedConnections() <= 64, `unauthenticated sockets kept: ${shell.unauthenticatedConnections()}`);
      assert.ok(closedByServer > 0, 'the server dropped silent sockets');
    } finally {
      for (const s of held) s.destroy();
    }
  });

  test('a connection that never finishes its headers is closed by the header timeout', { timeout: 120_000 }, async () => {
    const { kw, dispose } = await tempKeywarden(false);
    const slow = await startShell({ keywarden: kw, rendererDir, limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 } });
    try {
      const reply = await new Promise<string>((resolve) => {
        const s = connect(slow.port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n'));
        let got = '';
        s.on('data', (c: Buffer) => (got += c.toString('latin1')));
        s.on('close', () => resolve(got));
        s.on('error', () => undefined);
      });
      assert.match(reply, /^HTTP\/1\.1 408/);
    } finally {
      await slow.close();
      dispose();
    }
  });
});
