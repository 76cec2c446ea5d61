/**
 * Encryption context binds a ciphertext to exactly the pairs it was made with: a blob made
 * under context A opens under A (in any key order) and under nothing else, and keys that
 * would reach JavaScript's prototype machinery are refused before anything is sealed.
 * Property tests over keys and values; the run count grows under `npm run soak`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contract } from '../../core/api/contract.ts';
import { RESERVED_RECORD_KEYS } from '../../core/api/caller-input.ts';
import { callerKeyedFields } from '../helpers/contract-fields.ts';
import { b64, tempVault, type TempVault } from '../helpers/temp-vault.ts';
import { trials } from '../helpers/soak.ts';

type Ctx = Record<string, string>;
const RESERVED = [...RESERVED_RECORD_KEYS];

/** Keys that look like Object.prototype members or are otherwise awkward, plus arbitrary text. */
const key = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...RESERVED, 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '', ' ', '0', 'a.b', '键') },
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
);
const value = fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('', 'tenantA', 'tenantB', '__proto__'));
/** Entries → object with own data properties (Object.fromEntries keeps `__proto__` as an own key, as JSON.parse does). */
const context = fc.uniqueArray(fc.tuple(key, value), { maxLength: 5, selector: ([k]) => k }).map((es) => Object.fromEntries(es) as Ctx);

const canonical = (c: Ctx | undefined) => JSON.stringify(Object.keys(c ?? {}).sort().map((k) => [k, (c as Ctx)[k]]));
const hasReserved = (c: Ctx) => Object.keys(c).some((k) => RESERVED_RECORD_KEYS.has(k));
/** As a caller on another door would send it: through JSON. */
const overJson = (c: Ctx) => JSON.parse(JSON.stringify(c)) as Ctx;

describe('encryption context', () => {
  let v: TempVault;
  let keyId: string;
  before(async () => {
    v = await tempVault();
    keyId = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
  });
  after(() => v.cleanup());

  test('a context naming __proto__, constructor or prototype is refused by every operation that takes one', async () => {
    const fields = callerKeyedFields();
    assert.ok(fields.length >= 8, 'the walk found the context fields');
    for (const { op, field } of fields) {
      for (const k of RESERVED) {
        const parsed = contract[op].request.safeParse(JSON.parse(`{"${field}":{"${k}":"tenantA","ok":"1"}}`));
        assert.equal(parsed.success, false);
        const issue = parsed.error?.issues.find((i) => i.path[0] === field);
        assert.deepEqual(issue?.path, [field, k], `${op}.${field} let ${k} through`);
      }
    }
    for (const k of RESERVED) {
      const blob = (await v.api.encrypt({ cmkUuid: keyId, plaintext: b64('x') })).ciphertextBlob;
      const dec = await v.kw.call('decrypt', JSON.parse(`{"ciphertextBlob":"${blob}","encryptionContext":{"${k}":"tenantA"}}`), { actor: 'test' });
      assert.deepEqual(dec.ok ? null : [dec.error.code, dec.error.details?.field], ['InvalidParameter', `encryptionContext.${k}`]);
    }
    // The reported case: a blob made under {"__proto__": ...} must never exist.
    const r = await v.kw.call('encrypt', JSON.parse(`{"cmkUuid":"${keyId}","plaintext":"${b64('x')}","encryptionContext":{"__proto__":"tenantA"}}`), { actor: 'test' });
    assert.deepEqual(r.ok ? null : [r.error.code, r.error.details?.field], ['InvalidParameter', 'encryptionContext.__proto__']);
  });

  test('encrypt under A, decrypt only under exactly A (property)', async () => {
    let sealed = 0;
    let refusedReserved = 0;
    await fc.assert(
      fc.asyncProperty(context, context, fc.uint8Array({ minLength: 1, maxLength: 64 }), async (a, b, plaintext) => {
        const enc = await v.kw.call('encrypt', { cmkUuid: keyId, plaintext: b64(plaintext), encryptionContext: overJson(a) }, { actor: 'test' });
        if (hasReserved(a)) {
          assert.equal(enc.ok, false);
          if (!enc.ok) assert.equal(enc.error.code, 'InvalidParameter');
          refusedReserved++;
          return;
        }
        assert.ok(enc.ok, JSON.stringify(enc));
        sealed++;
        const blob = (enc.value as { ciphertextBlob: string }).ciphertextBlob;
        const reversed = Object.fromEntries(Object.entries(a).reverse());
        const same = await v.kw.call('decrypt', { ciphertextBlob: blob, encryptionContext: overJson(reversed) }, { actor: 'test' });
        assert.ok(same.ok && (same.value as { plaintext: string }).plaintext === b64(plaintext), 'decrypts under the same context');
        for (const other of [b, undefined, { ...a, extra: 'x' }]) {
          if (other !== undefined && hasReserved(other)) continue;
          const sameSet = canonical(other) === canonical(a);
          const r = await v.kw.call('decrypt', { ciphertextBlob: blob, ...(other ? { encryptionContext: overJson(other) } : {}) }, { actor: 'test' });
          assert.equal(r.ok, sameSet, `context ${canonical(a)} vs ${canonical(other)}`);
          if (!r.ok) assert.ok(['InvalidCiphertext', 'InvalidEncryptionContext'].includes(r.error.code), r.error.code);
        }
      }),
      { numRuns: trials(200, 5000) },
    );
    assert.ok(sealed > 0 && refusedReserved > 0, `both branches ran (sealed ${sealed}, refused ${refusedReserved})`);
  });

  test('the parsed context has no prototype and at most 8 KiB is accepted', async () => {
    const parsed = contract.encrypt.request.parse({ cmkUuid: keyId, plaintext: b64('x'), encryptionContext: { a: '1' } });
    assert.equal(Object.getPrototypeOf(parsed.encryptionContext), null);
    const big = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
    const r = await v.kw.call('encrypt', { cmkUuid: keyId, plaintext: b64('x'), encryptionContext: big }, { actor: 'test' });
    assert.equal(!r.ok && r.error.code, 'InvalidParameter');
  });
});
