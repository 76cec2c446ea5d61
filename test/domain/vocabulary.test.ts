/**
 * One vocabulary: the contract's enums, the crypto port's names, the bridge's and the
 * BYOK profiles' names are the rows of core/domain/vocabulary.ts, and the deletion
 * window follows LIMITS.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as s from '../../core/api/schemas.ts';
import { contract } from '../../core/api/contract.ts';
import { KEY_PAIR_SPECS, KEY_SPECS, KEY_SPEC_TABLE, SIGN_ALGORITHMS, ENCRYPTION_ALGORITHMS, DATA_KEY_SPECS, BYOK_KEY_SPECS, TOKEN_SIGN_ALGORITHMS, namesWith } from '../../core/domain/vocabulary.ts';
import { SPEC_CAPABILITIES } from '../../core/domain/key-specs.ts';
import { LIMITS } from '../../core/domain/limits.ts';
import { KEY_SPECS as BRIDGE_KEY_SPECS } from '../../core/pkcs11/protocol.ts';

describe('vocabulary', () => {
  test('the contract enums are the vocabulary rows', () => {
    assert.deepEqual(s.keySpec.options, [...KEY_SPECS]);
    assert.deepEqual(s.signAlgorithm.options, ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256', 'ECDSA_SHA_256', 'SM2DSA']);
    assert.deepEqual(s.asymEncryptAlgorithm.options, ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'SM2PKE']);
    assert.deepEqual(s.dataKeySpec.options, ['AES_256', 'AES_128', 'SM4']);
    assert.deepEqual([...SIGN_ALGORITHMS], s.signAlgorithm.options);
    assert.deepEqual([...ENCRYPTION_ALGORITHMS], s.asymEncryptAlgorithm.options);
    assert.deepEqual([...DATA_KEY_SPECS], s.dataKeySpec.options);
  });

  test('the derived subsets', () => {
    assert.deepEqual([...KEY_SPECS], ['AES_256', 'SM4', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256', 'SM2', 'HMAC_SM3', 'HMAC_SHA256']);
    assert.deepEqual([...BRIDGE_KEY_SPECS], ['AES_256', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256']);
    assert.deepEqual([...TOKEN_SIGN_ALGORITHMS], ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256', 'ECDSA_SHA_256']);
    assert.deepEqual([...BYOK_KEY_SPECS], ['AES_256', 'SM4', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256', 'SM2']);
    assert.throws(() => namesWith({ A: { x: true } }, 'x', false), /no row has x = false/);
  });

  test('capabilities agree with the table', () => {
    for (const spec of KEY_SPECS) {
      const caps = SPEC_CAPABILITIES[spec];
      assert.equal(caps.family === 'asymmetric', (KEY_PAIR_SPECS as readonly string[]).includes(spec), spec);
      assert.equal(caps.importable, KEY_SPEC_TABLE[spec].byok, spec);
      for (const a of caps.signAlgorithms) assert.ok(SIGN_ALGORITHMS.includes(a), `${spec} ${a}`);
    }
  });

  test('the deletion window follows LIMITS', () => {
    const req = contract.scheduleKeyDeletion.request;
    const parse = (days?: number) => req.safeParse(days === undefined ? { cmkUuid: 'alias/x' } : { cmkUuid: 'alias/x', pendingWindowInDays: days });
    assert.equal(parse(LIMITS.pendingWindowMinDays - 1).success, false);
    assert.equal(parse(LIMITS.pendingWindowMinDays).success, true);
    assert.equal(parse(LIMITS.pendingWindowMaxDays).success, true);
    assert.equal(parse(LIMITS.pendingWindowMaxDays + 1).success, false);
    const d = parse();
    assert.ok(d.success);
    assert.equal((d.data as { pendingWindowInDays: number }).pendingWindowInDays, LIMITS.pendingWindowDefaultDays);
  });
});
