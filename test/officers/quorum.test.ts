// M-of-N approval: propose, approve (here and from files carried to another vault
// process), execute once with exactly the approved parameters; every bad approval is a
// typed error that executes nothing and is audited; openssl verifies an approval.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { kw } from '../helpers/cli.ts';
import { rejectsWith, tempVault, TEST_PASSPHRASE, type TempVault } from '../helpers/temp-vault.ts';
import type { KeywardenApi } from '../../core/api/contract.ts';
import type { ApprovalFile } from '../../core/api/ops/quorum.ts';

const PASS = { kim: 'kim passphrase 1', ken: 'ken passphrase 2', cory: 'cory passphrase 3', sue: 'sue passphrase 4' } as const;

describe('quorum requests', () => {
  let v: TempVault;
  let dir: string;
  const as: Record<string, KeywardenApi> = {};
  const ids: Record<string, string> = {};
  // The client is returned inside an object: awaiting the proxy itself would ask it for 'then'.
  const signIn = async (name: keyof typeof PASS) => ({ api: v.kw.api({ actor: 'test', session: (await v.api.signIn({ officer: name, passphrase: PASS[name] })).sessionToken }) });
  const keyState = async () => (await as.kim!.describeKey({ cmkUuid: 'alias/del' })).keyMetadata.keyState;

  before(async () => {
    v = await tempVault();
    dir = mkdtempSync(join(tmpdir(), 'kw-quorum-'));
    await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/del' });
    const roles = { kim: 'key-manager', ken: 'key-manager', cory: 'crypto-operator', sue: 'key-manager' } as const;
    as.owner = v.api;
    for (const name of ['kim', 'ken', 'cory', 'sue'] as const) {
      if (name !== 'kim') as.owner = v.kw.api({ actor: 'test', session: (await v.api.signIn({ officer: 'owner', passphrase: TEST_PASSPHRASE })).sessionToken });
      const r = await as.owner.addOfficer({ name, roles: [roles[name]], credential: { kind: 'software', passphrase: PASS[name] } });
      ids[name] = r.officer.officerId;
    }
    for (const name of ['kim', 'ken', 'cory', 'sue'] as const) as[name] = (await signIn(name)).api;
  });
  after(() => {
    v.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the shipped policies: 2 key managers for destructive key operations, 2 administrators for custody changes', async () => {
    const p = new Map((await as.kim!.listQuorumPolicies({})).policies.map((x) => [x.operation, `${x.required}×${x.role}`]));
    for (const op of ['scheduleKeyDeletion', 'cancelDeleteProtect', 'exportDataKey', 'generateAndExportDataKey', 'exportCertificatePrivateKey', 'deleteKeyMaterial', 'prepareByok']) assert.equal(p.get(op), '2×key-manager', op);
    for (const op of ['addOfficer', 'updateOfficer', 'createRole', 'setQuorumPolicy', 'initToken', 'addTokenUnlock']) assert.equal(p.get(op), '2×administrator', op);
  });

  test('a guarded operation called directly is refused with QuorumRequired and changes nothing', async () => {
    await rejectsWith(as.kim!.scheduleKeyDeletion({ cmkUuid: 'alias/del', pendingWindowInDays: 7 }), 'QuorumRequired');
    assert.equal(await keyState(), 'Enabled');
  });

  test('propose, every bad approval refused, then execute once with exactly the approved parameters', async () => {
    const { request } = await as.kim!.proposeRequest({ operation: 'scheduleKeyDeletion', parameters: { cmkUuid: 'alias/del', pendingWindowInDays: 7 } });
    assert.equal(request.digestSha256.length, 64);
    assert.equal(request.digestSm3.length, 64);
    assert.match(Buffer.from(request.statement, 'base64').toString(), new RegExp(`request ${request.requestId}\\noperation scheduleKeyDeletion\\nsha256 ${request.digestSha256}\\nsm3 ${request.digestSm3}`));
    const id = request.requestId;
    await rejectsWith(as.kim!.executeRequest({ requestId: id }), 'QuorumNotMet');
    await rejectsWith(as.cory!.proposeRequest({ operation: 'scheduleKeyDeletion', parameters: { cmkUuid: 'alias/del' } }), 'AccessDenied');

    await as.kim!.approveRequest({ requestId: id, passphrase: PASS.kim });
    await rejectsWith(as.kim!.approveRequest({ requestId: id, passphrase: PASS.kim }), 'ApprovalDuplicate');
    await rejectsWith(as.cory!.approveRequest({ requestId: id, passphrase: PASS.cory }), 'ApprovalNotEligible');
    await rejectsWith(as.ken!.approveRequest({ requestId: id, passphrase: 'not ken' }), 'CredentialInvalid');

    // ken signs the request as a file (as on another machine); forged and truncated copies are refused.
    const file = await as.kim!.exportRequest({ requestId: id });
    const approval = await as.ken!.signApproval({ file: file as never, passphrase: PASS.ken });
    const sig = Buffer.from(approval.signature, 'base64');
    const forged = Buffer.from(sig);
    forged[forged.length - 3]! ^= 0x40;
    await rejectsWith(as.kim!.approveRequest({ requestId: id, approval: { ...approval, signature: forged.toString('base64') } }), 'ApprovalInvalid');
    await rejectsWith(as.kim!.approveRequest({ requestId: id, approval: { ...approval, signature: sig.subarray(0, sig.length - 5).toString('base64') } }), 'ApprovalInvalid');
    await rejectsWith(as.kim!.approveRequest({ requestId: id, approval: { ...approval, officerId: ids.sue! } }), 'ApprovalInvalid');

    // An approval for other parameters: ken's approval of this request offered to a second one.
    const other = (await as.kim!.proposeRequest({ operation: 'scheduleKeyDeletion', parameters: { cmkUuid: 'alias/del', pendingWindowInDays: 30 } })).request;
    await rejectsWith(as.kim!.approveRequest({ requestId: other.requestId, approval: { ...approval, requestId: other.requestId } }), 'ApprovalMismatch');
    await rejectsWith(as.kim!.approveRequest({ requestId: other.requestId, approval: { ...approval, requestId: other.requestId, digestSha256: other.digestSha256, statement: other.statement } }), 'ApprovalInvalid');
    // A file whose digests do not match the request it shows is not signed.
    await rejectsWith(as.ken!.signApproval({ file: { ...file, request: { ...file.request, parameters: { cmkUuid: 'alias/del', pendingWindowInDays: 30 } } } as never, passphrase: PASS.ken }), 'ApprovalMismatch');
    assert.equal(await keyState(), 'Enabled');

    await as.kim!.approveRequest({ requestId: id, approval });
    await rejectsWith(as.kim!.approveRequest({ requestId: id, approval }), 'ApprovalReplayed');
    await rejectsWith(as.cory!.executeRequest({ requestId: id }), 'AccessDenied');

    const done = await as.ken!.executeRequest({ requestId: id });
    assert.equal(done.request.status, 'executed');
    assert.equal(done.request.outcome, 'ok');
    assert.equal(done.request.executedBy, ids.ken);
    assert.deepEqual(done.request.approvals.map((a) => a.officerName).sort(), ['ken', 'kim']);
    const meta = (done.result as { keyMetadata: { keyState: string; pendingWindowInDays: number } }).keyMetadata;
    assert.equal(meta.keyState, 'PendingDeletion');
    assert.equal(meta.pendingWindowInDays, 7);
    await rejectsWith(as.kim!.executeRequest({ requestId: id }), 'RequestNotPending');
    await rejectsWith(as.kim!.approveRequest({ requestId: other.requestId, approval: { ...approval, requestId: other.requestId } }), 'ApprovalMismatch');

    // openssl verifies the approval from the file alone, with the credential's public key.
    const ken = (await as.owner!.listOfficers({})).officers.find((o) => o.name === 'ken')!;
    const spki = Buffer.from(ken.credentials[0]!.publicKey!, 'base64');
    writeFileSync(join(dir, 'ken.pem'), `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`);
    writeFileSync(join(dir, 'statement'), Buffer.from(approval.statement, 'base64'));
    writeFileSync(join(dir, 'sig'), sig);
    const ok = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'ken.pem'), '-signature', join(dir, 'sig'), join(dir, 'statement')], { encoding: 'utf8' });
    assert.equal(ok.stdout.trim(), 'Verified OK', ok.stderr);

    const rows = (v.kw.services.audit.flush(), v.kw.services.db.prepare("SELECT event, actor, error_code FROM audit_log WHERE event IN ('approveRequest', 'executeRequest', 'scheduleKeyDeletion') ORDER BY seq").all()) as Array<{ event: string; actor: string; error_code: string | null }>;
    const codes = rows.filter((r) => r.event === 'approveRequest' && r.error_code).map((r) => r.error_code);
    for (const c of ['ApprovalDuplicate', 'ApprovalNotEligible', 'ApprovalInvalid', 'ApprovalMismatch', 'ApprovalReplayed']) assert.ok(codes.includes(c), `audited: ${c}`);
    assert.ok(rows.some((r) => r.event === 'scheduleKeyDeletion' && r.actor === ids.ken && r.error_code === null), 'the approved operation runs as the executor');
    assert.ok(rows.some((r) => r.event === 'scheduleKeyDeletion' && r.error_code === 'QuorumRequired'));
  });

  test('suspended approvers, expired and withdrawn requests', async () => {
    await as.kim!.cancelKeyDeletion({ cmkUuid: 'alias/del' }).catch(() => undefined);
    const r = (await as.kim!.proposeRequest({ operation: 'deleteKeyMaterial', parameters: { cmkUuid: 'alias/del' }, expiresInHours: 1 })).request;
    const file = await as.kim!.exportRequest({ requestId: r.requestId });
    const sueApproval = await as.sue!.signApproval({ file: file as never, passphrase: PASS.sue });
    await as.owner!.updateOfficer({ officerId: 'sue', status: 'suspended' });
    await rejectsWith(as.kim!.approveRequest({ requestId: r.requestId, approval: sueApproval }), 'OfficerSuspended');
    await as.ken!.approveRequest({ requestId: r.requestId, passphrase: PASS.ken });
    v.clock.advance(2 * 3_600_000);
    as.kim = (await signIn('kim')).api;
    as.ken = (await signIn('ken')).api;
    await rejectsWith(as.kim.approveRequest({ requestId: r.requestId, passphrase: PASS.kim }), 'RequestExpired');
    await rejectsWith(as.ken.executeRequest({ requestId: r.requestId }), 'RequestExpired');
    assert.equal((await as.kim.listRequests({ status: 'expired' })).requests.length >= 1, true);

    const w = (await as.kim.proposeRequest({ operation: 'cancelDeleteProtect', parameters: { cmkUuid: 'alias/del' } })).request;
    await rejectsWith(as.ken.withdrawRequest({ requestId: w.requestId }), 'AccessDenied');
    await as.kim.withdrawRequest({ requestId: w.requestId });
    await rejectsWith(as.ken.approveRequest({ requestId: w.requestId, passphrase: PASS.ken }), 'RequestNotPending');
    await rejectsWith(as.kim.approveRequest({ requestId: 'nope', passphrase: PASS.kim }), 'RequestNotFound');
  });

  test('a request carried as files between two vault processes: exported here, signed by a kw process, imported here', async () => {
    const r = (await as.kim!.proposeRequest({ operation: 'cancelDeleteProtect', parameters: { cmkUuid: 'alias/del' } })).request;
    writeFileSync(join(dir, 'req.json'), JSON.stringify(await as.kim!.exportRequest({ requestId: r.requestId })));
    const signed = kw(v.dir, ['approval', 'sign', join(dir, 'req.json'), '--out', join(dir, 'approval.json')], { KW_OFFICER: 'ken', KW_OFFICER_PASSPHRASE: PASS.ken, KW_PASSPHRASE: TEST_PASSPHRASE });
    assert.equal(signed.status, 0, signed.err);
    const approval = JSON.parse(readFileSync(join(dir, 'approval.json'), 'utf8')) as ApprovalFile;
    assert.equal(approval.officerId, ids.ken);
    await as.kim!.approveRequest({ requestId: r.requestId, approval });
    await as.kim!.approveRequest({ requestId: r.requestId, passphrase: PASS.kim });
    const done = await as.kim!.executeRequest({ requestId: r.requestId });
    assert.equal(done.request.outcome, 'ok');
  });
});
