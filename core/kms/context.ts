/** What every use case receives: the open vault, the ports, and the audit of the call in progress. */
import type { WritableDb } from '../catalogue/db.ts';
import type { AuditDetail, AuditLog } from '../audit/audit-log.ts';
import type { Clock, Random } from '../ports/index.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import type { Vault } from '../vault/vault.ts';
import type { KeyStores } from './keystore.ts';
import type { TokenKeyPort } from './token-keys.ts';

export interface Services {
  vault: Vault;
  db: WritableDb;
  clock: Clock;
  random: Random;
  suite: CryptoSuite;
  audit: AuditLog;
  keystores: KeyStores;
  /** Token key objects for BYOK preparation and certificates (UnsupportedOperation while no token module is configured). */
  tokenKeys?: TokenKeyPort;
}

export interface CallContext extends Services {
  readonly actor: string;
  readonly event: string;
  /** The officer the call runs as (creator of what it makes); null before a registry exists. */
  readonly officerId: string | null;
  /** The key the call is about; named in its audit record. */
  keyId: string | null;
  detail: AuditDetail | null;
  /** Runs fn in one transaction together with this call's success audit record. */
  write<T>(fn: () => T): T;
}
