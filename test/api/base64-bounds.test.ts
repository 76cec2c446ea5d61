/**
 * Every base64 field of the contract, found by walking the contract, at 0 and 1 bytes, at
 * its limit, one byte over and at 50 MiB: refused with InvalidParameter naming the field
 * when over, never InternalError or a thrown stack overflow, through the service's one door
 * and the IPC boundary check. (The shell and CLI doors: test/ui/shell-bounds, test/cli.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contract } from '../../core/api/contract.ts';
import { base64DecodedLength } from '../../core/api/caller-input.ts';
import { APP_ORIGIN, checkIpcCall } from '../../electron/ipc.ts';
import { base64Fields } from '../helpers/contract-fields.ts';
import { b64, tempVault, type TempVault } from '../helpers/temp-vault.ts';
import { prng } from '../helpers/prng.ts';

const FIFTY_MIB = 'A'.repeat(50 * 1024 * 1024);
const sizes = (limit: number, min = 0) => [
  // A field with a lower bound (encrypt's plaintext: 1-6144 bytes) refuses the empty value.
  { label: '0 bytes', text: '', over: min > 0 },
  { label: '1 byte', text: 'AA==', over: false },
  { label: 'the limit', text: b64(Buffer.alloc(limit, 7)), over: false },
  { label: 'limit + 1', text: b64(Buffer.alloc(limit + 1, 7)), over: true },
  { label: '50 MiB', text: FIFTY_MIB, over: true },
];
const ipcSender = { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true };

describe('base64 fields are bounded on every door', () => {
  let v: TempVault;
  before(async () => {
    v = await tempVault();
  });
  after(() => v.cleanup());
  const fields = base64Fields();

  test('the walk finds the base64 fields, each with a limit', () => {
    assert.ok(fields.length >= 25, `found ${fields.length}`);
    for (const f of fields) assert.ok(Number.isInteger(f.maxDecodedBytes) && f.maxDecodedBytes > 0, `${f.op}.${f.field}`);
  });

  test('the schema refuses exactly the oversized values, naming the field', () => {
    for (const f of fields) {
      for (const s of sizes(f.maxDecodedBytes, f.minDecodedBytes)) {
        const r = contract[f.op].request.safeParse({ [f.field]: s.text });
        const issue = r.success ? undefined : r.error.issues.find((i) => i.path[0] === f.field);
        assert.equal(issue !== undefined, s.over, `${f.op}.${f.field} at ${s.label}: ${issue?.message}`);
        if (issue) assert.match(issue.message, s.text === '' ? /at least/ : /exceeds/);
      }
    }
  });

  test('the service door and the IPC check answer a typed refusal, never InternalError', async () => {
    for (const f of fields) {
      for (const s of sizes(f.maxDecodedBytes, f.minDecodedBytes)) {
        const r = await v.kw.call(f.op, { [f.field]: s.text }, { actor: 'test' });
        if (!r.ok) assert.notEqual(r.error.code, 'InternalError', `${f.op}.${f.field} at ${s.label}`);
        if (s.over) assert.ok(!r.ok && ['InvalidParameter', 'MissingParameter'].includes(r.error.code), `${f.op}.${f.field} at ${s.label}`);
        const ipc = checkIpcCall(`kw:${f.op}`, ipcSender, { [f.field]: s.text });
        if (s.over) assert.ok(!ipc.ok && ipc.error.code !== 'InternalError', `IPC ${f.op}.${f.field} at ${s.label}`);
      }
    }
  });

  test('4 MiB messageDigest and hmacCompute messages, as documented, work; one byte more is refused by field', async () => {
    const limit = 4 * 1024 * 1024;
    const atLimit = b64(Buffer.alloc(limit, 1));
    const over = b64(Buffer.alloc(limit + 1, 1));
    const digest = await v.kw.call('messageDigest', { algorithm: 'SM3', message: atLimit }, { actor: 'test' });
    assert.ok(digest.ok, JSON.stringify(digest));
    const mac = (await v.api.createKey({ keySpec: 'HMAC_SHA256', keyUsage: 'GENERATE_VERIFY_MAC' })).keyMetadata.cmkUuid;
    const hmac = await v.kw.call('hmacCompute', { cmkUuid: mac, message: atLimit }, { actor: 'test' });
    assert.ok(hmac.ok, JSON.stringify(hmac));
    for (const [op, req] of [
      ['messageDigest', { algorithm: 'SM3', message: over }],
      ['hmacCompute', { cmkUuid: mac, message: over }],
      ['messageDigest', { algorithm: 'SM3', message: FIFTY_MIB }],
      ['hmacCompute', { cmkUuid: mac, message: FIFTY_MIB }],
    ] as const) {
      const r = await v.kw.call(op, req, { actor: 'test' });
      assert.deepEqual(r.ok ? null : [r.error.code, r.error.details?.field], ['InvalidParameter', 'message'], op);
      const ipc = checkIpcCall(`kw:${op}`, ipcSender, req);
      assert.deepEqual(ipc.ok ? null : [ipc.error.code, ipc.error.details?.field], ['InvalidParameter', 'message'], `IPC ${op}`);
    }
    assert.ok(checkIpcCall('kw:messageDigest', ipcSender, { algorithm: 'SM3', message: atLimit }).ok);
  });

  test('the linear scan agrees with the padded-base64 grammar on random and mutated text', () => {
    const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const next = prng(8);
    const int = (n: number) => Math.floor(next() * n);
    const alphabet = 'ABCxyz019+/=-_ \n.';
    for (let i = 0; i < 20_000; i++) {
      const valid = b64(Buffer.from(Array.from({ length: i % 40 }, () => int(256))));
      const chars = [...valid];
      if (i % 2 === 1 && chars.length > 0) chars[int(chars.length)] = alphabet[int(alphabet.length)] as string;
      const s = chars.join('');
      const n = base64DecodedLength(s);
      assert.equal(n >= 0, grammar.test(s), JSON.stringify(s));
      if (n >= 0) assert.equal(n, Buffer.from(s, 'base64').length, s);
    }
  });
});
