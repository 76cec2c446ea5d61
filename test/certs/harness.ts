/** A temp vault with the clock at the real time (openssl dates its certificates now), plus row counts. */
import assert from 'node:assert/strict';
import { tempVault, type TempVault } from '../helpers/temp-vault.ts';
import { ManualClock } from '../../core/ports/index.ts';
import { OpensslDir } from '../x509/openssl.ts';

export { OpensslDir, SM2_ID } from '../x509/openssl.ts';
export { rejectsWith, b64 } from '../helpers/temp-vault.ts';

export interface CertVault extends TempVault {
  ssl: OpensslDir;
  done(): void;
}

/** Real time plus an offset the test moves: openssl stamps its certificates with the real time. */
class OffsetClock extends ManualClock {
  private offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
  override set(t: number): void {
    this.offset = t - Date.now();
  }
}

export async function certVault(): Promise<CertVault> {
  const v = await tempVault({ clock: new OffsetClock() });
  const ssl = new OpensslDir();
  return Object.assign(v, {
    ssl,
    done() {
      v.cleanup();
      ssl.cleanup();
    },
  });
}

/** Everything a certificate operation could change, to prove a refused call changed nothing. */
export function snapshot(v: TempVault): string {
  const db = v.kw.services.db;
  const rows = db.prepare('SELECT id, status, certificate, sealed_private_key, chain_report, updated_at FROM certificates ORDER BY id').all();
  const chain = db.prepare('SELECT certificate_id, position, der FROM certificate_chain ORDER BY certificate_id, position').all();
  return JSON.stringify({ rows, chain }, (_k, val) => (val && val.type === 'Buffer' ? Buffer.from(val.data).toString('hex') : val));
}

export async function unchanged(v: TempVault, fn: () => Promise<void>): Promise<void> {
  const before = snapshot(v);
  await fn();
  assert.equal(snapshot(v), before, 'a refused call changed the catalogue');
}

export const KEY_TYPES = [
  { spec: 'RSA_2048', ssl: 'rsa:2048' },
  { spec: 'EC_P256', ssl: 'ec' },
  { spec: 'SM2', ssl: 'sm2' },
] as const;
