/**
 * Randomized tampering of a real vault's audit log, as an attacker who can write
 * keywarden.db would do it (triggers dropped first): every trial must be detected at
 * the first record that is not what the vault wrote. Each trial runs on an in-memory
 * copy of the catalogue, so ten thousand of them take seconds.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { tempVault, b64 } from '../helpers/temp-vault.ts';
import { prng } from '../helpers/prng.ts';
import { verifyStoredChain } from '../../core/audit/verify.ts';
import { Checkpointer } from '../../core/audit/checkpoints.ts';
import { GENESIS, link, recordDigest, columnsOf, type AuditKeys } from '../../core/audit/chain.ts';
import { systemRandom, ManualClock } from '../../core/ports/index.ts';
import type { WritableDb } from '../../core/catalogue/db.ts';

const TRIALS = Number(process.env.KW_AUDIT_TRIALS ?? 10_200);

interface Row {
  seq: number;
  at: number;
  event: string;
  actor: string;
  key_id: string | null;
  outcome: string;
  error_code: string | null;
  detail: string | null;
  prev_hash: Buffer;
  hash: Buffer;
  mac: Buffer | null;
}

/** What an attacker without the key can compute: the public chain. */
function rechainFrom(db: Database.Database, fromSeq: number): void {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
  let prev = GENESIS;
  const upd = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const r of rows) {
    const hash = link(prev, recordDigest(columnsOf(r.seq, r.at, { event: r.event, actor: r.actor, keyId: r.key_id, outcome: r.outcome, errorCode: r.error_code, detailText: r.detail })));
    if (r.seq >= fromSeq) upd.run(prev, hash, r.seq);
    prev = r.seq >= fromSeq ? hash : r.hash;
  }
}

/** Moves records seq >= from by delta (through a negative detour so the primary key never collides). */
function renumber(db: Database.Database, from: number, delta: number): void {
  db.prepare('UPDATE audit_log SET seq = -seq WHERE seq >= ?').run(from);
  db.prepare('UPDATE audit_log SET seq = -seq + ? WHERE seq < 0').run(delta);
}

type Tamper = (db: Database.Database, n: number, pick: (lo: number, hi: number) => number) => number;

const withDetail = (db: Database.Database, n: number, pick: (lo: number, hi: number) => number): number => {
  const seqs = (db.prepare("SELECT seq FROM audit_log WHERE detail LIKE '{%:%}'").pluck().all() as number[]);
  return seqs[pick(0, seqs.length - 1)] ?? n;
};

const KINDS: Record<string, Tamper> = {
  editField(db, n, pick) {
    const seq = pick(1, n);
    const r = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as Row;
    const edits: Array<[string, unknown]> = [
      ['event', r.event + 'x'],
      ['actor', 'mallory'],
      ['key_id', r.key_id === null ? 'k' : null],
      ['outcome', r.outcome === 'success' ? 'failure' : 'success'],
      ['error_code', r.error_code === null ? 'InternalError' : null],
      ['at', r.at + pick(1, 1000)],
      ['detail', r.detail === null ? '{}' : null],
    ];
    const [col, value] = edits[pick(0, edits.length - 1)]!;
    db.prepare(`UPDATE audit_log SET ${col} = ? WHERE seq = ?`).run(value, seq);
    return seq;
  },
  detailWhitespaceOrDuplicateKey(db, n, pick) {
    const seq = withDetail(db, n, pick);
    const d = db.prepare('SELECT detail FROM audit_log WHERE seq = ?').pluck().get(seq) as string;
    const edits = [d.replace(':', ': '), `${d} `, ` ${d}`, d.replace('{', '{\n'), d.replace(/^\{("[^"]+":[^,}]+)/, '{$1,$1')];
    const e = edits.filter((x) => x !== d);
    db.prepare('UPDATE audit_log SET detail = ? WHERE seq = ?').run(e[pick(0, e.length - 1)], seq);
    return seq;
  },
  nonJsonDetail(db, n, pick) {
    const seq = pick(1, n);
    db.prepare('UPDATE audit_log SET detail = ? WHERE seq = ?').run(['not json{', '{"a":', '\u0000', 'null '][pick(0, 3)], seq);
    return seq;
  },
  delete(db, n, pick) {
    const seq = pick(1, n);
    db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
    return seq;
  },
  deleteRenumberRehash(db, n, pick) {
    const seq = pick(1, n - 1);
    db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
    renumber(db, seq + 1, -1);
    rechainFrom(db, seq);
    return seq;
  },
  reorder(db, n, pick) {
    const i = pick(1, n - 1);
    const j = pick(i + 1, n);
    renumber(db, j, 1000);
    db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(j, i);
    db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(i, j + 1000);
    renumber(db, j + 1001, -1000);
    if (pick(0, 1)) rechainFrom(db, i);
    return i;
  },
  insert(db, n, pick) {
    const seq = pick(1, n);
    renumber(db, seq, 1);
    db.prepare("INSERT INTO audit_log (seq, at, event, actor, key_id, outcome, error_code, detail, prev_hash, hash, mac) VALUES (?, 0, 'createKey', 'mallory', NULL, 'success', NULL, NULL, ?, ?, ?)").run(seq, GENESIS, GENESIS, randomBytes(32));
    rechainFrom(db, seq);
    return seq;
  },
  forgedAppend(db, n, pick) {
    const last = db.prepare('SELECT mac FROM audit_log WHERE seq = ?').get(pick(1, n)) as { mac: Buffer };
    db.prepare("INSERT INTO audit_log (seq, at, event, actor, key_id, outcome, error_code, detail, prev_hash, hash, mac) VALUES (?, 1, 'decrypt', 'mallory', NULL, 'success', NULL, NULL, ?, ?, ?)").run(n + 1, GENESIS, GENESIS, pick(0, 1) ? last.mac : randomBytes(32));
    rechainFrom(db, n + 1);
    return n + 1;
  },
  rehashLast(db, n) {
    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?").run(n);
    rechainFrom(db, n);
    return n;
  },
  fullRechain(db, n, pick) {
    const seq = pick(1, n);
    db.prepare("UPDATE audit_log SET outcome = CASE outcome WHEN 'success' THEN 'failure' ELSE 'success' END WHERE seq = ?").run(seq);
    rechainFrom(db, 1);
    return seq;
  },
  truncateTail(db, n, pick) {
    const from = pick(1, n);
    db.prepare('DELETE FROM audit_log WHERE seq >= ?').run(from);
    return from;
  },
};

describe('audit chain: randomized tampering', () => {
  test(`${TRIALS} trials of every kind, each detected at the right sequence number`, async () => {
    const v = await tempVault({ audit: { checkpointEvery: 1_000_000 } });
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/trials' });
      // The clock moves between calls so no two records are alike (a swap then always changes something).
      const tick = () => v.clock.advance(7);
      for (let i = 0; i < 12; i++) {
        tick();
        await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64(`m${i}`), encryptionContext: { n: String(i) } });
        tick();
        await v.api.describeKey({ cmkUuid: 'alias/nope' }).catch(() => undefined);
        tick();
        if (i % 3 === 0) await v.api.createAlias({ cmkUuid: k.cmkUuid, alias: `alias/trial-${i}` });
      }
      // An old head, sealed at this point, which an attacker who copied the file may put back later.
      v.kw.services.audit.flush();
      const early = v.kw.services.db.prepare("SELECT value FROM vault_meta WHERE name = 'audit_head'").pluck().get() as string;
      const earlySeq = (JSON.parse(early) as { seq: number }).seq;
      for (let i = 0; i < 10; i++) {
        tick();
        await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64(`late${i}`) });
      }
      const cp = await v.api.createAuditCheckpoint({});
      const keys0 = v.kw.services.vault.auditKeys()!;
      const keys: AuditKeys = { vaultId: keys0.vaultId, mac: Buffer.from(keys0.mac), seal: Buffer.from(keys0.seal) };
      v.kw.services.audit.flush();
      const full = v.kw.services.db.serialize();
      // The file is in WAL mode (header bytes 18-19 = 2); an in-memory copy must say rollback journal.
      full[18] = 1;
      full[19] = 1;
      // What the check reads (audit tables and vault_meta), triggers dropped as an attacker would: a small image to copy per trial.
      const template = new Database(full);
      template.pragma('foreign_keys = OFF');
      for (const name of template.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_log', 'audit_checkpoints', 'vault_meta') AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]) template.exec(`DROP TABLE "${name}"`);
      template.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_checkpoints_no_delete; VACUUM');
      const image = template.serialize();
      template.close();
      const open = () => new Database(image);
      const verify = (db: Database.Database, checkpoint?: unknown) => verifyStoredChain(db as WritableDb, keys, new Checkpointer(db as WritableDb, new ManualClock(), systemRandom), checkpoint);

      const clean = open();
      const n = clean.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number;
      assert.deepEqual(verify(clean), { ok: true, records: n, brokenAtSeq: null, reason: null, headSeq: n, checkpointsVerified: 1, latestCheckpointSeq: cp.checkpoint.seq });
      clean.close();

      const rnd = prng(20261204);
      const pick = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
      const kinds = [...Object.entries(KINDS), ['truncateBehindCheckpoint', null] as const];
      const detected = new Map<string, number>();
      const misses: string[] = [];
      for (let t = 0; t < TRIALS; t++) {
        const [kind, tamper] = kinds[t % kinds.length]!;
        const db = open();
        let expected: number;
        let verdict;
        if (tamper) {
          expected = tamper(db, n, pick);
          verdict = verify(db);
        } else {
          // The tail cut back to a head sealed earlier (restored from an old copy of the file),
          // stored checkpoints removed: only the checkpoint file the auditor took away shows it.
          db.prepare('DELETE FROM audit_log WHERE seq > ?').run(earlySeq);
          db.prepare('DELETE FROM audit_checkpoints').run();
          db.prepare("UPDATE vault_meta SET value = ? WHERE name = 'audit_head'").run(early);
          assert.equal(verify(db).ok, true, 'without a checkpoint the rolled-back head cannot be told apart');
          expected = earlySeq + 1;
          verdict = verify(db, cp.checkpoint);
        }
        db.close();
        if (!verdict.ok && verdict.brokenAtSeq === expected) detected.set(kind, (detected.get(kind) ?? 0) + 1);
        else if (misses.length < 10) misses.push(`${kind}: expected ${expected}, got ${JSON.stringify(verdict)}`);
      }
      const total = [...detected.values()].reduce((a, b) => a + b, 0);
      console.log(`audit tampering: ${total}/${TRIALS} trials detected at the right sequence number (${kinds.length} kinds, chain of ${n} records): ${[...detected].map(([k, c]) => `${k} ${c}`).join(', ')}`);
      assert.deepEqual(misses, []);
      assert.equal(total, TRIALS);
    } finally {
      v.cleanup();
    }
  });
});
