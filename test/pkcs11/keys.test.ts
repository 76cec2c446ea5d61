// HSM-protection-level keys on a real SoftHSM2 token: generation as non-extractable
// token objects, every operation, and cross-checks with node:crypto and pkcs11-tool.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, createVerify, publicEncrypt, randomBytes } from 'node:crypto';
import { KwError } from '../../core/api/errors.ts';
import { TokenBridge } from '../../core/pkcs11/bridge.ts';
import type { KeySpec } from '../../core/pkcs11/protocol.ts';
import { SoftHsmFixture, USER_PIN } from './softhsm.ts';

const code = (c: string) => (e: unknown) => e instanceof KwError && e.code === c;

describe('token keys on SoftHSM2', () => {
  const fx = new SoftHsmFixture('keys');
  let bridge: TokenBridge;
  let tok: { serial: string };

  before(async () => {
    tok = { serial: fx.initToken('Keys') };
    bridge = new TokenBridge({ modulePath: fx.module, env: fx.env });
    await bridge.login(tok, USER_PIN);
  });
  after(async () => {
    await bridge.close();
    fx.cleanup();
  });

  test('AES-256: sensitive, non-extractable token object; GCM round trip with AAD; tamper fails', async () => {
    const k = await bridge.generateKey(tok, 'AES_256', 'kms-aes');
    assert.match(k.idHex, /^[0-9a-f]{32}$/);
    const [info] = await bridge.findKey(tok, k.idHex);
    assert.ok(info);
    assert.deepEqual(
      { cls: info.objectClass, type: info.keyType, label: info.label, token: info.token, priv: info.private, s: info.sensitive, x: info.extractable, ns: info.neverExtractable },
      { cls: 'secret', type: 'AES', label: 'kms-aes', token: true, priv: true, s: true, x: false, ns: true },
    );
    const aad = Buffer.from('key-id|v1');
    const pt = randomBytes(32);
    const sealed = await bridge.aesGcmEncrypt(tok, k.idHex, pt, { aad });
    assert.equal(sealed.iv.length, 12);
    assert.equal(sealed.tag.length, 16);
    assert.equal(sealed.ciphertext.length, 32);
    assert.deepEqual(Buffer.from(await bridge.aesGcmDecrypt(tok, k.idHex, sealed, { aad })), pt);
    await assert.rejects(bridge.aesGcmDecrypt(tok, k.idHex, sealed, { aad: Buffer.from('other') }), code('InvalidCiphertext'));
    const bad = { ...sealed, tag: Uint8Array.from(sealed.tag, (b, i) => (i === 0 ? b ^ 1 : b)) };
    await assert.rejects(bridge.aesGcmDecrypt(tok, k.idHex, bad, { aad }), code('InvalidCiphertext'));
    await assert.rejects(bridge.aesGcmEncrypt(tok, k.idHex, pt, { iv: new Uint8Array(16) }), code('InvalidParameter'));
    const probe = await bridge.probeExtractability(tok, k.idHex);
    assert.deepEqual(probe, [{ idHex: k.idHex, objectClass: 'secret', sensitive: true, extractable: false, valueReadable: false, valueReadError: 'CKR_ATTRIBUTE_SENSITIVE' }]);
  });

  test('AES-GCM uses a caller IV as given and random IVs otherwise', async () => {
    const k = await bridge.generateKey(tok, 'AES_256', 'gcm-iv');
    const iv = randomBytes(12);
    const a = await bridge.aesGcmEncrypt(tok, k.idHex, Buffer.from('same'), { iv });
    const b = await bridge.aesGcmEncrypt(tok, k.idHex, Buffer.from('same'), { iv });
    assert.deepEqual(Buffer.from(a.iv), iv);
    assert.deepEqual(Buffer.from(a.ciphertext), Buffer.from(b.ciphertext));
    const c = await bridge.aesGcmEncrypt(tok, k.idHex, Buffer.from('same'));
    assert.notDeepEqual(Buffer.from(c.iv), iv);
    assert.notDeepEqual(Buffer.from(c.ciphertext), Buffer.from(a.ciphertext));
  });

  test('vault root key: a 32-byte key wrapped and unwrapped by a non-extractable token AES key', async () => {
    const k = await bridge.generateKey(tok, 'AES_256', 'vault-root-wrap');
    const root = randomBytes(32);
    const aad = Buffer.from('keywarden-vault-root');
    const sealed = await bridge.wrapRootKey(tok, k.idHex, root, aad);
    assert.notDeepEqual(Buffer.from(sealed.ciphertext), root);
    const back = await bridge.unwrapRootKey(tok, k.idHex, sealed, aad);
    assert.deepEqual(Buffer.from(back), root);
    back.fill(0);
    root.fill(0);
    await assert.rejects(bridge.wrapRootKey(tok, k.idHex, randomBytes(16), aad), code('InvalidParameter'));
  });

  for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const satisfies readonly KeySpec[]) {
    test(`${spec}: PKCS#1 v1.5 and PSS signatures verify with node:crypto; SPKI has the right size`, async () => {
      const k = await bridge.generateKey(tok, spec, `kms-${spec}`);
      const spki = createPublicKey({ key: Buffer.from(await bridge.publicKeySpki(tok, k.idHex)), format: 'der', type: 'spki' });
      assert.equal(spki.asymmetricKeyDetails?.modulusLength, Number(spec.slice(4)));
      assert.equal(spki.asymmetricKeyDetails?.publicExponent, 65537n);
      const msg = Buffer.from(`challenge for ${spec}`);
      const p1 = await bridge.sign(tok, k.idHex, 'RSA_PKCS1_SHA_256', { message: msg });
      assert.ok(createVerify('sha256').update(msg).verify(spki, Buffer.from(p1)));
      const digest = createHash('sha256').update(msg).digest();
      const pss = await bridge.sign(tok, k.idHex, 'RSA_PSS_SHA_256', { digest });
      assert.ok(createVerify('sha256').update(msg).verify({ key: spki, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(pss)));
      assert.equal(await bridge.verify(tok, k.idHex, 'RSA_PSS_SHA_256', { message: msg }, pss), true);
      assert.equal(await bridge.verify(tok, k.idHex, 'RSA_PKCS1_SHA_256', { message: Buffer.from('other') }, p1), false);
      const probe = await bridge.probeExtractability(tok, k.idHex);
      assert.deepEqual(probe.map((p) => [p.objectClass, p.sensitive, p.extractable, p.valueReadable]), [['private', true, false, false]]);
    });
  }

  test('RSA-OAEP SHA-1 and SHA-256: decrypts node:crypto ciphertexts; token ciphertexts decrypt', async () => {
    const k = await bridge.generateKey(tok, 'RSA_2048', 'kms-oaep');
    const spki = createPublicKey({ key: Buffer.from(await bridge.publicKeySpki(tok, k.idHex)), format: 'der', type: 'spki' });
    for (const [alg, hash] of [['RSAES_OAEP_SHA_1', 'sha1'], ['RSAES_OAEP_SHA_256', 'sha256']] as const) {
      const secret = randomBytes(32);
      const ct = publicEncrypt({ key: spki, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, secret);
      const dec = await bridge.rsaDecrypt(tok, k.idHex, alg, ct);
      assert.deepEqual(Buffer.from(dec.plaintext), secret);
      // SoftHSM2 2.6 does OAEP with SHA-1 only; SHA-256 runs raw RSA on the token and unpads in the worker.
      assert.equal(dec.path, alg === 'RSAES_OAEP_SHA_1' ? 'token-oaep' : 'token-raw-rsa-host-oaep');
      const enc = await bridge.rsaEncrypt(tok, k.idHex, alg, secret);
      assert.deepEqual(Buffer.from((await bridge.rsaDecrypt(tok, k.idHex, alg, enc.ciphertext)).plaintext), secret);
      const tampered = Buffer.from(ct);
      tampered[10] = (tampered[10] ?? 0) ^ 0xff;
      await assert.rejects(bridge.rsaDecrypt(tok, k.idHex, alg, tampered), code('InvalidCiphertext'));
    }
  });

  test('EC P-256: ECDSA signatures are DER and verify with node:crypto; bad DER verifies false', async () => {
    const k = await bridge.generateKey(tok, 'EC_P256', 'kms-ec');
    const spki = createPublicKey({ key: Buffer.from(await bridge.publicKeySpki(tok, k.idHex)), format: 'der', type: 'spki' });
    assert.equal(spki.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const msg = Buffer.from('officer challenge');
    for (let i = 0; i < 4; i++) {
      const sig = await bridge.sign(tok, k.idHex, 'ECDSA_SHA_256', { message: msg });
      assert.equal(sig[0], 0x30);
      assert.ok(createVerify('sha256').update(msg).verify(spki, Buffer.from(sig)));
      assert.equal(await bridge.verify(tok, k.idHex, 'ECDSA_SHA_256', { message: msg }, sig), true);
    }
    assert.equal(await bridge.verify(tok, k.idHex, 'ECDSA_SHA_256', { message: msg }, Buffer.from('3000', 'hex')), false);
    const probe = await bridge.probeExtractability(tok, k.idHex);
    assert.deepEqual(probe.map((p) => [p.sensitive, p.extractable, p.valueReadable, p.valueReadError]), [[true, false, false, 'CKR_ATTRIBUTE_SENSITIVE']]);
  });

  test('pkcs11-tool sees the keys as sensitive/never-extractable and cannot read them', async () => {
    const aes = await bridge.generateKey(tok, 'AES_256', 'tool-aes');
    const ec = await bridge.generateKey(tok, 'EC_P256', 'tool-ec');
    const listing = fx.pkcs11Tool(['--token-label', 'Keys', '--login', '--pin', USER_PIN, '--list-objects']);
    const block = (id: string) => listing.split(/\n(?=\S)/).filter((b) => b.includes(`ID:         ${id}`));
    const aesBlock = block(aes.idHex).join('\n');
    assert.match(aesBlock, /Secret Key Object; AES length 32/);
    assert.match(aesBlock, /label:\s+tool-aes/);
    assert.match(aesBlock, /Access:\s+sensitive, always sensitive, never extractable/);
    assert.match(block(ec.idHex).join('\n'), /Private Key Object; EC[\s\S]*Access:\s+sensitive, always sensitive, never extractable/);
    // pkcs11-tool reads secret values with C_GetAttributeValue(CKA_VALUE): refused. (It does
    // not try for private keys at all, so for those the Access line above is the evidence.)
    assert.throws(() => fx.pkcs11Tool(['--token-label', 'Keys', '--login', '--pin', USER_PIN, '--read-object', '--type', 'secrkey', '--id', aes.idHex]), (e: unknown) => {
      assert.match(String((e as { stderr?: unknown }).stderr), /CKR_ATTRIBUTE_SENSITIVE/);
      return true;
    });
    // The public half is public: pkcs11-tool reads it.
    assert.ok(fx.pkcs11Tool(['--token-label', 'Keys', '--read-object', '--type', 'pubkey', '--id', ec.idHex]).length > 0);
  });

  test('CKA_ALWAYS_AUTHENTICATE keys need the PIN per operation (context-specific login)', async () => {
    const k = await bridge.generateKey(tok, 'RSA_2048', 'officer-key', { alwaysAuthenticate: true });
    const [priv] = (await bridge.findKey(tok, k.idHex)).filter((o) => o.objectClass === 'private');
    assert.equal(priv?.alwaysAuthenticate, true);
    const msg = Buffer.from('needs PIN each time');
    await assert.rejects(bridge.sign(tok, k.idHex, 'RSA_PKCS1_SHA_256', { message: msg }), (e: unknown) => code('TokenNotLoggedIn')(e) && (e as KwError).details?.contextSpecific === true);
    await assert.rejects(bridge.sign(tok, k.idHex, 'RSA_PKCS1_SHA_256', { message: msg }, { contextPin: '0000' }), code('TokenPinIncorrect'));
    const sig = await bridge.sign(tok, k.idHex, 'RSA_PKCS1_SHA_256', { message: msg }, { contextPin: USER_PIN });
    assert.equal(await bridge.verify(tok, k.idHex, 'RSA_PKCS1_SHA_256', { message: msg }, sig), true);
    const spki = createPublicKey({ key: Buffer.from(await bridge.publicKeySpki(tok, k.idHex)), format: 'der', type: 'spki' });
    const ct = publicEncrypt({ key: spki, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('x'));
    assert.equal(Buffer.from((await bridge.rsaDecrypt(tok, k.idHex, 'RSAES_OAEP_SHA_1', ct, { contextPin: USER_PIN })).plaintext).toString(), 'x');
    // The session is still usable for ordinary keys afterwards (no operation left active).
    const ec = await bridge.generateKey(tok, 'EC_P256', 'after-ctx');
    assert.ok((await bridge.sign(tok, ec.idHex, 'ECDSA_SHA_256', { message: msg })).length > 60);
  });

  test('random bytes, destroy, and lookups of missing keys', async () => {
    const r1 = await bridge.generateRandom(tok, 32);
    const r2 = await bridge.generateRandom(tok, 32);
    assert.equal(r1.length, 32);
    assert.notDeepEqual(Buffer.from(r1), Buffer.from(r2));
    await assert.rejects(bridge.generateRandom(tok, 0), code('InvalidParameter'));
    const k = await bridge.generateKey(tok, 'EC_P256', 'doomed');
    assert.deepEqual(await bridge.destroyKey(tok, k.idHex), { destroyed: 2 });
    await assert.rejects(bridge.findKey(tok, k.idHex), code('KeyNotFound'));
    await assert.rejects(bridge.sign(tok, k.idHex, 'ECDSA_SHA_256', { message: Buffer.from('x') }), code('KeyNotFound'));
    await assert.rejects(bridge.findKey(tok, 'XYZ'), code('InvalidParameter'));
  });

  test('many requests in flight at once all complete in order', async () => {
    const k = await bridge.generateKey(tok, 'AES_256', 'burst');
    const pts = Array.from({ length: 200 }, (_, i) => Buffer.from(`msg-${i}`));
    const sealed = await Promise.all(pts.map((p) => bridge.aesGcmEncrypt(tok, k.idHex, p)));
    const opened = await Promise.all(sealed.map((s) => bridge.aesGcmDecrypt(tok, k.idHex, s)));
    opened.forEach((o, i) => assert.equal(Buffer.from(o).toString(), `msg-${i}`));
  });

  test('random requests issued together share token calls yet each gets its own fresh bytes', async () => {
    // 3 × 30000 bytes exceed one 65536-byte C_GenerateRandom: the batch is split.
    const lengths = [32, 1, 30000, 16, 30000, 30000, 7];
    const outs = await Promise.all(lengths.map((n) => bridge.generateRandom(tok, n)));
    outs.forEach((o, i) => assert.equal(o.length, lengths[i]));
    const hexes = outs.filter((o) => o.length >= 16).map((o) => Buffer.from(o).toString('hex'));
    assert.equal(new Set(hexes).size, hexes.length);
    for (const o of outs.filter((x) => x.length >= 16)) assert.ok(o.some((b) => b !== 0), 'a caller got wiped bytes');
    // Each result owns its memory: wiping one leaves the others intact.
    const [a, b] = await Promise.all([bridge.generateRandom(tok, 32), bridge.generateRandom(tok, 32)]);
    const bCopy = Buffer.from(b!);
    a!.fill(0);
    assert.deepEqual(Buffer.from(b!), bCopy);
    await assert.rejects(bridge.generateRandom(tok, 65537), code('InvalidParameter'));
  });
});
