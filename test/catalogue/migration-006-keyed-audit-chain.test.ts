import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue, schemaVersion } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';
import { PassphraseProtector } from '../../core/vault/root-key.ts';
import { Keywarden } from '../../core/service/keywarden.ts';
import { ManualClock, systemRandom } from '../../core/ports/index.ts';
import { CATALOGUE_FILE } from '../../core/vault/vault.ts';
import { LOW_SCRYPT, TEST_PASSPHRASE } from '../helpers/temp-vault.ts';

/** A vault as release 005 left it: a passphrase wrapping and an unkeyed format-1 audit chain. */
async function legacyVault(dir: string, breakAt: number | null): Promise<number> {
  const v5 = MIGRATIONS.findIndex((m) => m.name === 'key-counts-index');
  const db = openCatalogue(join(dir, CATALOGUE_FILE), { migrations: MIGRATIONS.slice(0, v5 + 1) });
  const vaultId = randomUUID();
  const w = await new PassphraseProtector(TEST_PASSPHRASE, systemRandom, LOW_SCRYPT).wrap(randomBytes(32), vaultId);
  db.prepare("INSERT INTO vault_meta (name, value) VALUES ('vault_id', ?), ('created_at', '0')").run(vaultId);
  db.prepare('INSERT INTO root_key_wrappings (id, method, params, wrapped, created_at) VALUES (?, ?, ?, ?, 0)').run(randomUUID(), w.method, JSON.stringify(w.params), w.wrapped);
  // The format-1 chain, written here the way release 005 wrote it.
  let prev = Buffer.alloc(32);
  const ins = db.prepare('INSERT INTO audit_log (seq, at, event, actor, key_id, outcome, error_code, detail, prev_hash, hash) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?)');
  const n = 9;
  for (let seq = 1; seq <= n; seq++) {
    const detail = seq % 2 ? { alias: `alias/a${seq}` } : null;
    const at = Date.UTC(2026, 0, 1) + seq;
    const body = JSON.stringify([seq, at, 'createAlias', 'cli:old', null, 'success', null, detail]);
    const hash = createHash('sha256').update(prev).update(body).digest();
    ins.run(seq, at, 'createAlias', 'cli:old', 'success', detail ? JSON.stringify(detail) : null, prev, seq === breakAt ? randomBytes(32) : hash);
    prev = hash;
  }
  db.close();
  return n;
}

describe('migration 006: keyed audit chain', () => {
  test('applies on top of 005, and the first unlock re-keys the old chain from its first record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig6-'));
    try {
      const n = await legacyVault(dir, null);
      const db = openCatalogue(join(dir, CATALOGUE_FILE));
      assert.equal(schemaVersion(db), MIGRATIONS.at(-1)!.version, 'every migration from 006 on applied');
      assert.equal(db.prepare("SELECT value FROM vault_meta WHERE name = 'audit_rekey_pending'").pluck().get(), '1');
      // Until re-keyed, the append-only trigger still refuses deletes.
      assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 1').run(), /append-only/);
      db.close();

      const kw = await Keywarden.open({ vaultDir: dir, clock: new ManualClock(), scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0 });
      try {
        const api = kw.api({ actor: 'test' });
        // A call while locked: its record waits apart until the chain key is present.
        await api.getVaultStatus({});
        await assert.rejects(api.unlockVault({ passphrase: 'wrong' }), /passphrase/);
        assert.equal(kw.services.db.prepare('SELECT count(*) FROM audit_pending').pluck().get(), 2);
        await api.unlockVault({ passphrase: TEST_PASSPHRASE });
        const verdict = await api.verifyAuditChain({});
        assert.equal(verdict.ok, true);
        const events = await api.listAuditEvents({ sortOrder: 'asc', pageSize: 50 });
        assert.deepEqual(
          events.events.map((e) => `${e.seq}:${e.event}:${e.outcome}`).slice(n),
          [`${n + 1}:rekeyAuditChain:success`, `${n + 2}:getVaultStatus:success`, `${n + 3}:unlockVault:failure`, `${n + 4}:unlockVault:success`, `${n + 5}:verifyAuditChain:success`],
        );
        assert.deepEqual(events.events[n]!.detail, { records: n, legacyIntact: true, legacyBrokenAtSeq: null });
        assert.equal(events.events[n + 2]!.level, 'incident');
        assert.equal(kw.services.db.prepare('SELECT count(*) FROM audit_pending').pluck().get(), 0);
        assert.equal(kw.services.db.prepare("SELECT count(*) FROM vault_meta WHERE name = 'audit_rekey_pending'").pluck().get(), 0);
        // Re-keyed: updates are refused again, and a record from before the migration is now covered by the key.
        assert.throws(() => kw.services.db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 3").run(), /append-only/);
        kw.services.db.exec('DROP TRIGGER audit_no_update');
        kw.services.db.prepare("UPDATE audit_log SET detail = '{\"alias\": \"alias/a3\"}' WHERE seq = 3").run();
        const broken = await api.verifyAuditChain({});
        assert.deepEqual([broken.ok, broken.brokenAtSeq, broken.reason], [false, 3, 'recordAltered']);
      } finally {
        kw.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a break in the old chain is kept on the record by the re-keying', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig6-'));
    try {
      await legacyVault(dir, 4);
      const kw = await Keywarden.open({ vaultDir: dir, clock: new ManualClock(), scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0 });
      try {
        const api = kw.api({ actor: 'test' });
        await api.unlockVault({ passphrase: TEST_PASSPHRASE });
        const rekey = await api.listAuditEvents({ event: 'rekeyAuditChain' });
        assert.deepEqual(rekey.events[0]!.detail, { records: 9, legacyIntact: false, legacyBrokenAtSeq: 4 });
        assert.equal((await api.verifyAuditChain({})).ok, true);
      } finally {
        kw.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
