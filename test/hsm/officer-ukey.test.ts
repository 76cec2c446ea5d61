// Officers whose UKeys are SoftHSM2 tokens: each officer's key pair and certificate live
// on their own token. Sign-in answers the vault's challenge with a signature made on the
// token (the PIN goes only to the bridge); quorum approvals are signed on the tokens too,
// and openssl verifies an approval from the certificate alone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rejectsWith, TEST_PASSPHRASE } from '../helpers/temp-vault.ts';
import { OpensslDir } from '../x509/openssl.ts';
import { hsmVault, USER_PIN, type HsmVault } from './harness.ts';
import type { KeywardenApi } from '../../core/api/contract.ts';

const TOKENS = { li: 'UK-LI', zhang: 'UK-ZHANG' } as const;
const OBJECT = { li: 'a1', zhang: 'b2' } as const;
const ALG = { li: 'ECDSA_SHA_256', zhang: 'RSA_PKCS1_SHA_256' } as const;

describe('officers with UKey credentials on SoftHSM2 tokens', () => {
  let h: HsmVault;
  const ssl = new OpensslDir();
  let owner: { api: KeywardenApi };
  before(async () => {
    ssl.selfSignedCa('ca', 'rsa:2048', '/CN=Keywarden Officer CA/O=Keywarden');
    const usage = { ext: 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' };
    ssl.issue('li', 'ec', '/CN=Officer Li/O=Keywarden', 'ca', usage);
    ssl.issue('zhang', 'rsa:2048', '/CN=Officer Zhang/O=Keywarden', 'ca', usage);
    for (const n of ['li', 'zhang']) {
      ssl.run(['x509', '-in', `${n}.pem`, '-outform', 'DER', '-out', `${n}.der`]);
      ssl.run(['pkey', '-in', `${n}.key`, '-outform', 'DER', '-out', `${n}.key.der`]);
    }
    h = await hsmVault('officers', {
      extraTokens: [TOKENS.li, TOKENS.zhang],
      setup: (fx) => {
        for (const n of ['li', 'zhang'] as const) {
          const write = (file: string, type: string) =>
            fx.pkcs11Tool(['--token-label', TOKENS[n], '--login', '--pin', USER_PIN, '--write-object', ssl.path(file), '--type', type, '--id', OBJECT[n], '--label', n]);
          write(`${n}.key.der`, 'privkey');
          write(`${n}.der`, 'cert');
        }
      },
    });
    const api = h.v.api;
    await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/vault-key' });
    await api.addOfficer({ name: 'li', roles: ['key-manager'], credential: { kind: 'ukey', certificate: ssl.read('li.pem').toString(), tokenLabel: TOKENS.li, tokenObjectId: OBJECT.li } });
    owner = { api: h.v.kw.api({ actor: 'test', session: (await api.signIn({ officer: 'owner', passphrase: TEST_PASSPHRASE })).sessionToken }) };
    await owner.api.addOfficer({ name: 'zhang', roles: ['key-manager'], credential: { kind: 'ukey', certificate: ssl.read('zhang.der').toString('base64'), tokenLabel: TOKENS.zhang, tokenObjectId: OBJECT.zhang } });
  });
  after(async () => {
    await h.cleanup();
    ssl.cleanup();
  });

  /** What a door does for a UKey sign-in: token login, challenge, signature on the token, signIn. */
  async function ukeySignIn(name: 'li' | 'zhang'): Promise<{ api: KeywardenApi; assurance: string | null }> {
    const api = h.v.api;
    await api.tokenLogin({ tokenLabel: TOKENS[name], pin: USER_PIN });
    const ch = await api.beginSignIn({ officer: name });
    assert.equal(ch.credential.kind, 'ukey');
    const s = await api.signWithTokenKey({ tokenLabel: TOKENS[name], objectId: OBJECT[name], algorithm: ALG[name], message: ch.challenge });
    const r = await api.signIn({ officer: name, challengeId: ch.challengeId, signature: s.signature, algorithm: ALG[name] });
    return { api: h.v.kw.api({ actor: 'test', session: r.sessionToken }), assurance: r.session.assurance };
  }

  test('sign-in by challenge signature on each officer’s own token; high assurance; refusals', async () => {
    for (const name of ['li', 'zhang'] as const) {
      const s = await ukeySignIn(name);
      assert.equal(s.assurance, 'high');
      assert.equal((await s.api.whoAmI({})).officer?.name, name);
    }
    const api = h.v.api;
    // zhang's token answering li's challenge, and an answered challenge used again.
    const ch = await api.beginSignIn({ officer: 'li' });
    const wrong = await api.signWithTokenKey({ tokenLabel: TOKENS.zhang, objectId: OBJECT.zhang, algorithm: 'RSA_PKCS1_SHA_256', message: ch.challenge });
    await rejectsWith(api.signIn({ officer: 'li', challengeId: ch.challengeId, signature: wrong.signature, algorithm: 'RSA_PKCS1_SHA_256' }), 'CredentialInvalid');
    const ch2 = await api.beginSignIn({ officer: 'li' });
    const good = await api.signWithTokenKey({ tokenLabel: TOKENS.li, objectId: OBJECT.li, algorithm: 'ECDSA_SHA_256', message: ch2.challenge });
    await api.signIn({ officer: 'li', challengeId: ch2.challengeId, signature: good.signature, algorithm: 'ECDSA_SHA_256' });
    await rejectsWith(api.signIn({ officer: 'li', challengeId: ch2.challengeId, signature: good.signature, algorithm: 'ECDSA_SHA_256' }), 'CredentialInvalid');
    await rejectsWith(api.signIn({ officer: 'li', passphrase: 'no software credential' }), 'CredentialInvalid');
  });

  test('two officers approve with their tokens; openssl verifies the RSA approval; the request runs once', async () => {
    const li = (await ukeySignIn('li')).api;
    const zhang = (await ukeySignIn('zhang')).api;
    await rejectsWith(li.scheduleKeyDeletion({ cmkUuid: 'alias/vault-key', pendingWindowInDays: 10 }), 'QuorumRequired');
    const { request } = await li.proposeRequest({ operation: 'scheduleKeyDeletion', parameters: { cmkUuid: 'alias/vault-key', pendingWindowInDays: 10 } });
    const sigs: Record<string, string> = {};
    for (const [name, api] of [['li', li], ['zhang', zhang]] as const) {
      sigs[name] = (await api.signWithTokenKey({ tokenLabel: TOKENS[name], objectId: OBJECT[name], algorithm: ALG[name], message: request.statement })).signature;
      await api.approveRequest({ requestId: request.requestId, signature: sigs[name]!, algorithm: ALG[name] });
    }
    ssl.write('statement.bin', Buffer.from(request.statement, 'base64'));
    ssl.write('zhang.sig', Buffer.from(sigs.zhang!, 'base64'));
    ssl.run(['x509', '-in', 'zhang.pem', '-pubkey', '-noout', '-out', 'zhang.pub']);
    assert.match(ssl.run(['dgst', '-sha256', '-verify', 'zhang.pub', '-signature', 'zhang.sig', 'statement.bin']), /Verified OK/);
    const done = await zhang.executeRequest({ requestId: request.requestId });
    assert.equal(done.request.outcome, 'ok');
    assert.equal((await li.describeKey({ cmkUuid: 'alias/vault-key' })).keyMetadata.pendingWindowInDays, 10);
    await rejectsWith(li.executeRequest({ requestId: request.requestId }), 'RequestNotPending');
  });
});
