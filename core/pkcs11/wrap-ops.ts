/**
 * Worker-side BYOK wrapping: key material generated inside the token (session objects,
 * sensitive, extractable only by wrapping), wrapped for a target KMS's RSA public key
 * (imported as a session object) and, for escrow, under a fresh non-extractable token
 * AES key with CKM_AES_KEY_WRAP_PAD (RFC 5649). The material's value is never read:
 * only C_WrapKey outputs leave the token. Every session object is destroyed before the
 * call returns, whatever happened; a failed call also destroys the escrow key it made.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { KwError } from '../api/errors.ts';
import { isPkcs11Error } from './runtime.ts';
import type { ModuleRuntime, TokenState } from './runtime.ts';
import { checkIdHex, keyObject } from './key-ops.ts';
import { P256_EC_PARAMS } from './templates.ts';
import { buf, rsaOaepMechanism as oaep } from './crypto-ops.ts';
import type { RewrapParams, TokenWrapScheme, WrapMaterialSpec, WrapNewParams, WrapNewResult } from './wrap-protocol.ts';
import { WRAP_MATERIAL_SPECS } from './wrap-protocol.ts';

/** CKM_AES_KEY_WRAP_PAD (PKCS#11 v2.40 §2.14.3); pkcs11js has no constant for it. */
export const CKM_AES_KEY_WRAP_PAD = 0x210a;
/** Room for a wrapped RSA-4096 PKCS#8 key. */
const WRAP_OUT_BYTES = 8192;
/** Token answers meaning "not with these parameters / this mechanism". */
const REFUSED: ReadonlySet<number> = new Set([0x07, 0x70, 0x71]);

type Template = pkcs11js.Template;

interface Made {
  handles: Buffer[];
  material: Buffer;
}

function materialKind(spec: WrapMaterialSpec): 'secret' | 'private' {
  return spec === 'AES_256' || spec === 'GENERIC_SECRET_16' ? 'secret' : 'private';
}

/** Only wrapping may take the material out: sensitive, extractable, usable for nothing else. */
const WRAP_ONLY: Template = [
  { type: pkcs11js.CKA_TOKEN, value: false }, // a session object: gone with the session
  { type: pkcs11js.CKA_PRIVATE, value: true },
  { type: pkcs11js.CKA_SENSITIVE, value: true }, // never readable in clear
  { type: pkcs11js.CKA_EXTRACTABLE, value: true }, // but C_WrapKey may take it out
];

/** SoftHSM2 defaults CKA_SIGN/CKA_VERIFY to true on secret keys; these keys only wrap or are wrapped. */
const NO_OTHER_USE: Template = [
  { type: pkcs11js.CKA_ENCRYPT, value: false },
  { type: pkcs11js.CKA_DECRYPT, value: false },
  { type: pkcs11js.CKA_SIGN, value: false },
  { type: pkcs11js.CKA_VERIFY, value: false },
];

function generateMaterial(rt: ModuleRuntime, st: TokenState, spec: WrapMaterialSpec): Made {
  const s = st.session;
  switch (spec) {
    case 'AES_256':
    case 'GENERIC_SECRET_16': {
      const aes = spec === 'AES_256';
      const h = rt.p11.C_GenerateKey(s, { mechanism: aes ? pkcs11js.CKM_AES_KEY_GEN : pkcs11js.CKM_GENERIC_SECRET_KEY_GEN }, [
        ...WRAP_ONLY,
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_KEY_TYPE, value: aes ? pkcs11js.CKK_AES : pkcs11js.CKK_GENERIC_SECRET },
        { type: pkcs11js.CKA_VALUE_LEN, value: aes ? 32 : 16 },
        ...NO_OTHER_USE,
      ]);
      return { handles: [h], material: h };
    }
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
    case 'EC_P256': {
      const rsa = spec !== 'EC_P256';
      const pub: Template = rsa
        ? [{ type: pkcs11js.CKA_MODULUS_BITS, value: Number(spec.slice(4)) }, { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }]
        : [{ type: pkcs11js.CKA_EC_PARAMS, value: P256_EC_PARAMS }];
      const pair = rt.p11.C_GenerateKeyPair(
        s,
        { mechanism: rsa ? pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN : pkcs11js.CKM_EC_KEY_PAIR_GEN },
        [{ type: pkcs11js.CKA_TOKEN, value: false }, { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, ...pub],
        [...WRAP_ONLY, { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_SIGN, value: false }],
      );
      return { handles: [pair.privateKey, pair.publicKey], material: pair.privateKey };
    }
  }
}

/** The target's RSA public key as a session object that may only wrap. */
function importTargetKey(rt: ModuleRuntime, st: TokenState, spki: Uint8Array): Buffer {
  let jwk: { kty?: string; n?: string; e?: string };
  try {
    jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  } catch {
    throw new KwError('InvalidPublicKey', 'the target wrapping key is not a SubjectPublicKeyInfo');
  }
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new KwError('NotSupportedByToken', 'the token wraps for RSA target keys only');
  return rt.p11.C_CreateObject(st.session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_WRAP, value: true },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_VERIFY, value: false },
    { type: pkcs11js.CKA_MODULUS, value: Buffer.from(jwk.n, 'base64url') },
    { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from(jwk.e, 'base64url') },
  ]);
}

/** C_WrapKey; a refusal of the mechanism or its parameters is NotSupportedByToken naming what was refused. */
function wrapKey(rt: ModuleRuntime, st: TokenState, mech: pkcs11js.Mechanism, wrappingKey: Buffer, key: Buffer, what: string): Buffer {
  try {
    return rt.p11.C_WrapKey(st.session, mech, wrappingKey, key, Buffer.alloc(WRAP_OUT_BYTES));
  } catch (e) {
    if (isPkcs11Error(e) && REFUSED.has(e.code)) {
      throw new KwError('NotSupportedByToken', `the token refuses C_WrapKey with ${what}; key material generated on this token cannot be wrapped this way`, { mechanism: what });
    }
    throw e;
  }
}

function ephemeralAes(rt: ModuleRuntime, st: TokenState): Buffer {
  return rt.p11.C_GenerateKey(st.session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    ...WRAP_ONLY,
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_WRAP, value: true },
    ...NO_OTHER_USE,
  ]);
}

/** Wraps the material for the target; session objects it creates go into `temp`. */
function wrapForTarget(rt: ModuleRuntime, st: TokenState, scheme: TokenWrapScheme, spec: WrapMaterialSpec, target: Buffer, material: Buffer, temp: Buffer[]): Buffer {
  if (scheme.kind !== 'rsa-aes-kwp' && materialKind(spec) !== 'secret') {
    throw new KwError('InvalidParameter', 'private keys leave the token only with an RSA-AES key wrap scheme');
  }
  switch (scheme.kind) {
    case 'rsa-oaep':
      return wrapKey(rt, st, oaep(scheme.hash), target, material, `CKM_RSA_PKCS_OAEP (${scheme.hash}, MGF1 ${scheme.hash})`);
    case 'rsa-pkcs1':
      return wrapKey(rt, st, { mechanism: pkcs11js.CKM_RSA_PKCS }, target, material, 'CKM_RSA_PKCS');
    case 'rsa-aes-kwp': {
      const eph = ephemeralAes(rt, st);
      temp.push(eph);
      // The RSA step first: a refused OAEP hash stops the call before more is made.
      const wrappedAes = wrapKey(rt, st, oaep(scheme.hash), target, eph, `CKM_RSA_PKCS_OAEP (${scheme.hash}, MGF1 ${scheme.hash})`);
      const wrappedMaterial = wrapKey(rt, st, { mechanism: CKM_AES_KEY_WRAP_PAD }, eph, material, 'CKM_AES_KEY_WRAP_PAD');
      return Buffer.concat([wrappedAes, wrappedMaterial]);
    }
  }
}

/** The escrow key: a token object that wraps and unwraps and can never leave the token. */
function generateEscrowKey(rt: ModuleRuntime, st: TokenState, label: string, id: Buffer): Buffer {
  return rt.p11.C_GenerateKey(st.session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_WRAP, value: true },
    { type: pkcs11js.CKA_UNWRAP, value: true },
    ...NO_OTHER_USE,
  ]);
}

function destroyAll(rt: ModuleRuntime, st: TokenState, handles: Buffer[]): void {
  for (const h of handles) {
    try {
      rt.p11.C_DestroyObject(st.session, h);
    } catch {
      // a session object also ends with its session; nothing more can be done here
    }
  }
}

function checkCommon(p: { material: WrapMaterialSpec; targetSpki: Uint8Array }): void {
  if (!WRAP_MATERIAL_SPECS.includes(p.material)) throw new KwError('NotSupportedByToken', `material ${String(p.material)} is not generated on tokens by the bridge`);
  if (!(p.targetSpki instanceof Uint8Array) || p.targetSpki.length === 0) throw new KwError('InvalidParameter', 'target public key must be SPKI DER bytes');
}

function requireMechanisms(rt: ModuleRuntime, st: TokenState, scheme: TokenWrapScheme): void {
  const have = rt.mechanismSet(st);
  const need: Array<[number, string]> = [[CKM_AES_KEY_WRAP_PAD, 'CKM_AES_KEY_WRAP_PAD']];
  need.push(scheme.kind === 'rsa-pkcs1' ? [pkcs11js.CKM_RSA_PKCS, 'CKM_RSA_PKCS'] : [pkcs11js.CKM_RSA_PKCS_OAEP, 'CKM_RSA_PKCS_OAEP']);
  const missing = need.filter(([m]) => !have.has(m)).map(([, n]) => n);
  if (missing.length > 0) throw new KwError('NotSupportedByToken', `the token lacks ${missing.join(', ')}`, { missing: missing.join(', ') });
}

export function byokWrapNew(rt: ModuleRuntime, p: WrapNewParams): WrapNewResult {
  checkCommon(p);
  if (p.escrowLabel.length === 0 || p.escrowLabel.length > 128) throw new KwError('InvalidParameter', 'escrow label must be 1-128 characters');
  return rt.run(p.token, 'BYOK wrap', (st) => {
    rt.requireUser(st);
    requireMechanisms(rt, st, p.scheme);
    const temp: Buffer[] = [];
    let escrowKey: Buffer | null = null;
    try {
      temp.push(importTargetKey(rt, st, p.targetSpki));
      const made = generateMaterial(rt, st, p.material);
      temp.push(...made.handles);
      const wrapped = wrapForTarget(rt, st, p.scheme, p.material, temp[0]!, made.material, temp);
      const id = randomBytes(16);
      escrowKey = generateEscrowKey(rt, st, p.escrowLabel, id);
      const escrowBlob = wrapKey(rt, st, { mechanism: CKM_AES_KEY_WRAP_PAD }, escrowKey, made.material, 'CKM_AES_KEY_WRAP_PAD');
      escrowKey = null; // kept: the escrow copy depends on it
      return { wrapped: new Uint8Array(wrapped), escrowKeyIdHex: id.toString('hex'), escrowBlob: new Uint8Array(escrowBlob) };
    } finally {
      destroyAll(rt, st, escrowKey ? [...temp, escrowKey] : temp);
    }
  });
}

function unwrapTemplate(spec: WrapMaterialSpec): Template {
  const [cls, type] =
    spec === 'AES_256' ? [pkcs11js.CKO_SECRET_KEY, pkcs11js.CKK_AES]
    : spec === 'GENERIC_SECRET_16' ? [pkcs11js.CKO_SECRET_KEY, pkcs11js.CKK_GENERIC_SECRET]
    : spec === 'EC_P256' ? [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKK_EC]
    : [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKK_RSA];
  return [...WRAP_ONLY, { type: pkcs11js.CKA_CLASS, value: cls }, { type: pkcs11js.CKA_KEY_TYPE, value: type }];
}

/**
 * SoftHSM2 answers a failed RFC 5649 integrity check with CKR_GENERAL_ERROR (others use
 * CKR_WRAPPED_KEY_INVALID, mapped in ckr.ts); on a token still present it means the blob.
 */
function unwrapEscrow(rt: ModuleRuntime, st: TokenState, escrowKey: Buffer, p: RewrapParams): Buffer {
  try {
    return rt.p11.C_UnwrapKey(st.session, { mechanism: CKM_AES_KEY_WRAP_PAD }, escrowKey, buf(p.escrowBlob), unwrapTemplate(p.material));
  } catch (e) {
    if (isPkcs11Error(e) && (e.code === 0x05 || e.code === 0x06) && rt.present(st)) {
      throw new KwError('UnwrapFailed', 'the escrow copy did not pass the key-wrap integrity check under its token key');
    }
    throw e;
  }
}

export function byokRewrap(rt: ModuleRuntime, p: RewrapParams): { wrapped: Uint8Array } {
  checkCommon(p);
  checkIdHex(p.escrowKeyIdHex);
  if (!(p.escrowBlob instanceof Uint8Array) || p.escrowBlob.length < 16) throw new KwError('InvalidParameter', 'escrow blob is malformed');
  return rt.run(p.token, 'BYOK rewrap', (st) => {
    rt.requireUser(st);
    requireMechanisms(rt, st, p.scheme);
    const { handle: escrowKey } = keyObject(rt, st, p.escrowKeyIdHex, 'secret');
    const temp: Buffer[] = [];
    try {
      temp.push(importTargetKey(rt, st, p.targetSpki));
      const material = unwrapEscrow(rt, st, escrowKey, p);
      temp.push(material);
      return { wrapped: new Uint8Array(wrapForTarget(rt, st, p.scheme, p.material, temp[0]!, material, temp)) };
    } finally {
      destroyAll(rt, st, temp);
    }
  });
}
