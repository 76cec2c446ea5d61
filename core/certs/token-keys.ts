/**
 * Certificates whose private key lives on a PKCS#11 token (protectionLevel HSM): the key
 * pair is generated there (non-extractable, labelled `keywarden-cert:<certificateId>`),
 * the PKCS#10 request is signed there, the CKA_ID goes into certificates.token_object_id,
 * and signing, decryption and deletion go back to the token through `ctx.tokenKeys`.
 * Nothing falls back to software: what the token cannot do is NotSupportedByToken.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { AsymEncryptAlgorithm, SignAlgorithm } from '../crypto/types.ts';
import type { CallContext } from '../kms/context.ts';
import type { TokenDecryptAlgorithm, TokenKeyPort, TokenSignAlgorithm } from '../kms/token-keys.ts';
import { uuidFrom } from '../ports/index.ts';
import { buildCsr, parseCsr } from '../x509/index.ts';
import { signatureSchemeFor } from '../x509/signer.ts';
import { insertCertificateRow, type CertificateRow } from './cert-repo.ts';

const TOKEN_SIGN: readonly string[] = ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256', 'ECDSA_SHA_256'] satisfies TokenSignAlgorithm[];
const TOKEN_DECRYPT: readonly string[] = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'] satisfies TokenDecryptAlgorithm[];

/** The CKA_LABEL of a certificate's key objects, so officers recognise them in other tools. */
export function certificateKeyLabel(certificateId: string): string {
  return `keywarden-cert:${certificateId}`;
}

function port(ctx: CallContext): TokenKeyPort {
  if (!ctx.tokenKeys) throw new KwError('UnsupportedOperation', 'protection level HSM needs a token module: run configureTokenModule (or kw --module PATH) first');
  return ctx.tokenKeys;
}

export async function createOnToken(req: ParsedRequestOf<'createCertificate'>, ctx: CallContext): Promise<ResponseOf<'createCertificate'>> {
  if (req.exportable) throw new KwError('InvalidParameter', 'exportable: a key generated on a token never leaves it', { field: 'exportable' });
  const tokens = port(ctx);
  const label = tokens.tokenLabel(req.tokenLabel);
  const id = uuidFrom(ctx.random);
  ctx.keyId = id;
  const spec = req.keySpec;
  // SM2 goes to the token's capability check, which refuses it with the token's own reason.
  const pair = await tokens.generateKeyPair(label, spec, certificateKeyLabel(id));
  try {
    const scheme = signatureSchemeFor(spec);
    const csr = await buildCsr(
      { subject: req.subject, subjectAlternativeNames: req.subjectAlternativeNames ?? [], publicKey: pair.publicKey },
      (tbs) => tokens.sign(label, pair.objectId, scheme.sign as TokenSignAlgorithm, tbs, 'RAW'),
    );
    const now = ctx.clock.now();
    ctx.detail = { keySpec: spec, protectionLevel: 'HSM', tokenLabel: label, tokenObjectId: pair.objectId };
    ctx.write(() =>
      insertCertificateRow(ctx.db, {
        id, kind: 'KMS', status: 'PendingIssue', source: 'CSR', name: req.name ?? req.subject.CN, key_spec: spec, protection_level: 'HSM',
        exportable: 0, public_key: pair.publicKey, sealed_private_key: null, csr: Buffer.from(csr.der),
        certificate: null, chain_report: null, subject_dn: parseCsr(csr.der).summary.subject.dn, issuer_dn: null, serial_number: null, not_before: null, not_after: null, sha256: null,
        token_label: label, token_object_id: pair.objectId, created_at: now, updated_at: now,
      }),
    );
    return { certificateId: id, csr: csr.pem, keySpec: spec };
  } catch (e) {
    // Nothing is recorded, so nothing may stay on the token either.
    await tokens.destroy(label, pair.objectId).catch(() => false);
    throw e;
  }
}

export function isTokenHeld(row: CertificateRow): boolean {
  return row.kind === 'KMS' && row.protection_level === 'HSM';
}

function tokenObject(row: CertificateRow): { label: string; objectId: string } {
  if (!row.token_label || !row.token_object_id) throw new KwError('InvalidCertificateState', `certificate ${row.id} names no token object`);
  return { label: row.token_label, objectId: row.token_object_id };
}

export async function tokenSign(ctx: CallContext, row: CertificateRow, alg: SignAlgorithm, input: Uint8Array, messageType: 'RAW' | 'DIGEST'): Promise<Buffer> {
  if (!TOKEN_SIGN.includes(alg)) throw new KwError('NotSupportedByToken', `${alg} is not done on tokens`);
  const { label, objectId } = tokenObject(row);
  return port(ctx).sign(label, objectId, alg as TokenSignAlgorithm, input, messageType);
}

export async function tokenDecrypt(ctx: CallContext, row: CertificateRow, alg: AsymEncryptAlgorithm, ciphertext: Uint8Array): Promise<Buffer> {
  if (!TOKEN_DECRYPT.includes(alg)) throw new KwError('NotSupportedByToken', `${alg} is not done on tokens`);
  const { label, objectId } = tokenObject(row);
  return port(ctx).decrypt(label, objectId, alg as TokenDecryptAlgorithm, ciphertext);
}

/** Destroys the key objects before the row goes; a key already gone from the token is no obstacle. */
export async function destroyTokenKey(ctx: CallContext, row: CertificateRow): Promise<boolean> {
  const { label, objectId } = tokenObject(row);
  return port(ctx).destroy(label, objectId);
}
