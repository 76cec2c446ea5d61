/**
 * Officer sessions: a random token the caller keeps, its SHA-256 in the catalogue (so a
 * `kw login` in one process serves the next `kw` command), an idle timeout and an
 * absolute lifetime. Resolving a token is on the path of every call, so live sessions
 * are cached and `last_seen_at` is written back only when it has moved by a quarter of
 * the idle timeout.
 */
import { createHash } from 'node:crypto';
import { KwError } from '../api/errors.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import type { Random } from '../ports/index.ts';

export interface SessionRow {
  token_hash: Buffer;
  officer_id: string;
  credential_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ended_at: number | null;
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function createSession(db: WritableDb, random: Random, officerId: string, credentialId: string, now: number, lifetimeMs: number): { token: string; row: SessionRow } {
  const token = `kws_${random.bytes(32).toString('base64url')}`;
  const row: SessionRow = { token_hash: tokenHash(token), officer_id: officerId, credential_id: credentialId, created_at: now, last_seen_at: now, expires_at: now + lifetimeMs, ended_at: null };
  db.prepare('INSERT INTO officer_sessions (token_hash, officer_id, credential_id, created_at, last_seen_at, expires_at, ended_at) VALUES (@token_hash, @officer_id, @credential_id, @created_at, @last_seen_at, @expires_at, @ended_at)').run(row);
  return { token, row };
}

export function endSession(db: WritableDb, token: string, now: number): boolean {
  return db.prepare('UPDATE officer_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL').run(now, tokenHash(token)).changes > 0;
}

export function endSessionsOf(db: WritableDb, officerId: string, now: number): void {
  db.prepare('UPDATE officer_sessions SET ended_at = ? WHERE officer_id = ? AND ended_at IS NULL').run(now, officerId);
}

export function loadSession(db: ReadableDb, token: string): SessionRow | null {
  return (db.prepare('SELECT * FROM officer_sessions WHERE token_hash = ?').get(tokenHash(token)) as SessionRow | undefined) ?? null;
}

/** Throws SessionExpired when the session ended, idled out or outlived its lifetime. */
export function requireLive(row: SessionRow | null, now: number, idleMs: number): SessionRow {
  if (!row || row.ended_at !== null) throw new KwError('SessionExpired', 'the officer session has ended; sign in again');
  if (now >= row.expires_at) throw new KwError('SessionExpired', 'the officer session reached its lifetime; sign in again');
  if (now - row.last_seen_at >= idleMs) throw new KwError('SessionExpired', 'the officer session was idle too long; sign in again');
  return row;
}

export function touchSession(db: WritableDb, row: SessionRow, now: number): void {
  db.prepare('UPDATE officer_sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, row.token_hash);
}
