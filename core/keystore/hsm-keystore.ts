/**
 * protectionLevel HSM: key material generated and used inside a PKCS#11 token. The
 * catalogue keeps the token's label (keys.token_label), the object's CKA_ID
 * (key_versions.token_object_id) and, for key pairs, a copy of the public key made at
 * generation (verification and encryption with it run in software). Every private or
 * secret operation runs on the token through the bridge; nothing falls back to
 * software, and a spec the token cannot do is NotSupportedByToken before anything is
 * created.
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KwError } from '../api/errors.ts';
import type { AsymEncryptAlgorithm, CryptoSuite, MessageType, SignAlgorithm } from '../crypto/types.ts';
import type { KeySpec } from '../domain/key-specs.ts';
import type { KeyStore, NewVersionMaterial } from '../kms/keystore.ts';
import type { KeyRow, VersionRow } from '../kms/key-repo.ts';
import { capabilityCheck, libraryCandidates, loadProfiles, type ResolvedProfile, type TokenKeySpec } from '../pkcs11/profiles.ts';
import type { KeySpec as BridgeKeySpec, OaepAlgorithm, SignAlgorithm as BridgeSignAlgorithm } from '../pkcs11/protocol.ts';
import type { TokenSessions } from './token-sessions.ts';

export const PROFILE_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../resources/pkcs11-profiles.json');

/** Key specs of the catalogue as the profile file names them; HMAC keys have no token form here. */
const TOKEN_SPEC: Partial<Record<KeySpec, TokenKeySpec>> = {
  AES_256: 'AES_256', RSA_2048: 'RSA_2048', RSA_3072: 'RSA_3072', RSA_4096: 'RSA_4096', EC_P256: 'EC_P256', SM2: 'EC_SM2', SM4: 'SM4',
};
const BRIDGE_SPECS: readonly string[] = ['AES_256', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256'];
const BRIDGE_SIGN: readonly string[] = ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256', 'ECDSA_SHA_256'];
const BRIDGE_OAEP: readonly string[] = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'];

/** What a module without an entry in the profile file is assumed to do: PKCS#11 v2.40 only. */
const UNLISTED: ResolvedProfile = {
  id: 'unlisted', name: 'Unlisted PKCS#11 module', vendor: 'unknown', kind: 'ukey', status: 'placeholder',
  libraries: { linux: [], darwin: [], win32: [] }, smMechanismSet: null, notes: [], sm: null,
};

export function profileForModule(modulePath: string, profiles: readonly ResolvedProfile[]): ResolvedProfile {
  const all = (p: ResolvedProfile) => [...libraryCandidates(p, 'linux'), ...libraryCandidates(p, 'darwin'), ...libraryCandidates(p, 'win32')];
  return (
    profiles.find((p) => all(p).includes(modulePath)) ??
    profiles.find((p) => all(p).some((l) => basename(l.replace(/\\/g, '/')) === basename(modulePath))) ??
    UNLISTED
  );
}

/** The CKA_LABEL Keywarden gives a version's token object, so officers recognise it in other tools. */
export function tokenObjectLabel(keyId: string, versionId: string): string {
  return `keywarden:${keyId}:${versionId}`;
}

const PAIRWISE_MESSAGE = Buffer.from('keywarden pair-wise consistency check');

export class HsmKeyStore implements KeyStore {
  private profiles: ResolvedProfile[] | null = null;

  constructor(
    private readonly sessions: TokenSessions,
    private readonly suite: CryptoSuite,
    private readonly profileFile: string = PROFILE_FILE,
  ) {}

  defaultTokenLabel(): string | null {
    return this.sessions.defaultTokenLabel;
  }

  private profile(): ResolvedProfile {
    this.profiles ??= loadProfiles(this.profileFile);
    return profileForModule(this.sessions.requireModulePath(), this.profiles);
  }

  /** Throws NotSupportedByToken unless this token lists every mechanism the spec needs. */
  async checkCapability(label: string, spec: KeySpec): Promise<ResolvedProfile> {
    const tokenSpec = TOKEN_SPEC[spec];
    if (!tokenSpec) throw new KwError('NotSupportedByToken', `${spec} keys are not kept on tokens`, { keySpec: spec });
    const profile = this.profile();
    const bridge = this.sessions.bridge();
    const mechanisms = await this.sessions.run(label, () => bridge.mechanisms(this.sessions.selector(label)));
    capabilityCheck(profile, mechanisms, tokenSpec);
    if (!BRIDGE_SPECS.includes(spec)) {
      // A vendor profile may declare SM mechanisms; generating with them needs its parameter shapes in the bridge.
      throw new KwError('NotSupportedByToken', `${profile.name}: the bridge does not generate ${spec} keys on tokens yet`, { keySpec: spec, profile: profile.id });
    }
    return profile;
  }

  private tokenOf(key: Pick<KeyRow, 'token_label'>): string {
    return this.sessions.label(key.token_label);
  }

  private objectOf(key: KeyRow, v: VersionRow): string {
    if (!v.token_object_id) throw new KwError('InvalidKeyState', `key ${key.id} version ${v.id} has no token object`);
    return v.token_object_id;
  }

  async generate(key: Pick<KeyRow, 'id' | 'spec' | 'token_label'>, versionId: string): Promise<NewVersionMaterial> {
    const label = this.tokenOf(key);
    await this.checkCapability(label, key.spec);
    const spec = key.spec as BridgeKeySpec;
    return this.sessions.withLogin(label, async (bridge, token) => {
      const made = await bridge.generateKey(token, spec, tokenObjectLabel(key.id, versionId));
      try {
        if (spec === 'AES_256') return { sealed_material: null, public_key: null, token_object_id: made.idHex };
        const spki = await bridge.publicKeySpki(token, made.idHex);
        // A pair whose private half does not match the public copy is never recorded.
        const alg: BridgeSignAlgorithm = spec === 'EC_P256' ? 'ECDSA_SHA_256' : 'RSA_PKCS1_SHA_256';
        const sig = await bridge.sign(token, made.idHex, alg, { message: PAIRWISE_MESSAGE });
        if (!this.suite.verify(alg, spki, PAIRWISE_MESSAGE, 'RAW', sig)) {
          throw new KwError('TokenError', 'the token made a key pair that fails the pair-wise consistency check');
        }
        return { sealed_material: null, public_key: Buffer.from(spki), token_object_id: made.idHex };
      } catch (e) {
        await bridge.destroyKey(token, made.idHex).catch(() => undefined);
        throw e;
      }
    });
  }

  /** Best effort: with the token gone the object stays, unnamed by the catalogue (its label says whose it was). */
  async discard(material: NewVersionMaterial, key: Pick<KeyRow, 'token_label'>): Promise<void> {
    const id = material.token_object_id;
    if (!id) return;
    const label = this.tokenOf(key);
    await this.sessions.withLogin(label, (bridge, token) => bridge.destroyKey(token, id)).catch(() => undefined);
  }

  /** Needs the token present and logged in; the caller keeps a record and retries when it is not. */
  async destroy(key: Pick<KeyRow, 'id' | 'token_label'>, v: Pick<VersionRow, 'id' | 'token_object_id'>): Promise<boolean> {
    const id = v.token_object_id;
    if (!id) return false;
    const r = await this.sessions.withLogin(this.tokenOf(key), (bridge, token) => bridge.destroyKey(token, id));
    return r.destroyed > 0;
  }

  async symmetricSeal(key: KeyRow, v: VersionRow, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    this.requireAes(key);
    const id = this.objectOf(key, v);
    const sealed = await this.sessions.withLogin(this.tokenOf(key), (bridge, token) => bridge.aesGcmEncrypt(token, id, plaintext, { aad, iv }));
    if (!Buffer.from(sealed.iv).equals(Buffer.from(iv))) throw new KwError('TokenError', 'the token used another IV than the one asked for');
    return Buffer.concat([sealed.ciphertext, sealed.tag]);
  }

  async symmetricOpen(key: KeyRow, v: VersionRow, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    this.requireAes(key);
    const id = this.objectOf(key, v);
    if (iv.length !== 12 || sealed.length < 16) throw new KwError('InvalidCiphertext', 'ciphertextBlob is malformed');
    const ciphertext = sealed.subarray(0, sealed.length - 16);
    const tag = sealed.subarray(sealed.length - 16);
    return this.sessions.withLogin(this.tokenOf(key), (bridge, token) => bridge.aesGcmDecrypt(token, id, { iv, ciphertext, tag }, { aad }));
  }

  async sign(key: KeyRow, v: VersionRow, alg: SignAlgorithm, input: Uint8Array, messageType: MessageType): Promise<Uint8Array> {
    if (!BRIDGE_SIGN.includes(alg)) throw new KwError('NotSupportedByToken', `${alg} is not done on tokens`);
    const id = this.objectOf(key, v);
    const data = messageType === 'DIGEST' ? { digest: input } : { message: input };
    return this.sessions.withLogin(this.tokenOf(key), (bridge, token) => bridge.sign(token, id, alg as BridgeSignAlgorithm, data));
  }

  /** RSA-OAEP on the token; where the token lacks OAEP-SHA256 the bridge runs raw RSA there and unpads in its child. */
  async asymmetricDecrypt(key: KeyRow, v: VersionRow, alg: AsymEncryptAlgorithm, ciphertext: Uint8Array): Promise<Uint8Array> {
    if (!BRIDGE_OAEP.includes(alg)) throw new KwError('NotSupportedByToken', `${alg} is not done on tokens`);
    const id = this.objectOf(key, v);
    const r = await this.sessions.withLogin(this.tokenOf(key), (bridge, token) => bridge.rsaDecrypt(token, id, alg as OaepAlgorithm, ciphertext));
    return r.plaintext;
  }

  async mac(key: KeyRow): Promise<Uint8Array> {
    throw new KwError('NotSupportedByToken', `${key.spec} keys are not kept on tokens`);
  }

  private requireAes(key: KeyRow): void {
    if (key.spec !== 'AES_256') throw new KwError('NotSupportedByToken', `${key.spec} symmetric keys are not used on tokens`);
  }
}
