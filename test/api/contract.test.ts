import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { contract, OPERATION_NAMES } from '../../core/api/contract.ts';
import { ERROR_CODES } from '../../core/api/errors.ts';
import { render } from '../../scripts/gen-api-docs.ts';
import { tempVault } from '../helpers/temp-vault.ts';

describe('the contract', () => {
  test('docs/api.md is generated from the current contract', () => {
    const onDisk = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    assert.equal(onDisk, render(), 'docs/api.md is stale: run npm run docs:api');
  });

  test('every operation has an audit event, a summary and a strict request schema', () => {
    for (const name of OPERATION_NAMES) {
      const def = contract[name];
      assert.ok(def.event.length > 0 && def.summary.length > 0, name);
      const r = def.request.safeParse({ __unexpected: 1 });
      assert.equal(r.success, false, `${name} accepts unknown fields`);
    }
  });

  test('error codes are unique', () => {
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
  });

  test('the single door refuses unknown operations and malformed requests without throwing', async () => {
    const v = await tempVault();
    try {
      assert.deepEqual(await v.kw.call('dropTables', {}, { actor: 't' }), { ok: false, error: { code: 'UnknownOperation', message: "unknown operation 'dropTables'" } });
      assert.deepEqual(await v.kw.call('__proto__', {}, { actor: 't' }), { ok: false, error: { code: 'UnknownOperation', message: "unknown operation '__proto__'" } });
      const r = await v.kw.call('encrypt', 'not an object', { actor: 't' });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.code, 'InvalidParameter');
      const big = await v.kw.call('encrypt', { cmkUuid: 'alias/x', plaintext: 'A'.repeat(100_000) }, { actor: 't' });
      assert.equal(!big.ok && big.error.code, 'InvalidParameter');
    } finally {
      v.cleanup();
    }
  });
});
