/**
 * A Keywarden vault wired to a private SoftHSM2 (one per test file): the token module
 * and default token are passed to Keywarden.open, and the officer logs in through the
 * contract like any door would.
 */
import { execFileSync } from 'node:child_process';
import { SoftHsmFixture, USER_PIN } from '../pkcs11/softhsm.ts';
import { tempVault, type TempVault } from '../helpers/temp-vault.ts';

export { USER_PIN, SO_PIN } from '../pkcs11/softhsm.ts';

export interface HsmVault {
  fx: SoftHsmFixture;
  v: TempVault;
  label: string;
  serial: string;
  cleanup(): Promise<void>;
}

/** SoftHSM2 reads its token folder at C_Initialize, so every token a test needs is made up front. */
export async function hsmVault(name: string, opts: { login?: boolean; extraTokens?: string[]; setup?: (fx: SoftHsmFixture, label: string) => void } = {}): Promise<HsmVault> {
  const fx = new SoftHsmFixture(name);
  const label = `KW-${name}`.slice(0, 32);
  const serial = fx.initToken(label);
  for (const t of opts.extraTokens ?? []) fx.initToken(t);
  opts.setup?.(fx, label);
  const v = await tempVault({ tokenModulePath: fx.module, tokenLabel: label, tokenEnv: fx.env });
  if (opts.login !== false) await v.api.tokenLogin({ pin: USER_PIN });
  return {
    fx,
    v,
    label,
    serial,
    async cleanup() {
      await v.kw.tokens.close();
      v.cleanup();
      fx.cleanup();
    },
  };
}

/** Objects on the token as pkcs11-tool (OpenSC) lists them after a user login. */
export function listObjects(h: HsmVault, label = h.label): string {
  return h.fx.pkcs11Tool(['--token-label', label, '--login', '--pin', USER_PIN, '--list-objects']);
}

export const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
