/** The vault session as the renderer sees it: status, and the init/unlock/lock actions. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KeywardenApi } from '../../core/api/contract.ts';
import type { VaultStatus } from '../../core/api/ops/vault.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import { errorData } from '../api/client.ts';

export interface SessionState {
  status: VaultStatus | null;
  busy: boolean;
  error: ErrorData | null;
  /** Set when the idle timer locked the vault, so the unlock screen can say why. */
  lockedByIdle: boolean;
  refresh(): Promise<void>;
  initVault(passphrase: string): Promise<boolean>;
  unlock(passphrase: string): Promise<boolean>;
  /** UKey unlock: log in to the token and unwrap the root key with its key. */
  unlockWithToken(pin: string, tokenLabel?: string): Promise<boolean>;
  lock(reason?: 'idle' | 'user'): Promise<void>;
  clearError(): void;
}

export function createSessionStore(api: KeywardenApi): StoreApi<SessionState> {
  return createStore<SessionState>()((set) => {
    async function run(fn: () => Promise<VaultStatus>, extra: Partial<SessionState> = {}): Promise<boolean> {
      set({ busy: true, error: null });
      try {
        const status = await fn();
        set({ status, busy: false, ...extra });
        return true;
      } catch (e) {
        set({ busy: false, error: errorData(e) });
        return false;
      }
    }
    return {
      status: null,
      busy: false,
      error: null,
      lockedByIdle: false,
      refresh: async () => void (await run(() => api.getVaultStatus({}))),
      initVault: (passphrase) => run(() => api.initVault({ passphrase }), { lockedByIdle: false }),
      unlock: (passphrase) => run(() => api.unlockVault({ passphrase }), { lockedByIdle: false }),
      unlockWithToken: (pin, tokenLabel) =>
        run(async () => {
          await api.unlockVaultWithToken(tokenLabel ? { pin, tokenLabel } : { pin });
          return api.getVaultStatus({});
        }, { lockedByIdle: false }),
      lock: async (reason = 'user') => void (await run(() => api.lockVault({}), { lockedByIdle: reason === 'idle' })),
      clearError: () => set({ error: null }),
    };
  });
}

/** A rough entropy estimate for the strength meter: character classes times length. */
export function passphraseStrength(p: string): { bits: number; level: 'empty' | 'weak' | 'fair' | 'good' | 'strong' } {
  if (p.length === 0) return { bits: 0, level: 'empty' };
  let pool = 0;
  if (/[a-z]/.test(p)) pool += 26;
  if (/[A-Z]/.test(p)) pool += 26;
  if (/[0-9]/.test(p)) pool += 10;
  if (/[^A-Za-z0-9\u0080-\uffff]/.test(p)) pool += 33;
  if (/[\u0080-\uffff]/.test(p)) pool += 2000;
  // Repeated characters add little: count distinct runs rather than raw length.
  const effective = p.replace(/(.)\1+/g, '$1').length + (p.length - p.replace(/(.)\1+/g, '$1').length) / 4;
  const bits = Math.round(effective * Math.log2(Math.max(pool, 2)));
  const level = bits < 40 ? 'weak' : bits < 60 ? 'fair' : bits < 80 ? 'good' : 'strong';
  return { bits, level };
}
