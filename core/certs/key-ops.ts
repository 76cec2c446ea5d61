/**
 * The certificate operations: sign and decrypt with the sealed private key, verify and
 * encrypt with the certificate's public key, and export of an exportable private key
 * under a password. Only Enabled certificates are used; the algorithm must fit the key
 * spec, and a certificate whose keyUsage extension forbids the purpose is refused.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { AsymEncryptAlgorithm, SignAlgorithm } from '../crypto/types.ts';
import { SPEC_CAPABILITIES, type KeySpec } from '../domain/key-specs.ts';
import type { CallContext } from '../kms/context.ts';
import { encryptPkcs8, exportPkcs12, parseCertificate } from '../x509/index.ts';
import { requireUsable } from './cert-states.ts';
import { chainDers, getCertificateRow, PRIVATE_KEY_SLOT, requireVerifiedChain, type CertificateKind, type CertificateRow } from './cert-repo.ts';
import { isTokenHeld, tokenDecrypt, tokenSign } from './token-keys.ts';

type Purpose = 'sign' | 'encrypt';
/** keyUsage bits that allow each purpose (RFC 5280 §4.2.1.3). */
const PURPOSE_BITS: Record<Purpose, readonly string[]> = {
  sign: ['digitalSignature', 'nonRepudiation'],
  encrypt: ['keyEncipherment', 'dataEncipherment'],
};

function usableRow(ctx: CallContext, kind: CertificateKind, id: string): CertificateRow {
  const row = getCertificateRow(ctx.db, kind, id);
  ctx.keyId = row.id;
  requireUsable(row.id, row.status);
  return row;
}

function requireAlgorithm(row: CertificateRow, purpose: Purpose, alg: SignAlgorithm | AsymEncryptAlgorithm): void {
  const caps = row.key_spec !== null && row.key_spec in SPEC_CAPABILITIES ? SPEC_CAPABILITIES[row.key_spec as KeySpec] : null;
  if (!caps) throw new KwError('UnsupportedOperation', `certificate ${row.id} has a key Keywarden cannot use (${row.key_spec ?? 'unknown spec'})`);
  const allowed: readonly string[] = purpose === 'sign' ? caps.signAlgorithms : caps.encryptAlgorithms;
  if (!allowed.includes(alg)) throw new KwError('InvalidParameter', `algorithm ${alg} does not fit a ${row.key_spec} key (allowed: ${allowed.join(', ') || 'none'})`);
  const usage = row.certificate ? parseCertificate(row.certificate).summary.keyUsage : null;
  if (usage !== null && !usage.some((u) => PURPOSE_BITS[purpose].includes(u))) {
    throw new KwError('IncorrectKeyUsage', `certificate ${row.id} key usage (${usage.join(', ')}) does not allow ${purpose === 'sign' ? 'signing' : 'encryption'}`);
  }
}

function messageInput(alg: string, messageType: 'RAW' | 'DIGEST', b64: string): Buffer {
  const input = Buffer.from(b64, 'base64');
  if (messageType === 'DIGEST' && input.length !== 32) throw new KwError('InvalidParameter', `a ${alg} digest is 32 bytes, got ${input.length}`);
  return input;
}

function withPrivateKey<T>(ctx: CallContext, row: CertificateRow, use: (pkcs8: Buffer) => T): T {
  if (!row.sealed_private_key) throw new KwError('UnsupportedOperation', `certificate ${row.id} has no private key in the vault`);
  const key = ctx.vault.sealer().open(row.id, PRIVATE_KEY_SLOT, row.sealed_private_key);
  try {
    return use(key);
  } finally {
    key.fill(0);
  }
}

export async function certificatePrivateKeySign(req: ParsedRequestOf<'certificatePrivateKeySign'>, ctx: CallContext): Promise<ResponseOf<'certificatePrivateKeySign'>> {
  const row = usableRow(ctx, 'KMS', req.certificateId);
  requireAlgorithm(row, 'sign', req.algorithm);
  const input = messageInput(req.algorithm, req.messageType, req.message);
  const sig = isTokenHeld(row)
    ? await tokenSign(ctx, row, req.algorithm, input, req.messageType)
    : withPrivateKey(ctx, row, (key) => ctx.suite.sign(req.algorithm, key, input, req.messageType));
  ctx.detail = { algorithm: req.algorithm, messageType: req.messageType };
  return { certificateId: row.id, signature: Buffer.from(sig).toString('base64'), algorithm: req.algorithm };
}

function verifyWith(kind: CertificateKind, req: ParsedRequestOf<'certificatePublicKeyVerify'>, ctx: CallContext): { certificateId: string; signatureValid: boolean } {
  const row = usableRow(ctx, kind, req.certificateId);
  requireAlgorithm(row, 'sign', req.algorithm);
  requireVerifiedChain(row);
  const input = messageInput(req.algorithm, req.messageType, req.message);
  const ok = ctx.suite.verify(req.algorithm, row.public_key, input, req.messageType, Buffer.from(req.signature, 'base64'));
  ctx.detail = { algorithm: req.algorithm, signatureValid: ok };
  return { certificateId: row.id, signatureValid: ok };
}

export function certificatePublicKeyVerify(req: ParsedRequestOf<'certificatePublicKeyVerify'>, ctx: CallContext): ResponseOf<'certificatePublicKeyVerify'> {
  return verifyWith('KMS', req, ctx);
}

export function certificatePublicKeyVerifyForUsbKey(req: ParsedRequestOf<'certificatePublicKeyVerifyForUsbKey'>, ctx: CallContext): ResponseOf<'certificatePublicKeyVerifyForUsbKey'> {
  return verifyWith('UKEY', req, ctx);
}

export function certificatePublicKeyEncrypt(req: ParsedRequestOf<'certificatePublicKeyEncrypt'>, ctx: CallContext): ResponseOf<'certificatePublicKeyEncrypt'> {
  const row = usableRow(ctx, 'KMS', req.certificateId);
  requireAlgorithm(row, 'encrypt', req.algorithm);
  requireVerifiedChain(row);
  const plaintext = Buffer.from(req.plaintext, 'base64');
  try {
    const ct = ctx.suite.asymmetricEncrypt(req.algorithm, row.public_key, plaintext);
    ctx.detail = { algorithm: req.algorithm };
    return { certificateId: row.id, ciphertextBlob: Buffer.from(ct).toString('base64') };
  } finally {
    plaintext.fill(0);
  }
}

export async function certificatePrivateKeyDecrypt(req: ParsedRequestOf<'certificatePrivateKeyDecrypt'>, ctx: CallContext): Promise<ResponseOf<'certificatePrivateKeyDecrypt'>> {
  const row = usableRow(ctx, 'KMS', req.certificateId);
  requireAlgorithm(row, 'encrypt', req.algorithm);
  const ciphertext = Buffer.from(req.ciphertextBlob, 'base64');
  const pt = isTokenHeld(row)
    ? await tokenDecrypt(ctx, row, req.algorithm, ciphertext)
    : withPrivateKey(ctx, row, (key) => ctx.suite.asymmetricDecrypt(req.algorithm, key, ciphertext));
  try {
    ctx.detail = { algorithm: req.algorithm };
    return { certificateId: row.id, plaintext: Buffer.from(pt).toString('base64') };
  } finally {
    pt.fill(0);
  }
}

export function exportCertificatePrivateKey(req: ParsedRequestOf<'exportCertificatePrivateKey'>, ctx: CallContext): ResponseOf<'exportCertificatePrivateKey'> {
  const row = usableRow(ctx, 'KMS', req.certificateId);
  if (isTokenHeld(row)) throw new KwError('PrivateKeyNotExportable', `the private key of certificate ${row.id} is held by token "${row.token_label}" and never leaves it`);
  if (row.exportable !== 1) throw new KwError('PrivateKeyNotExportable', `the private key of certificate ${row.id} was not marked exportable`);
  ctx.detail = { format: req.format };
  return withPrivateKey(ctx, row, (key) => {
    if (req.format === 'PKCS8') return { certificateId: row.id, format: 'PKCS8' as const, encryptedPrivateKey: encryptPkcs8(key, req.password) };
    const p12 = exportPkcs12({ privateKey: key, certificate: row.certificate!, chain: chainDers(ctx.db, row.id) }, req.password, row.name ? { friendlyName: row.name } : undefined);
    return { certificateId: row.id, format: 'PKCS12' as const, pkcs12: Buffer.from(p12).toString('base64') };
  });
}
