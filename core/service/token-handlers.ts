/**
 * Token operations. They are served beside the vault operations because most of them
 * work while the vault is locked (an officer logs in to the token before unlocking
 * with it). Which need an unlocked vault is declared in each operation's definition
 * (its gate) and checked at dispatch.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { TokenOperation } from '../api/ops/tokens.ts';
import { INIT_TOKEN_CONFIRM, REMOVE_PASSPHRASE_CONFIRM, TOKEN_LOSS_WARNING, type TokenCertificateView, type TokenModuleView, type TokenView } from '../api/ops/tokens.ts';
import { importCertificateForUK } from '../certs/ukey.ts';
import type { CallContext, Services } from '../kms/context.ts';
import { carryOutTokenDestructions } from '../kms/token-destructions.ts';
import { KEY_SPECS } from '../domain/key-specs.ts';
import { HsmKeyStore, profileForModule } from '../keystore/hsm-keystore.ts';
import { TokenRootKeyProtector } from '../keystore/token-root-key.ts';
import type { TokenSessions } from '../keystore/token-sessions.ts';
import { writeTokenSettings } from '../vault/token-settings.ts';
import { pinCounters, triesLeft } from '../pkcs11/pin-guard.ts';
import { loadProfiles, type ResolvedProfile } from '../pkcs11/profiles.ts';
import type { ModuleDescription, PinUser, TokenDescription } from '../pkcs11/protocol.ts';
import { parseCertificate } from '../x509/index.ts';

export interface TokenSession {
  services: Services;
  tokens: TokenSessions;
  hsm: HsmKeyStore;
  profileFile: string;
  runDueWork(): Promise<unknown>;
}


function pinView(flags: number, who: PinUser) {
  return { ...pinCounters(flags, who), triesLeft: triesLeft(flags, who) };
}

function tokenView(t: TokenDescription, s: TokenSession): TokenView {
  return {
    label: t.label, slotId: t.slotId, slotDescription: t.slotDescription, manufacturer: t.manufacturer, model: t.model, serial: t.serial,
    flagNames: t.flagNames, initialized: t.initialized, userPinInitialized: t.userPinInitialized, loginRequired: t.loginRequired,
    userPin: pinView(t.flags, 'user'), soPin: pinView(t.flags, 'so'), minPinLength: t.minPinLength, maxPinLength: t.maxPinLength,
    loggedInAs: t.label ? s.tokens.loggedInAs(t.label) : null,
  };
}

function profiles(s: TokenSession): ResolvedProfile[] {
  return loadProfiles(s.profileFile);
}

function moduleView(m: ModuleDescription, s: TokenSession): TokenModuleView {
  return { ...m, profileId: profileForModule(m.modulePath, profiles(s)).id };
}

type TokenHandlerTable = { [K in TokenOperation]: (req: ParsedRequestOf<K>, s: TokenSession, ctx: CallContext) => Promise<ResponseOf<K>> };

export const tokenHandlers: TokenHandlerTable = {
  async configureTokenModule(req: ParsedRequestOf<'configureTokenModule'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'configureTokenModule'>> {
    const previous = { modulePath: s.tokens.modulePath, label: s.tokens.defaultTokenLabel };
    s.tokens.configure(req.modulePath, req.defaultTokenLabel ?? null);
    let module: ModuleDescription;
    try {
      const bridge = s.tokens.bridge();
      module = await s.tokens.run(null, () => bridge.moduleInfo());
    } catch (e) {
      s.tokens.configure(previous.modulePath, previous.label);
      throw e;
    }
    ctx.detail = { modulePath: req.modulePath, defaultTokenLabel: req.defaultTokenLabel ?? null };
    ctx.write(() => writeTokenSettings(s.services.db, { modulePath: req.modulePath, defaultTokenLabel: req.defaultTokenLabel ?? null }));
    return { modulePath: req.modulePath, defaultTokenLabel: req.defaultTokenLabel ?? null, module: moduleView(module, s) };
  },

  async listTokens(_req: ParsedRequestOf<'listTokens'>, s: TokenSession): Promise<ResponseOf<'listTokens'>> {
    const bridge = s.tokens.bridge();
    const [module, tokens] = await s.tokens.run(null, () => Promise.all([bridge.moduleInfo(), bridge.listTokens()]));
    return { module: moduleView(module, s), tokens: tokens.map((t) => tokenView(t, s)) };
  },

  async describeToken(req: ParsedRequestOf<'describeToken'>, s: TokenSession): Promise<ResponseOf<'describeToken'>> {
    const label = s.tokens.label(req.tokenLabel);
    const bridge = s.tokens.bridge();
    return { token: tokenView(await s.tokens.run(label, () => bridge.tokenInfo(s.tokens.selector(label))), s) };
  },

  async listMechanisms(req: ParsedRequestOf<'listMechanisms'>, s: TokenSession): Promise<ResponseOf<'listMechanisms'>> {
    const label = s.tokens.label(req.tokenLabel);
    const bridge = s.tokens.bridge();
    const mechanisms = await s.tokens.run(label, () => bridge.mechanisms(s.tokens.selector(label)));
    const keySpecs = [];
    for (const keySpec of KEY_SPECS) {
      try {
        await s.hsm.checkCapability(label, keySpec);
        keySpecs.push({ keySpec, supported: true, reason: null });
      } catch (e) {
        if (!(e instanceof KwError) || e.code !== 'NotSupportedByToken') throw e;
        keySpecs.push({ keySpec, supported: false, reason: e.message });
      }
    }
    return { tokenLabel: label, mechanisms, keySpecs };
  },

  async tokenLogin(req: ParsedRequestOf<'tokenLogin'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'tokenLogin'>> {
    const label = s.tokens.label(req.tokenLabel);
    ctx.detail = { tokenLabel: label, userType: req.userType };
    const r = await s.tokens.login(label, req.pin, { userType: req.userType, confirmFinalTry: req.confirmFinalTry });
    // The token is present now: objects of keys destroyed while it was away go first.
    // A failure stays recorded for the next pass and never fails the login.
    if (r.userType === 'user') await carryOutTokenDestructions(s.services, ctx.actor).catch(() => undefined);
    return { tokenLabel: label, userType: r.userType, alreadyLoggedIn: r.alreadyLoggedIn };
  },

  async tokenLogout(req: ParsedRequestOf<'tokenLogout'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'tokenLogout'>> {
    const label = s.tokens.label(req.tokenLabel);
    ctx.detail = { tokenLabel: label };
    return { tokenLabel: label, ...(await s.tokens.logout(label)) };
  },

  async changeTokenPin(req: ParsedRequestOf<'changeTokenPin'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'changeTokenPin'>> {
    const label = s.tokens.label(req.tokenLabel);
    ctx.detail = { tokenLabel: label };
    const bridge = s.tokens.bridge();
    const r = await s.tokens.run(label, () => bridge.changePin(s.tokens.selector(label), req.oldPin, req.newPin, { confirmFinalTry: req.confirmFinalTry }));
    return { tokenLabel: label, ...r };
  },

  async initToken(req: ParsedRequestOf<'initToken'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'initToken'>> {
    if (req.tokenLabel === undefined && req.slotId === undefined) throw new KwError('MissingParameter', 'name the token to erase by tokenLabel or slotId', { field: 'tokenLabel' });
    const token = req.slotId !== undefined ? { slotId: req.slotId } : { label: req.tokenLabel! };
    ctx.detail = { tokenLabel: req.tokenLabel ?? null, slotId: req.slotId ?? null, newLabel: req.newLabel };
    const bridge = s.tokens.bridge();
    const t = await s.tokens.run(req.tokenLabel ?? null, () => bridge.initToken(token, { soPin: req.soPin, label: req.newLabel, confirm: INIT_TOKEN_CONFIRM }));
    return { token: tokenView(t, s) };
  },

  async listTokenCertificates(req: ParsedRequestOf<'listTokenCertificates'>, s: TokenSession): Promise<ResponseOf<'listTokenCertificates'>> {
    const label = s.tokens.label(req.tokenLabel);
    const bridge = s.tokens.bridge();
    const objects = await s.tokens.run(label, () => bridge.listCertificates(s.tokens.selector(label)));
    return { tokenLabel: label, certificates: objects.map(certificateView) };
  },

  async importTokenCertificateForUK(req: ParsedRequestOf<'importTokenCertificateForUK'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'importTokenCertificateForUK'>> {
    const label = s.tokens.label(req.tokenLabel);
    const bridge = s.tokens.bridge();
    const objects = await s.tokens.run(label, () => bridge.listCertificates(s.tokens.selector(label)));
    const found = objects.find((o) => o.idHex === req.objectId);
    if (!found) throw new KwError('CertificateNotFound', `token "${label}" has no certificate object with CKA_ID ${req.objectId}`);
    const r = importCertificateForUK(
      { certificate: Buffer.from(found.der).toString('base64'), tokenLabel: label, tokenObjectId: req.objectId, ...(req.name !== undefined ? { name: req.name } : {}) },
      ctx,
    );
    return { certificateId: r.certificateId, tokenLabel: label, objectId: req.objectId };
  },

  async signWithTokenKey(req: ParsedRequestOf<'signWithTokenKey'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'signWithTokenKey'>> {
    const label = s.tokens.label(req.tokenLabel);
    ctx.detail = { tokenLabel: label, objectId: req.objectId, algorithm: req.algorithm };
    const input = Buffer.from(req.message, 'base64');
    if (req.messageType === 'DIGEST' && input.length !== 32) throw new KwError('InvalidParameter', `a ${req.algorithm} digest is 32 bytes, got ${input.length}`);
    const data = req.messageType === 'DIGEST' ? { digest: input } : { message: input };
    const sig = await s.tokens.withLogin(label, (bridge, token) => bridge.sign(token, req.objectId, req.algorithm, data));
    return { tokenLabel: label, objectId: req.objectId, algorithm: req.algorithm, signature: Buffer.from(sig).toString('base64') };
  },

  async addTokenUnlock(req: ParsedRequestOf<'addTokenUnlock'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'addTokenUnlock'>> {
    if (req.removePassphrase && req.confirm !== REMOVE_PASSPHRASE_CONFIRM) {
      throw new KwError('ConfirmationRequired', `${TOKEN_LOSS_WARNING} To remove the passphrase anyway pass confirm: '${REMOVE_PASSPHRASE_CONFIRM}'`);
    }
    const label = s.tokens.label(req.tokenLabel);
    const protector = new TokenRootKeyProtector(s.tokens, label);
    const vault = s.services.vault;
    await vault.addProtection(protector, false);
    if (req.removePassphrase) vault.removeProtection('passphrase');
    const made = protector.made!;
    ctx.detail = { tokenLabel: made.tokenLabel, tokenSerial: made.tokenSerial, passphraseRemoved: req.removePassphrase };
    return {
      tokenLabel: made.tokenLabel, tokenSerial: made.tokenSerial, objectId: made.keyIdHex, unlockMethods: vault.unlockMethods(),
      passphraseRemoved: req.removePassphrase, warning: TOKEN_LOSS_WARNING,
    };
  },

  async unlockVaultWithToken(req: ParsedRequestOf<'unlockVaultWithToken'>, s: TokenSession, ctx: CallContext): Promise<ResponseOf<'unlockVaultWithToken'>> {
    const label = s.tokens.label(req.tokenLabel);
    ctx.detail = { method: 'token', tokenLabel: label };
    const vault = s.services.vault;
    if (!vault.unlockMethods().includes('token')) throw new KwError('UnsupportedOperation', 'this vault cannot be unlocked by a token (addTokenUnlock first)');
    // The PIN is the secret that unlocks: an earlier login must not let any PIN through.
    if (s.tokens.loggedInAs(label) !== null) await s.tokens.logout(label);
    const login = await s.tokens.login(label, req.pin, { confirmFinalTry: req.confirmFinalTry });
    if (login.alreadyLoggedIn) {
      await s.tokens.logout(label);
      throw new KwError('TokenError', 'the token was already logged in by another session of this module, so the PIN was not checked; try again');
    }
    await vault.unlock(new TokenRootKeyProtector(s.tokens, label));
    await s.runDueWork();
    return { unlocked: true, tokenLabel: label, unlockMethods: vault.unlockMethods() };
  },
};

function certificateView(o: { label: string; idHex: string; der: Uint8Array }): TokenCertificateView {
  const base = { label: o.label, objectId: o.idHex, certificate: Buffer.from(o.der).toString('base64') };
  try {
    const c = parseCertificate(o.der).summary;
    return {
      ...base,
      summary: {
        subject: c.subject.dn, issuer: c.issuer.dn, serialNumber: c.serialNumber, notBefore: c.notBefore, notAfter: c.notAfter,
        keySpec: c.publicKey.spec, keyUsage: c.keyUsage ?? [], fingerprints: c.fingerprints,
      },
      parseError: null,
    };
  } catch (e) {
    return { ...base, summary: null, parseError: e instanceof KwError ? e.message : 'not a parsable X.509 certificate' };
  }
}

