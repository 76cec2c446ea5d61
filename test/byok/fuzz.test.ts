/**
 * Malformed input for every parser of what an officer carries in that BYOK adds: public
 * key files (DER, PEM, base64 text), import tokens, encrypted key material (each wrapping
 * algorithm) and imported PKCS#8 private keys. Deterministic: truncations at every length,
 * bit flips at seeded positions, seeded random bytes. Each case must end in a typed
 * KwError (never InternalError, never a crash) and, through the API, change nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KwError } from '../../core/api/errors.ts';
import { parsePublicKeyFile, parsePublicKeyParam } from '../../core/byok/public-key-input.ts';
import { checkImportedPrivateKey } from '../../core/byok/private-key-check.ts';
import { systemRandom } from '../../core/ports/index.ts';
import { defaultSuite } from '../../core/crypto/suite.ts';
import { b64, byokVault, snapshot } from './harness.ts';
import { prng } from '../helpers/prng.ts';


/** Truncations (every length up to `maxTrunc`, evenly spread), bit flips and random inputs. */
function mutations(valid: Buffer, seed: number, counts = { trunc: 120, flips: 160, random: 80 }): Buffer[] {
  const rnd = prng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < counts.trunc; i++) out.push(valid.subarray(0, Math.floor((i * valid.length) / counts.trunc)));
  for (let i = 0; i < counts.flips; i++) {
    const m = Buffer.from(valid);
    const flips = 1 + Math.floor(rnd() * 3);
    for (let f = 0; f < flips; f++) {
      const pos = Math.floor(rnd() * m.length);
      m[pos] = m[pos]! ^ (1 << Math.floor(rnd() * 8));
    }
    out.push(m);
  }
  for (let i = 0; i < counts.random; i++) {
    const len = 1 + Math.floor(rnd() * valid.length * 1.5);
    const m = Buffer.alloc(len);
    for (let j = 0; j < len; j++) m[j] = Math.floor(rnd() * 256);
    // Half of them start like DER, to get past the first byte.
    if (i % 2 === 0) m[0] = 0x30;
    out.push(m);
  }
  return out;
}

function typed(fn: () => unknown, codes: readonly string[]): 'ok' | string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof KwError, `not a KwError: ${String(e)}`);
    assert.ok(codes.includes(e.code), `unexpected ${e.code}: ${e.message}`);
    return e.code;
  }
}

describe('BYOK parsers under malformed input', () => {
  test('public key files: DER, PEM and base64 text, RSA/SM2/P-256', () => {
    const samples: Buffer[] = [];
    const gen = (spec: 'RSA_2048' | 'SM2' | 'EC_P256') => Buffer.from(defaultSuite().generateKeyPair(spec).publicKey);
    for (const spec of ['RSA_2048', 'SM2', 'EC_P256'] as const) samples.push(gen(spec));
    let cases = 0;
    const outcomes = new Map<string, number>();
    for (const [i, der] of samples.entries()) {
      const pem = Buffer.from(`-----BEGIN PUBLIC KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`);
      const text = Buffer.from(der.toString('base64'));
      for (const [j, form] of [der, pem, text].entries()) {
        for (const m of mutations(form, 1000 + i * 10 + j, { trunc: 40, flips: 60, random: 30 })) {
          const r = typed(() => parsePublicKeyFile(m), ['InvalidPublicKey']);
          outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
          typed(() => parsePublicKeyParam(m.toString('latin1')), ['InvalidPublicKey']);
          typed(() => parsePublicKeyParam(m.toString('base64')), ['InvalidPublicKey']);
          cases += 3;
        }
      }
    }
    assert.ok(cases >= 1000, `${cases} cases`);
    assert.ok((outcomes.get('InvalidPublicKey') ?? 0) > cases / 6, 'most mutations are refused');
  });

  test('imported PKCS#8 private keys', () => {
    const suite = defaultSuite();
    let cases = 0;
    for (const [i, [spec, usage]] of ([['RSA_2048', 'SIGN_VERIFY'], ['EC_P256', 'SIGN_VERIFY'], ['SM2', 'ENCRYPT_DECRYPT']] as const).entries()) {
      const pkcs8 = Buffer.from(suite.generateKeyPair(spec).privateKey);
      for (const m of mutations(pkcs8, 2000 + i, { trunc: 60, flips: 80, random: 40 })) {
        typed(() => checkImportedPrivateKey(suite, systemRandom, spec, usage, m), ['InvalidKeyMaterial']);
        cases++;
      }
    }
    assert.ok(cases >= 500);
  });

  test('through the API: tokens, encrypted material for each algorithm, public keys — typed errors, catalogue unchanged', async () => {
    const v = await byokVault();
    try {
      const { suite } = v.kw.services;
      const aes = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      const sm4 = (await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      const ec = (await v.api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      const plans = [
        { cmkUuid: aes, spec: 'RSA_2048', alg: 'RSAES_OAEP_SHA_256', wrap: (pk: Buffer) => suite.rsaOaepEncrypt(pk, { hash: 'SHA-256', mgf1Hash: 'SHA-256' }, Buffer.alloc(32, 1)) },
        { cmkUuid: aes, spec: 'RSA_2048', alg: 'RSAES_PKCS1_V1_5', wrap: (pk: Buffer) => suite.asymmetricEncrypt('RSAES_PKCS1_V1_5', pk, Buffer.alloc(32, 1)) },
        { cmkUuid: sm4, spec: 'EC_SM2', alg: 'SM2PKE', wrap: (pk: Buffer) => suite.asymmetricEncrypt('SM2PKE', pk, Buffer.alloc(16, 1)) },
        {
          cmkUuid: ec,
          spec: 'RSA_2048',
          alg: 'RSA_AES_KEY_WRAP_SHA_1',
          wrap: (pk: Buffer) => {
            const k = Buffer.alloc(32, 9);
            return Buffer.concat([suite.rsaOaepEncrypt(pk, { hash: 'SHA-1', mgf1Hash: 'SHA-1' }, k), suite.aesKeyWrapPad(k, suite.generateKeyPair('EC_P256').privateKey)]);
          },
        },
      ] as const;
      let cases = 0;
      const expectCode = async (p: Promise<unknown>, codes: readonly string[]) => {
        await assert.rejects(p, (e: { code?: string; message?: string }) => {
          assert.ok(codes.includes(e.code ?? ''), `unexpected ${e.code}: ${e.message}`);
          return true;
        });
        cases++;
      };
      const issued = [];
      for (const plan of plans) {
        const p = await v.api.getParametersForImport({ cmkUuid: plan.cmkUuid, wrappingKeySpec: plan.spec, wrappingAlgorithm: plan.alg });
        issued.push({ plan, p, encrypted: Buffer.from(plan.wrap(Buffer.from(p.publicKey, 'base64'))) });
      }
      const frozen = snapshot(v.kw);
      for (const [i, { plan, p, encrypted }] of issued.entries()) {
        const req = { cmkUuid: plan.cmkUuid, importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const };
        for (const m of mutations(encrypted, 3000 + i, { trunc: 50, flips: 70, random: 40 })) {
          await expectCode(v.api.importKeyMaterial({ ...req, encryptedKeyMaterial: b64(m) }), ['UnwrapFailed', 'InvalidKeyMaterial', 'InvalidParameter']);
        }
        for (const m of mutations(Buffer.from(p.importToken, 'base64'), 4000 + i, { trunc: 40, flips: 60, random: 30 })) {
          await expectCode(v.api.importKeyMaterial({ ...req, encryptedKeyMaterial: b64(encrypted), importToken: b64(m) }), ['ImportTokenInvalid', 'InvalidParameter']);
        }
        assert.equal(snapshot(v.kw), frozen);
      }
      const rsaPk = Buffer.from(issued[0]!.p.publicKey, 'base64');
      for (const m of mutations(rsaPk, 5000, { trunc: 60, flips: 100, random: 40 })) {
        await expectCode(v.api.exportDataKey({ ciphertextBlob: b64(Buffer.alloc(80, 1)), publicKey: b64(m), wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), ['InvalidPublicKey', 'InvalidCiphertext', 'InvalidParameter']);
        await expectCode(
          v.api.prepareByok({ target: 'tianyi', publicKey: b64(m), wrappingAlgorithm: 'SM2PKE', keySpec: 'SM4' }),
          ['InvalidPublicKey', 'InvalidParameter'],
        );
      }
      assert.equal(snapshot(v.kw), frozen);
      assert.ok(cases >= 1500, `${cases} API cases`);
    } finally {
      v.cleanup();
    }
  });
});
