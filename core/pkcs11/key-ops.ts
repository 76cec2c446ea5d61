/**
 * Worker-side key object handling: generation (token, private, sensitive,
 * non-extractable, random CKA_ID), lookup by CKA_ID, attribute reports, the
 * extractability probe, public keys as SPKI, destruction, certificates and random.
 */
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { KwError } from '../api/errors.ts';
import { ckrName } from './ckr.ts';
import { isPkcs11Error } from './runtime.ts';
import type { CachedObject, ModuleRuntime, TokenState } from './runtime.ts';
import { keyTemplates } from './templates.ts';
import { ecSpkiDer, rsaSpkiDer } from './public-key.ts';
import type {
  CertificateObject, ExtractabilityProbe, GeneratedKey, KeyObjectClass, KeyObjectInfo, KeyRef, OpParams,
} from './protocol.ts';

const CLASS_NUMBER: Record<KeyObjectClass, number> = {
  secret: pkcs11js.CKO_SECRET_KEY,
  private: pkcs11js.CKO_PRIVATE_KEY,
  public: pkcs11js.CKO_PUBLIC_KEY,
};

const KEY_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [pkcs11js.CKK_RSA, 'RSA'], [pkcs11js.CKK_EC, 'EC'], [pkcs11js.CKK_AES, 'AES'], [pkcs11js.CKK_GENERIC_SECRET, 'GENERIC_SECRET'],
]);

/** CK_ULONG attributes come back as native-endian machine words. */
export function readUlong(b: Buffer): number {
  if (b.length >= 8) return Number(b.readBigUInt64LE(0));
  if (b.length >= 4) return b.readUInt32LE(0);
  return b[0] ?? 0;
}

export function readAttr(rt: ModuleRuntime, st: TokenState, h: Buffer, type: number): Buffer | null {
  try {
    const r = rt.p11.C_GetAttributeValue(st.session, h, [{ type }])[0];
    return r?.value ?? null;
  } catch (e) {
    if (isPkcs11Error(e)) return null; // attribute absent, invalid or sensitive for this object
    throw e;
  }
}

function readBool(rt: ModuleRuntime, st: TokenState, h: Buffer, type: number): boolean | null {
  const v = readAttr(rt, st, h, type);
  return v && v.length > 0 ? v[0] !== 0 : null;
}

export function findHandles(rt: ModuleRuntime, st: TokenState, template: pkcs11js.Template, max = 64): Buffer[] {
  rt.p11.C_FindObjectsInit(st.session, template);
  try {
    return rt.p11.C_FindObjects(st.session, max);
  } finally {
    rt.p11.C_FindObjectsFinal(st.session);
  }
}

export function checkIdHex(idHex: string): Buffer {
  if (!/^(?:[0-9a-f]{2}){1,64}$/.test(idHex)) throw new KwError('InvalidParameter', 'key id must be 1-64 bytes of lowercase hex');
  return Buffer.from(idHex, 'hex');
}

/** One key object of a class by CKA_ID, cached per session; private/secret need a user login. */
export function keyObject(rt: ModuleRuntime, st: TokenState, idHex: string, cls: KeyObjectClass): CachedObject {
  const cacheKey = `${cls}:${idHex}`;
  const hit = st.objects.get(cacheKey);
  if (hit) return hit;
  if (cls !== 'public') rt.requireUser(st);
  const found = findHandles(rt, st, [
    { type: pkcs11js.CKA_CLASS, value: CLASS_NUMBER[cls] },
    { type: pkcs11js.CKA_ID, value: checkIdHex(idHex) },
  ], 2);
  const first = found[0];
  if (!first) throw new KwError('KeyNotFound', `no ${cls} key with this id on the token`, { idHex, objectClass: cls });
  if (found.length > 1) throw new KwError('TokenError', `more than one ${cls} key carries this id`, { idHex });
  const obj: CachedObject = {
    handle: first,
    alwaysAuthenticate: cls === 'private' ? readBool(rt, st, first, pkcs11js.CKA_ALWAYS_AUTHENTICATE) === true : false,
  };
  st.objects.set(cacheKey, obj);
  return obj;
}

export function generateKey(rt: ModuleRuntime, p: OpParams<'generateKey'>): GeneratedKey {
  if (p.label.length === 0 || p.label.length > 128) throw new KwError('InvalidParameter', 'label must be 1-128 characters');
  return rt.run(p.token, 'generate key', (st) => {
    rt.requireUser(st);
    const id = randomBytes(16);
    const t = keyTemplates(p.keySpec, p.label, id, p.alwaysAuthenticate);
    // Generation is one atomic C_Generate* call: on failure nothing is left behind.
    if (t.secret) rt.p11.C_GenerateKey(st.session, t.mechanism, t.secret);
    else if (t.pair) rt.p11.C_GenerateKeyPair(st.session, t.mechanism, t.pair.publicKey, t.pair.privateKey);
    return { idHex: id.toString('hex'), label: p.label, keySpec: p.keySpec };
  });
}

function allKeyHandles(rt: ModuleRuntime, st: TokenState, idHex: string): { cls: KeyObjectClass; handle: Buffer }[] {
  const out: { cls: KeyObjectClass; handle: Buffer }[] = [];
  for (const cls of ['secret', 'private', 'public'] as const) {
    const hs = findHandles(rt, st, [
      { type: pkcs11js.CKA_CLASS, value: CLASS_NUMBER[cls] },
      { type: pkcs11js.CKA_ID, value: checkIdHex(idHex) },
    ]);
    for (const handle of hs) out.push({ cls, handle });
  }
  return out;
}

export function findKey(rt: ModuleRuntime, p: KeyRef): KeyObjectInfo[] {
  return rt.run(p.token, 'find key', (st) => {
    rt.requireUser(st);
    const objs = allKeyHandles(rt, st, p.idHex);
    if (objs.length === 0) throw new KwError('KeyNotFound', 'no key with this id on the token', { idHex: p.idHex });
    return objs.map(({ cls, handle }) => {
      const kt = readAttr(rt, st, handle, pkcs11js.CKA_KEY_TYPE);
      const secretish = cls !== 'public';
      return {
        objectClass: cls,
        keyType: kt ? (KEY_TYPE_NAMES.get(readUlong(kt)) ?? `CKK_0x${readUlong(kt).toString(16)}`) : 'unknown',
        label: readAttr(rt, st, handle, pkcs11js.CKA_LABEL)?.toString('utf8') ?? '',
        idHex: p.idHex,
        token: readBool(rt, st, handle, pkcs11js.CKA_TOKEN) === true,
        private: readBool(rt, st, handle, pkcs11js.CKA_PRIVATE) === true,
        sensitive: secretish ? readBool(rt, st, handle, pkcs11js.CKA_SENSITIVE) : null,
        extractable: secretish ? readBool(rt, st, handle, pkcs11js.CKA_EXTRACTABLE) : null,
        alwaysSensitive: secretish ? readBool(rt, st, handle, pkcs11js.CKA_ALWAYS_SENSITIVE) : null,
        neverExtractable: secretish ? readBool(rt, st, handle, pkcs11js.CKA_NEVER_EXTRACTABLE) : null,
        alwaysAuthenticate: cls === 'private' ? readBool(rt, st, handle, pkcs11js.CKA_ALWAYS_AUTHENTICATE) : null,
      };
    });
  });
}

/** Tries to read the secret value and reports only whether it worked; bytes are wiped. */
export function probeExtractability(rt: ModuleRuntime, p: KeyRef): ExtractabilityProbe[] {
  return rt.run(p.token, 'probe extractability', (st) => {
    rt.requireUser(st);
    const objs = allKeyHandles(rt, st, p.idHex).filter((o) => o.cls !== 'public');
    if (objs.length === 0) throw new KwError('KeyNotFound', 'no secret or private key with this id', { idHex: p.idHex });
    return objs.map(({ cls, handle }) => {
      const kt = readAttr(rt, st, handle, pkcs11js.CKA_KEY_TYPE);
      const valueAttr = kt && readUlong(kt) === pkcs11js.CKK_RSA ? pkcs11js.CKA_PRIVATE_EXPONENT : pkcs11js.CKA_VALUE;
      let valueReadable = false;
      let valueReadError: string | null = null;
      try {
        const got = rt.p11.C_GetAttributeValue(st.session, handle, [{ type: valueAttr }])[0]?.value;
        valueReadable = got !== undefined && got.length > 0;
        got?.fill(0);
      } catch (e) {
        valueReadError = isPkcs11Error(e) ? ckrName(e.code) : 'error';
      }
      return {
        idHex: p.idHex,
        objectClass: cls,
        sensitive: readBool(rt, st, handle, pkcs11js.CKA_SENSITIVE) === true,
        extractable: readBool(rt, st, handle, pkcs11js.CKA_EXTRACTABLE) === true,
        valueReadable,
        valueReadError,
      };
    });
  });
}

export function publicKeySpkiOf(rt: ModuleRuntime, st: TokenState, idHex: string): Uint8Array {
  const { handle } = keyObject(rt, st, idHex, 'public');
  const kt = readAttr(rt, st, handle, pkcs11js.CKA_KEY_TYPE);
  const type = kt ? readUlong(kt) : -1;
  if (type === pkcs11js.CKK_RSA) {
    const n = readAttr(rt, st, handle, pkcs11js.CKA_MODULUS);
    const e = readAttr(rt, st, handle, pkcs11js.CKA_PUBLIC_EXPONENT);
    if (!n || !e) throw new KwError('TokenError', 'the token did not return the RSA public key');
    return rsaSpkiDer(n, e);
  }
  if (type === pkcs11js.CKK_EC) {
    const params = readAttr(rt, st, handle, pkcs11js.CKA_EC_PARAMS);
    const point = readAttr(rt, st, handle, pkcs11js.CKA_EC_POINT);
    if (!params || !point) throw new KwError('TokenError', 'the token did not return the EC public key');
    return ecSpkiDer(params, point);
  }
  throw new KwError('NotSupportedByToken', 'public key of this key type cannot be exported by the bridge');
}

export function publicKeySpki(rt: ModuleRuntime, p: KeyRef): Uint8Array {
  return rt.run(p.token, 'public key', (st) => publicKeySpkiOf(rt, st, p.idHex));
}

export function destroyKey(rt: ModuleRuntime, p: KeyRef): { destroyed: number } {
  return rt.run(p.token, 'C_DestroyObject', (st) => {
    rt.requireUser(st);
    const objs = allKeyHandles(rt, st, p.idHex);
    if (objs.length === 0) throw new KwError('KeyNotFound', 'no key with this id on the token', { idHex: p.idHex });
    for (const o of objs) rt.p11.C_DestroyObject(st.session, o.handle);
    st.objects.clear();
    return { destroyed: objs.length };
  });
}

export function listCertificates(rt: ModuleRuntime, p: OpParams<'listCertificates'>): CertificateObject[] {
  return rt.run(p.token, 'list certificates', (st) =>
    findHandles(rt, st, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }], 1024).flatMap((h) => {
      const der = readAttr(rt, st, h, pkcs11js.CKA_VALUE);
      if (!der || der.length === 0) return [];
      return [{
        label: readAttr(rt, st, h, pkcs11js.CKA_LABEL)?.toString('utf8') ?? '',
        idHex: readAttr(rt, st, h, pkcs11js.CKA_ID)?.toString('hex') ?? '',
        der: new Uint8Array(der),
      }];
    }),
  );
}

export function generateRandom(rt: ModuleRuntime, p: OpParams<'generateRandom'>): Uint8Array {
  if (!Number.isInteger(p.length) || p.length < 1 || p.length > 65536) throw new KwError('InvalidParameter', 'random length must be 1-65536 bytes');
  return rt.run(p.token, 'C_GenerateRandom', (st) => rt.p11.C_GenerateRandom(st.session, Buffer.alloc(p.length)));
}
