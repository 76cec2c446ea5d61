// The module profile file, its schema, and the capability check against the real
// SoftHSM2 mechanism list (which has no SM2/SM4 mechanisms).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KwError } from '../../core/api/errors.ts';
import { TokenBridge } from '../../core/pkcs11/bridge.ts';
import type { MechanismDescription } from '../../core/pkcs11/protocol.ts';
import { capabilityCheck, libraryCandidates, loadProfiles, parseProfiles } from '../../core/pkcs11/profiles.ts';
import type { ResolvedProfile } from '../../core/pkcs11/profiles.ts';
import { SoftHsmFixture } from './softhsm.ts';

const FILE = new URL('../../resources/pkcs11-profiles.json', import.meta.url).pathname;
const notSupported = (re: RegExp) => (e: unknown) => e instanceof KwError && e.code === 'NotSupportedByToken' && re.test(e.message);

describe('PKCS#11 module profiles', () => {
  const fx = new SoftHsmFixture('profiles');
  let profiles: ResolvedProfile[];
  let softhsm: ResolvedProfile;
  let mechs: MechanismDescription[];

  before(async () => {
    profiles = loadProfiles(FILE);
    const p = profiles.find((x) => x.id === 'softhsm2');
    assert.ok(p);
    softhsm = p;
    const serial = fx.initToken('Profiles');
    const bridge = new TokenBridge({ modulePath: fx.module, env: fx.env });
    mechs = await bridge.mechanisms({ serial });
    await bridge.close();
  });
  after(() => fx.cleanup());

  test('the shipped file parses and covers SoftHSM2, OpenSC and the Chinese vendors', () => {
    const ids = profiles.map((p) => p.id);
    for (const id of ['softhsm2', 'opensc', 'feitian-epass', 'longmai-gm3000', 'haitai', 'watchdata', 'sansec-hsm', 'westone', 'koal']) assert.ok(ids.includes(id), id);
    assert.equal(softhsm.status, 'verified');
    assert.ok(libraryCandidates(softhsm, 'linux').includes('/usr/lib/softhsm/libsofthsm2.so'));
    assert.ok(libraryCandidates(softhsm, 'win32').length > 0);
    assert.deepEqual(libraryCandidates(softhsm, 'aix'), []);
    const feitian = profiles.find((p) => p.id === 'feitian-epass');
    assert.equal(feitian?.sm?.status, 'placeholder');
  });

  test('vendor numbers are parsed from hex; the observed 0x8000 set has SM2 keygen at CKM_VENDOR_DEFINED+0x8001', () => {
    const raw = JSON.parse(readFileSync(FILE, 'utf8')) as { profiles: { id: string; smMechanismSet: string | null }[] };
    raw.profiles.push({ ...structuredClone(raw.profiles[0]!), id: 'observed-ukey', smMechanismSet: 'sm-vendor-base-0x8000' });
    const p = parseProfiles(raw).find((x) => x.id === 'observed-ukey');
    assert.equal(p?.sm?.sm2?.keyPairGen, 0x80008001);
    assert.equal(p?.sm?.sm2?.keyType, 0x80000004);
    assert.equal(p?.sm?.sm2?.sign.signatureFormat, 'raw-r-s');
  });

  test('malformed files are rejected with the path of the problem', () => {
    assert.throws(() => parseProfiles({ formatVersion: 2, mechanismSets: {}, profiles: [] }), (e: unknown) => e instanceof KwError && /formatVersion/.test(e.message));
    const bad = JSON.parse(readFileSync(FILE, 'utf8')) as { mechanismSets: Record<string, { sm2: { keyPairGen: string } }> };
    bad.mechanismSets['sm-vendor-base-0x8000']!.sm2.keyPairGen = 'CKM_SM2_KEY_PAIR_GEN';
    assert.throws(() => parseProfiles(bad), (e: unknown) => e instanceof KwError && /keyPairGen/.test(e.message));
    const dangling = JSON.parse(readFileSync(FILE, 'utf8')) as { profiles: { smMechanismSet: string | null }[] };
    dangling.profiles[0]!.smMechanismSet = 'nope';
    assert.throws(() => parseProfiles(dangling), (e: unknown) => e instanceof KwError && /unknown mechanism set/.test(e.message));
  });

  test('SoftHSM2 passes for AES/RSA/EC key specs with its real mechanism list', () => {
    for (const spec of ['AES_256', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256'] as const) {
      const r = capabilityCheck(softhsm, mechs, spec);
      assert.equal(r.ok, true);
    }
    assert.equal(capabilityCheck(softhsm, mechs, 'EC_P256').mechanisms.sign, 0x1041);
  });

  test('SM2/SM4 on SoftHSM2 are NotSupportedByToken, never a software fallback', () => {
    assert.throws(() => capabilityCheck(softhsm, mechs, 'EC_SM2'), notSupported(/no vendor mechanism set for SM2/));
    assert.throws(() => capabilityCheck(softhsm, mechs, 'SM4'), notSupported(/no vendor mechanism set for SM4/));
    // Even with an observed vendor set, the token must report the numbers itself.
    const withSet: ResolvedProfile = { ...softhsm, sm: observedSet() };
    assert.throws(() => capabilityCheck(withSet, mechs, 'EC_SM2'), notSupported(/missing keyPairGen 0x80008001, sign 0x80008100/));
    assert.throws(() => capabilityCheck(withSet, mechs, 'SM4'), notSupported(/no SM4 mechanisms/));
  });

  test('placeholder vendor numbers are refused; reported vendor numbers pass', () => {
    const feitian = profiles.find((p) => p.id === 'feitian-epass')!;
    assert.throws(() => capabilityCheck(feitian, [0x80000000], 'EC_SM2'), notSupported(/placeholders/));
    const ukey: ResolvedProfile = { ...feitian, sm: observedSet() };
    const r = capabilityCheck(ukey, [0x80008001, 0x80008100, 0x80008200], 'EC_SM2');
    assert.deepEqual(r.mechanisms, { keyPairGen: 0x80008001, sign: 0x80008100, encrypt: 0x80008200 });
  });

  test('key sizes outside what the token reports are refused', () => {
    const small = mechs.map((m) => (m.name === 'CKM_RSA_PKCS_KEY_PAIR_GEN' ? { ...m, maxKeySize: 2048 } : m));
    assert.equal(capabilityCheck(softhsm, small, 'RSA_2048').ok, true);
    assert.throws(() => capabilityCheck(softhsm, small, 'RSA_4096'), notSupported(/key size outside 512-2048/));
  });

  function observedSet(): NonNullable<ResolvedProfile['sm']> {
    const raw = JSON.parse(readFileSync(FILE, 'utf8')) as { profiles: { id: string; smMechanismSet: string | null }[] };
    raw.profiles[0]!.smMechanismSet = 'sm-vendor-base-0x8000';
    const sm = parseProfiles(raw)[0]!.sm;
    assert.ok(sm);
    return sm;
  }
});
