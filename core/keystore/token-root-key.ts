/**
 * The vault root key held by a token: a non-extractable AES-256 key generated on the
 * UKey wraps the root key with AES-GCM (the vault id in the associated data). The
 * catalogue keeps the wrapping and, as parameters, the token's label and serial and
 * the key's CKA_ID — nothing that unwraps without the token and its PIN. Losing the
 * token loses this way in; the passphrase wrapping (or backup shares) is the way back.
 */
import { KwError } from '../api/errors.ts';
import { wrappingAad, type RootKeyProtector, type RootKeyWrapping } from '../vault/root-key.ts';
import type { TokenSessions } from './token-sessions.ts';

export function rootKeyObjectLabel(vaultId: string): string {
  return `keywarden:root-key:${vaultId}`;
}

export interface TokenWrappingParams {
  tokenLabel: string;
  tokenSerial: string;
  keyIdHex: string;
  aead: 'AES-256-GCM';
}

function paramsOf(w: RootKeyWrapping): TokenWrappingParams {
  const p = w.params as Partial<TokenWrappingParams>;
  if (typeof p.tokenLabel !== 'string' || typeof p.tokenSerial !== 'string' || typeof p.keyIdHex !== 'string' || p.aead !== 'AES-256-GCM') {
    throw new KwError('VaultCorrupt', 'token wrapping has unknown parameters');
  }
  return p as TokenWrappingParams;
}

export class TokenRootKeyProtector implements RootKeyProtector {
  readonly method = 'token' as const;
  /** Filled by wrap(): what the new wrapping names, for the caller's response. */
  made: TokenWrappingParams | null = null;

  constructor(
    private readonly sessions: TokenSessions,
    private readonly tokenLabel: string,
  ) {}

  async wrap(rootKey: Buffer, vaultId: string): Promise<RootKeyWrapping> {
    const label = this.tokenLabel;
    return this.sessions.withLogin(label, async (bridge, token) => {
      const info = await bridge.tokenInfo(token);
      const key = await bridge.generateKey(token, 'AES_256', rootKeyObjectLabel(vaultId));
      try {
        const sealed = await bridge.wrapRootKey(token, key.idHex, rootKey, wrappingAad(vaultId, 'token'));
        const params: TokenWrappingParams = { tokenLabel: info.label, tokenSerial: info.serial, keyIdHex: key.idHex, aead: 'AES-256-GCM' };
        this.made = params;
        return { method: 'token', params: { ...params }, wrapped: Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]) };
      } catch (e) {
        await bridge.destroyKey(token, key.idHex).catch(() => undefined);
        throw e;
      }
    });
  }

  async unwrap(w: RootKeyWrapping, vaultId: string): Promise<Buffer> {
    const p = paramsOf(w);
    if (p.tokenLabel !== this.tokenLabel) {
      throw new KwError('TokenNotFound', `this vault's token wrapping is for token "${p.tokenLabel}", not "${this.tokenLabel}"`, { tokenLabel: p.tokenLabel });
    }
    if (w.wrapped.length !== 12 + 32 + 16) throw new KwError('VaultCorrupt', 'token wrapping has the wrong length');
    const sealed = { iv: w.wrapped.subarray(0, 12), ciphertext: w.wrapped.subarray(12, 44), tag: w.wrapped.subarray(44) };
    return this.sessions.withLogin(this.tokenLabel, async (bridge, token) => {
      // The serial pins the wrapping to the device: a re-initialised token or a look-alike label does not match.
      const info = await bridge.tokenInfo(token);
      if (info.serial !== p.tokenSerial) {
        throw new KwError('TokenNotFound', `token "${p.tokenLabel}" here has another serial than the one that holds this vault's key`, { tokenLabel: p.tokenLabel });
      }
      const key = await bridge.unwrapRootKey(token, p.keyIdHex, sealed, wrappingAad(vaultId, 'token'));
      return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    });
  }
}
