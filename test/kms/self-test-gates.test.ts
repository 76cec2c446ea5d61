import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, b64 } from '../helpers/temp-vault.ts';
import { defaultSuite } from '../../core/crypto/suite.ts';
import type { CryptoSuite } from '../../core/crypto/types.ts';

/** A real suite with one part broken, the way a miscompiled or tampered build would be. */
function brokenSuite(patch: Partial<CryptoSuite>): CryptoSuite {
  const base = defaultSuite();
  return new Proxy(base, { get: (t, p) => (p in patch ? patch[p as keyof CryptoSuite] : Reflect.get(t, p)) }) as CryptoSuite;
}

describe('self-test gates', () => {
  test('a failing known-answer test blocks every crypto operation, and status says why', async () => {
    const base = defaultSuite();
    const v = await tempVault({ suite: brokenSuite({ digest: (alg, data) => { const d = base.digest(alg, data); d[0]! ^= 1; return d; } }) });
    try {
      const status = await v.api.getVaultStatus({});
      assert.equal(status.selfTest.ok, false);
      assert.ok(status.selfTest.failures.length > 0);
      await rejectsWith(v.api.getRandom({ numberOfBytes: 16 }), 'SelfTestFailed');
      await rejectsWith(v.api.messageDigest({ algorithm: 'SM3', message: b64('abc') }), 'SelfTestFailed');
    } finally {
      v.cleanup();
    }
  });

  test('a generated key pair that fails the pair-wise check is never stored', async () => {
    const base = defaultSuite();
    const other = base.generateKeyPair('EC_P256');
    const v = await tempVault({
      suite: brokenSuite({ generateKeyPair: (spec) => ({ ...base.generateKeyPair(spec), publicKey: spec === 'EC_P256' ? other.publicKey : base.generateKeyPair(spec).publicKey }) }),
    });
    try {
      await rejectsWith(v.api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY' }), 'SelfTestFailed');
      assert.equal((await v.api.listKeys({})).totalCount, 0);
      const rows = v.kw.services.db.prepare('SELECT count(*) AS n FROM key_versions').get() as { n: number };
      assert.equal(rows.n, 0);
    } finally {
      v.cleanup();
    }
  });
});
