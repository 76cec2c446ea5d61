/**
 * TokenKeys implements the TokenKeyPort over TokenSessions and the bridge: BYOK material
 * generated and wrapped on the token, and certificate key pairs kept there. Every call
 * needs the officer's login on the token (withLogin); SM2 and anything else the token
 * or the bridge cannot do is NotSupportedByToken before any object is created.
 */
import { KwError } from '../api/errors.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import type {
  TokenDecryptAlgorithm, TokenEscrow, TokenKeyPort, TokenMaterialSpec, TokenPairSpec, TokenSignAlgorithm, TokenWrapScheme,
} from '../kms/token-keys.ts';
import { rewrapEscrow, wrapNewMaterial } from '../pkcs11/wrap-client.ts';
import type { HsmKeyStore } from './hsm-keystore.ts';
import type { TokenSessions } from './token-sessions.ts';

const PAIRWISE_MESSAGE = Buffer.from('keywarden certificate key pair-wise check');

export class TokenKeys implements TokenKeyPort {
  constructor(
    private readonly sessions: TokenSessions,
    private readonly hsm: HsmKeyStore,
    private readonly suite: CryptoSuite,
  ) {}

  tokenLabel(requested?: string | null): string {
    this.sessions.requireModulePath();
    return this.sessions.label(requested);
  }

  async wrapNewMaterial(tokenLabel: string, material: TokenMaterialSpec, targetSpki: Uint8Array, scheme: TokenWrapScheme, escrowLabel: string): Promise<{ wrapped: Buffer; escrow: TokenEscrow }> {
    const r = await this.sessions.withLogin(tokenLabel, (bridge, token) => wrapNewMaterial(bridge, token, material, targetSpki, scheme, escrowLabel));
    return { wrapped: Buffer.from(r.wrapped), escrow: { tokenLabel, keyId: r.escrowKeyIdHex, blob: Buffer.from(r.escrowBlob) } };
  }

  async rewrapEscrow(escrow: TokenEscrow, material: TokenMaterialSpec, targetSpki: Uint8Array, scheme: TokenWrapScheme): Promise<Buffer> {
    const wrapped = await this.sessions.withLogin(escrow.tokenLabel, (bridge, token) =>
      rewrapEscrow(bridge, token, material, { keyIdHex: escrow.keyId, blob: escrow.blob }, targetSpki, scheme),
    );
    return Buffer.from(wrapped);
  }

  async generateKeyPair(tokenLabel: string, spec: TokenPairSpec, objectLabel: string): Promise<{ objectId: string; publicKey: Buffer }> {
    await this.hsm.checkCapability(tokenLabel, spec);
    if (spec === 'SM2') throw new KwError('NotSupportedByToken', 'the bridge does not generate SM2 key pairs on tokens', { keySpec: spec });
    return this.sessions.withLogin(tokenLabel, async (bridge, token) => {
      const made = await bridge.generateKey(token, spec, objectLabel);
      try {
        const spki = Buffer.from(await bridge.publicKeySpki(token, made.idHex));
        // A pair whose private half does not match its public key is never recorded.
        const alg = spec === 'EC_P256' ? 'ECDSA_SHA_256' : 'RSA_PKCS1_SHA_256';
        const sig = await bridge.sign(token, made.idHex, alg, { message: PAIRWISE_MESSAGE });
        if (!this.suite.verify(alg, spki, PAIRWISE_MESSAGE, 'RAW', sig)) {
          throw new KwError('TokenError', 'the token made a key pair that fails the pair-wise consistency check');
        }
        return { objectId: made.idHex, publicKey: spki };
      } catch (e) {
        await bridge.destroyKey(token, made.idHex).catch(() => undefined);
        throw e;
      }
    });
  }

  async sign(tokenLabel: string, objectId: string, alg: TokenSignAlgorithm, input: Uint8Array, messageType: 'RAW' | 'DIGEST'): Promise<Buffer> {
    const data = messageType === 'DIGEST' ? { digest: input } : { message: input };
    return Buffer.from(await this.sessions.withLogin(tokenLabel, (bridge, token) => bridge.sign(token, objectId, alg, data)));
  }

  async decrypt(tokenLabel: string, objectId: string, alg: TokenDecryptAlgorithm, ciphertext: Uint8Array): Promise<Buffer> {
    const r = await this.sessions.withLogin(tokenLabel, (bridge, token) => bridge.rsaDecrypt(token, objectId, alg, ciphertext));
    return Buffer.from(r.plaintext);
  }

  async destroy(tokenLabel: string, objectId: string): Promise<boolean> {
    try {
      const r = await this.sessions.withLogin(tokenLabel, (bridge, token) => bridge.destroyKey(token, objectId));
      return r.destroyed > 0;
    } catch (e) {
      if (e instanceof KwError && e.code === 'KeyNotFound') return false;
      throw e;
    }
  }
}
