import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { z } from 'zod';
import { contract } from '../../core/api/contract.ts';
import { createClient } from '../../core/api/client.ts';
import { KwError } from '../../core/api/errors.ts';
import { schemaErrorData } from '../../core/api/schema-error.ts';
import { APP_ORIGIN, checkIpcCall } from '../../electron/ipc.ts';
import { ApiError, createClient as rendererClient, httpTransport } from '../../renderer/api/client.ts';
import { DOORS, openDoors, type Doors } from './harness.ts';

function mapped(schema: z.ZodType, request: unknown) {
  const r = schema.safeParse(request);
  assert.equal(r.success, false);
  return schemaErrorData(r.success ? (undefined as never) : r.error, request);
}

describe('the schema-error mapper decides from issue codes', () => {
  test('an absent field is MissingParameter; a present but wrong one is InvalidParameter', () => {
    const schema = z.object({ a: z.string(), nested: z.object({ b: z.number() }).optional() }).strict();
    assert.deepEqual(mapped(schema, {}), { code: 'MissingParameter', message: 'a: is required', details: { field: 'a' } });
    assert.deepEqual(mapped(schema, { a: undefined }), { code: 'MissingParameter', message: 'a: is required', details: { field: 'a' } });
    assert.equal(mapped(schema, { a: 1 }).code, 'InvalidParameter');
    assert.equal(mapped(schema, { a: null }).code, 'InvalidParameter', 'null is a value, not an absence');
    assert.deepEqual(mapped(schema, { a: 'x', nested: {} }).details, { field: 'nested.b' });
    assert.equal(mapped(schema, { a: 'x', nested: {} }).code, 'MissingParameter');
    assert.equal(mapped(schema, { a: 'x', extra: 1 }).code, 'InvalidParameter');
    assert.equal(mapped(schema, 'a string').code, 'InvalidParameter');
    assert.equal(mapped(schema, 'a string').details?.field, 'request');
  });

  test('the decision does not depend on the wording of zod messages', () => {
    const schema = z.object({ a: z.string({ error: 'Pflichtfeld fehlt' }) });
    assert.equal(mapped(schema, {}).code, 'MissingParameter');
    assert.equal(mapped(schema, { a: 5 }).code, 'InvalidParameter');
  });

  test('messages never carry the value that was given', () => {
    const e = mapped(contract.unlockVault.request, { passphrase: 42, 'secret-value-here': 'x' });
    assert.ok(!JSON.stringify(e).includes('secret-value-here') || e.details?.field === 'request');
    assert.ok(!JSON.stringify(mapped(contract.getRandom.request, { numberOfBytes: 987654321 })).includes('987654321'));
  });
});

describe('every door gives the same answer to the same bad request', () => {
  let d: Doors;
  before(async () => {
    d = await openDoors();
  });
  after(async () => {
    await d.cleanup();
  });

  const cases: Array<[string, unknown, string, string]> = [
    ['describeKey', {}, 'MissingParameter', 'cmkUuid'],
    ['asymmetricSign', { cmkUuid: 'alias/x', algorithm: 'ECDSA_SHA_256', message: 'bQ==' }, 'MissingParameter', 'keyVersionId'],
    ['getRandom', { numberOfBytes: 0 }, 'InvalidParameter', 'numberOfBytes'],
    ['getRandom', { numberOfBytes: 8, extra: 1 }, 'InvalidParameter', 'request'],
    ['createKey', { keySpec: 'DES', keyUsage: 'ENCRYPT_DECRYPT' }, 'InvalidParameter', 'keySpec'],
    ['createKey', { keyUsage: 'ENCRYPT_DECRYPT' }, 'MissingParameter', 'keySpec'],
    ['encrypt', { cmkUuid: 'alias/x', plaintext: 'not base64!' }, 'InvalidParameter', 'plaintext'],
  ];

  for (const door of DOORS) {
    test(`through ${door}`, async () => {
      // The CLI starts a process per call: a few cases suffice there.
      for (const [name, request, code, field] of door === 'cli' ? cases.filter((_, i) => i % 2 === 0) : cases) {
        const r = await d.call(door, name, request);
        assert.equal(r.ok, false, `${door} ${name}`);
        if (!r.ok) {
          assert.equal(r.error.code, code, `${door} ${name} ${JSON.stringify(request)}: ${r.error.message}`);
          assert.equal(r.error.details?.field, field, `${door} ${name}`);
        }
      }
    });
  }

  test('the IPC check and the service answer identically, message included', async () => {
    for (const [name, request] of cases) {
      const ipc = checkIpcCall(`kw:${name}`, { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true }, request);
      const service = await d.kw.call(name, request, { actor: 'test' });
      assert.equal(ipc.ok, false);
      assert.equal(service.ok, false);
      if (!ipc.ok && !service.ok) assert.deepEqual(ipc.error, service.error, name);
    }
  });
});

describe('a refused sender or token is Unauthorized at every door', () => {
  let d: Doors;
  before(async () => {
    d = await openDoors();
  });
  after(async () => {
    await d.cleanup();
  });

  test('IPC: another origin, a sub-frame or a look-alike host is Unauthorized, and the core never runs', async () => {
    const before = (await d.kw.api({ actor: 't' }).listAuditEvents({})).totalCount;
    for (const sender of [{ url: 'https://evil.example/' }, { url: `${APP_ORIGIN}/index.html`, main: false }, { url: 'app://keywarden.evil/' }]) {
      const r = await d.ipc('kw:getRandom', sender, { numberOfBytes: 8 });
      assert.equal(!r.ok && r.error.code, 'Unauthorized', JSON.stringify(sender));
    }
    const after = (await d.kw.api({ actor: 't' }).listAuditEvents({})).totalCount;
    assert.equal(after, before + 1, 'only the listing itself was audited');
  });

  test('shell: a wrong token, origin or host answers its HTTP status with an Unauthorized Result', async () => {
    const post = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: d.shell.port, method: 'POST', path: '/api/getRandom', setHost: false, headers: { 'content-type': 'application/json', host: `127.0.0.1:${d.shell.port}`, ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.on('error', reject);
        req.end('{"numberOfBytes":4}');
      });
    const refusals: Array<[Record<string, string>, number]> = [
      [{ origin: d.shell.origin, 'x-keywarden-token': 'wrong' }, 401],
      [{ origin: d.shell.origin }, 401],
      [{ origin: 'http://evil.example', 'x-keywarden-token': d.shell.token }, 403],
      [{ host: `evil.example:${d.shell.port}`, origin: d.shell.origin, 'x-keywarden-token': d.shell.token }, 421],
    ];
    for (const [headers, status] of refusals) {
      const r = await post(headers);
      assert.equal(r.status, status);
      const body = JSON.parse(r.body) as { ok: boolean; error: { code: string } };
      assert.equal(body.ok, false);
      assert.equal(body.error.code, 'Unauthorized');
    }
  });

  test("the renderer's client reports the shell's refusal as Unauthorized, not InternalError", async () => {
    const api = rendererClient(httpTransport('not-the-token', d.shell.origin, (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: d.shell.origin } })));
    await assert.rejects(api.getRandom({ numberOfBytes: 4 }), (e: unknown) => e instanceof ApiError && e.code === 'Unauthorized');
  });
});

describe('one contract client', () => {
  let d: Doors;
  before(async () => {
    d = await openDoors();
  });
  after(async () => {
    await d.cleanup();
  });

  test('await on the client, or returning it from an async function, does not call an operation', async () => {
    const clients = [d.kw.api({ actor: 'test' }), rendererClient(httpTransport(d.shell.token, d.shell.origin, (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: d.shell.origin } })))];
    for (const client of clients) {
      const awaited = await client;
      assert.equal(awaited, client);
      const returned = await (async () => client)();
      assert.equal(returned, client);
      assert.equal(Buffer.from((await returned.getRandom({ numberOfBytes: 12 })).random, 'base64').length, 12);
    }
  });

  test('failures throw the error type the caller chose, with the contract code', async () => {
    await assert.rejects(d.kw.api({ actor: 'test' }).describeKey({ cmkUuid: 'alias/none' }), (e: unknown) => e instanceof KwError && e.code === 'AliasNotFound');
    const own = createClient(async () => ({ ok: false, error: { code: 'KeyNotFound', message: 'gone' } }), (e) => new RangeError(e.code));
    await assert.rejects(own.describeKey({ cmkUuid: 'k' }), (e: unknown) => e instanceof RangeError && e.message === 'KeyNotFound');
  });

  test('symbol lookups (inspection, iteration) answer undefined', () => {
    const client = d.kw.api({ actor: 'test' }) as unknown as Record<symbol | string, unknown>;
    assert.equal(client[Symbol.iterator], undefined);
    assert.equal(client[Symbol.toPrimitive], undefined);
    assert.equal(client.then, undefined);
  });
});
