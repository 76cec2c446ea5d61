/**
 * BYOK preparation for external KMSs: check the request against the target's profile,
 * generate the material, wrap it as the target requires, keep an escrow copy sealed under
 * the vault root key, and record the package with its token expiry. The escrow lets the
 * officer wrap the same material again (rewrapByokEscrow) when the target's copy expires.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { ByokPackage, ByokPackageSummary } from '../api/ops/byok.ts';
import type { CallContext } from '../kms/context.ts';
import { decodeBase64 } from '../kms/guards.ts';
import { uuidFrom } from '../ports/index.ts';
import { buildPackageFiles } from './package-files.ts';
import { parsePublicKeyFile, type ParsedPublicKey } from './public-key-input.ts';
import { isChinaRegion, SYMMETRIC_MATERIAL_BYTES, TARGET_PROFILES, type AlgorithmRule, type ByokAlgorithm, type ByokKeySpec, type TargetProfile } from './targets.ts';
import { wrapMaterial } from './wrap-schemes.ts';
import type { TokenEscrow, TokenKeyPort } from '../kms/token-keys.ts';
import { escrowKeyLabel, tokenMaterialFor, tokenSchemeFor } from './prepare-token.ts';

const HOUR_MS = 3600_000;
/** Packages whose token lapses within this window are flagged. */
export const TOKEN_WARNING_MS = 6 * HOUR_MS;
const GENERATOR = 'Keywarden BYOK 1';

type WrapRequest = Omit<ParsedRequestOf<'rewrapByokEscrow'>, 'escrowId'>;

interface EscrowRow {
  id: string;
  key_spec: ByokKeySpec;
  source: 'SOFTWARE' | 'HSM';
  /** SOFTWARE: MaterialSealer blob under the root key. HSM: the token's CKM_AES_KEY_WRAP_PAD output. */
  sealed_material: Buffer;
  token_label: string | null;
  token_key_id: string | null;
  created_at: number;
}

/** The escrow a new package brings with it, inserted in the package's transaction. */
type NewEscrow = { source: 'SOFTWARE'; sealed: Buffer } | { source: 'HSM'; token: TokenEscrow };
type Wrapped = { wrapped: Buffer; newEscrow: NewEscrow | null };

interface PackageRow {
  id: string;
  escrow_id: string;
  target: string;
  wrapping_algorithm: string;
  region: string | null;
  token_expires_at: number | null;
  created_at: number;
  key_spec: string;
}

const refuse = (field: string, message: string): KwError => new KwError('InvalidParameter', `${field}: ${message}`, { field });

function regionAllows(rule: 'china-only' | 'outside-china' | undefined, china: boolean): boolean {
  return rule === undefined || (rule === 'china-only' ? china : !china);
}

/** Every rule of the target, checked before any material exists. Returns the algorithm's rule. */
export function checkTargetRules(profile: TargetProfile, req: WrapRequest, keySpec: ByokKeySpec, pk: ParsedPublicKey): AlgorithmRule {
  const alg: ByokAlgorithm = req.wrappingAlgorithm;
  const refusedWhy = profile.refused[alg];
  if (refusedWhy) throw refuse('wrappingAlgorithm', refusedWhy);
  const rule = profile.algorithms[alg];
  if (!rule) throw refuse('wrappingAlgorithm', `${profile.displayName} does not accept ${alg} (accepts: ${Object.keys(profile.algorithms).join(', ')})`);
  if (!rule.keySpecs.includes(keySpec)) throw refuse('keySpec', `${profile.displayName} with ${alg} imports ${rule.keySpecs.join(', ')}; not ${keySpec}`);
  if (!profile.regional && req.region !== undefined) throw refuse('region', `${profile.displayName} has no region-dependent rules`);
  const china = req.region !== undefined && isChinaRegion(req.region);
  const where = china ? 'China regions' : 'regions outside China';
  if (!regionAllows(rule.region, china)) throw refuse('wrappingAlgorithm', `${profile.displayName} does not accept ${alg} in ${where}`);
  if (!regionAllows(profile.keySpecRegions[keySpec], china)) throw refuse('keySpec', `${profile.displayName} does not import ${keySpec} keys in ${where}`);
  const wk = rule.wrappingKey;
  if (pk.kind !== wk.kind) throw new KwError('InvalidPublicKey', `${alg} needs an ${wk.kind} wrapping public key; the file holds an ${pk.kind} key`);
  if (wk.kind === 'RSA' && !wk.bits.includes(pk.rsaBits ?? 0)) {
    throw new KwError('InvalidPublicKey', `${profile.displayName} ${alg} needs an RSA ${wk.bits.join('/')}-bit wrapping key; the file holds ${pk.rsaBits} bits`);
  }
  if (req.importToken !== undefined && profile.tokenFileName === null) throw refuse('importToken', `${profile.displayName} has no import token`);
  if (profile.needsWrappingKeyId && req.wrappingKeyId === undefined) {
    throw new KwError('MissingParameter', `wrappingKeyId: ${profile.displayName} needs the key exchange key's identifier (kid)`, { field: 'wrappingKeyId' });
  }
  if (!profile.needsWrappingKeyId && req.wrappingKeyId !== undefined) throw refuse('wrappingKeyId', `${profile.displayName} does not use it`);
  if (req.tokenExpiresAt !== undefined && profile.tokenValidityHours === null) throw refuse('tokenExpiresAt', `${profile.displayName} wrapping keys do not expire`);
  return rule;
}

function tokenExpiry(ctx: CallContext, profile: TargetProfile, req: WrapRequest): number | null {
  if (profile.tokenValidityHours === null) return null;
  const latest = ctx.clock.now() + profile.tokenValidityHours * HOUR_MS;
  if (req.tokenExpiresAt === undefined) return latest;
  const given = Date.parse(req.tokenExpiresAt);
  if (!(given > ctx.clock.now())) throw new KwError('ImportTokenExpired', `the ${profile.displayName} import parameters already expired; download new ones`);
  return Math.min(given, latest);
}

export function summarize(now: number, row: PackageRow): ByokPackageSummary {
  const exp = row.token_expires_at;
  const status = exp === null ? 'none' : now >= exp ? 'expired' : exp - now <= TOKEN_WARNING_MS ? 'expiring' : 'valid';
  const iso = exp === null ? null : new Date(exp).toISOString();
  const warning =
    status === 'expired'
      ? `the ${row.target} import parameters expired at ${iso}; get new ones and rewrap the escrow`
      : status === 'expiring'
        ? `the ${row.target} import parameters expire at ${iso}; import before then`
        : null;
  return {
    packageId: row.id,
    escrowId: row.escrow_id,
    target: row.target,
    keySpec: row.key_spec,
    wrappingAlgorithm: row.wrapping_algorithm,
    region: row.region,
    createdAt: new Date(row.created_at).toISOString(),
    tokenExpiresAt: iso,
    tokenStatus: status,
    warning,
  };
}

const escrowSealId = (escrowId: string): string => `byok:escrow:${escrowId}`;

function generateMaterial(ctx: CallContext, spec: ByokKeySpec): Buffer {
  const n = SYMMETRIC_MATERIAL_BYTES[spec];
  if (n !== undefined) return ctx.random.bytes(n);
  const pair = ctx.suite.generateKeyPair(spec as 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'EC_P256' | 'SM2');
  return Buffer.from(pair.privateKey);
}

/**
 * Wraps material for one target (through `wrap`, after every check) and records the
 * package; a new escrow is inserted in the same transaction. A token escrow key whose
 * record could not be written is destroyed again.
 */
async function makePackage(ctx: CallContext, req: WrapRequest, escrowId: string, keySpec: ByokKeySpec, rule: AlgorithmRule, pk: ParsedPublicKey, wrap: () => Promise<Wrapped>): Promise<ByokPackage> {
  const profile = TARGET_PROFILES[req.target];
  const expiresAt = tokenExpiry(ctx, profile, req);
  const { wrapped, newEscrow } = await wrap();
  try {
    return record(ctx, req, escrowId, keySpec, rule, pk, wrapped, newEscrow, expiresAt);
  } catch (e) {
    if (newEscrow?.source === 'HSM') await ctx.tokenKeys?.destroy(newEscrow.token.tokenLabel, newEscrow.token.keyId).catch(() => false);
    throw e;
  }
}

function record(
  ctx: CallContext, req: WrapRequest, escrowId: string, keySpec: ByokKeySpec, rule: AlgorithmRule, pk: ParsedPublicKey,
  wrapped: Buffer, newEscrow: NewEscrow | null, expiresAt: number | null,
): ByokPackage {
  const profile = TARGET_PROFILES[req.target];
  const packageId = uuidFrom(ctx.random);
  const token = req.importToken === undefined ? null : decodeBase64(req.importToken);
  const tokenIso = expiresAt === null ? null : new Date(expiresAt).toISOString();
  const files = buildPackageFiles({
    profile,
    keySpec,
    wrappingAlgorithm: req.wrappingAlgorithm,
    wrapped,
    importToken: token,
    wrappingKeyId: req.wrappingKeyId ?? null,
    packageId,
    escrowId,
    tokenExpiresAt: tokenIso,
    generator: GENERATOR,
  });
  ctx.write(() => {
    const now = ctx.clock.now();
    if (newEscrow) {
      const token = newEscrow.source === 'HSM' ? newEscrow.token : null;
      const blob = newEscrow.source === 'HSM' ? newEscrow.token.blob : newEscrow.sealed;
      ctx.db
        .prepare('INSERT INTO byok_escrow (id, key_spec, source, sealed_material, token_label, token_key_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(escrowId, keySpec, newEscrow.source, blob, token?.tokenLabel ?? null, token?.keyId ?? null, now);
    }
    ctx.db
      .prepare(
        `INSERT INTO byok_packages (id, escrow_id, target, wrapping_algorithm, region, target_public_key, import_token, token_expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(packageId, escrowId, req.target, req.wrappingAlgorithm, req.region ?? null, pk.spki, token, expiresAt, now);
    ctx.detail = { target: req.target, keySpec, wrappingAlgorithm: req.wrappingAlgorithm, packageId, escrowId, ...(newEscrow ? { source: newEscrow.source } : {}) };
  });
  const warnings: string[] = [];
  if (rule.scheme.kind === 'rsa-pkcs1') warnings.push('RSAES_PKCS1_V1_5 is the weakest of the offered algorithms; prefer RSAES_OAEP_SHA_256 where the target allows it');
  if (tokenIso) warnings.push(`import into ${profile.displayName} before ${tokenIso}, when its wrapping key and token lapse`);
  return {
    packageId,
    escrowId,
    target: req.target,
    keySpec,
    wrappingAlgorithm: req.wrappingAlgorithm,
    files: Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, bytes.toString('base64')])),
    tokenExpiresAt: tokenIso,
    warnings,
  };
}

function targetKey(req: WrapRequest, keySpec: ByokKeySpec): { pk: ParsedPublicKey; rule: AlgorithmRule } {
  const pk = parsePublicKeyFile(decodeBase64(req.publicKey));
  return { pk, rule: checkTargetRules(TARGET_PROFILES[req.target], req, keySpec, pk) };
}

/** Software material: generated here, wrapped by the suite, escrow sealed under the root key; wiped after. */
function softwareWrap(ctx: CallContext, escrowId: string, keySpec: ByokKeySpec, rule: AlgorithmRule, pk: ParsedPublicKey): () => Promise<Wrapped> {
  return async () => {
    const material = generateMaterial(ctx, keySpec);
    try {
      const wrapped = wrapMaterial(ctx.suite, ctx.random, rule.scheme, pk.spki, material);
      return { wrapped, newEscrow: { source: 'SOFTWARE', sealed: ctx.vault.sealer().seal(escrowSealId(escrowId), keySpec, material) } };
    } finally {
      material.fill(0);
    }
  };
}

function tokenPort(ctx: CallContext): TokenKeyPort {
  if (!ctx.tokenKeys) throw new KwError('UnsupportedOperation', 'source HSM needs a token module: run configureTokenModule (or kw --module PATH) first');
  return ctx.tokenKeys;
}

export async function prepareByok(req: ParsedRequestOf<'prepareByok'>, ctx: CallContext): Promise<ResponseOf<'prepareByok'>> {
  const { pk, rule } = targetKey(req, req.keySpec);
  const escrowId = uuidFrom(ctx.random);
  if (req.source === 'SOFTWARE') {
    if (req.tokenLabel !== undefined) throw refuse('tokenLabel', 'names a token only with source HSM');
    return makePackage(ctx, req, escrowId, req.keySpec, rule, pk, softwareWrap(ctx, escrowId, req.keySpec, rule, pk));
  }
  // Material generated inside the token leaves it only wrapped: for the target and, as the escrow, under a token key.
  const material = tokenMaterialFor(req.keySpec);
  const scheme = tokenSchemeFor(rule.scheme);
  const port = tokenPort(ctx);
  const label = port.tokenLabel(req.tokenLabel);
  return makePackage(ctx, req, escrowId, req.keySpec, rule, pk, async () => {
    const r = await port.wrapNewMaterial(label, material, pk.spki, scheme, escrowKeyLabel(escrowId));
    return { wrapped: r.wrapped, newEscrow: { source: 'HSM', token: r.escrow } };
  });
}

function escrowRow(ctx: CallContext, escrowId: string): EscrowRow {
  const row = ctx.db.prepare('SELECT * FROM byok_escrow WHERE id = ?').get(escrowId.toLowerCase()) as EscrowRow | undefined;
  if (!row) throw new KwError('KeyNotFound', `no BYOK escrow ${escrowId} in this vault`);
  return row;
}

export async function rewrapByokEscrow(req: ParsedRequestOf<'rewrapByokEscrow'>, ctx: CallContext): Promise<ResponseOf<'rewrapByokEscrow'>> {
  const escrow = escrowRow(ctx, req.escrowId);
  const { pk, rule } = targetKey(req, escrow.key_spec);
  if (escrow.source === 'HSM') {
    // The same material, unwrapped only inside the token that holds its escrow key.
    const token: TokenEscrow = { tokenLabel: escrow.token_label!, keyId: escrow.token_key_id!, blob: escrow.sealed_material };
    const material = tokenMaterialFor(escrow.key_spec);
    const scheme = tokenSchemeFor(rule.scheme);
    const port = tokenPort(ctx);
    return makePackage(ctx, req, escrow.id, escrow.key_spec, rule, pk, async () => ({ wrapped: await port.rewrapEscrow(token, material, pk.spki, scheme), newEscrow: null }));
  }
  return makePackage(ctx, req, escrow.id, escrow.key_spec, rule, pk, async () => {
    const material = ctx.vault.sealer().open(escrowSealId(escrow.id), escrow.key_spec, escrow.sealed_material);
    try {
      return { wrapped: wrapMaterial(ctx.suite, ctx.random, rule.scheme, pk.spki, material), newEscrow: null };
    } finally {
      material.fill(0);
    }
  });
}

const PACKAGE_SELECT = 'SELECT p.id, p.escrow_id, p.target, p.wrapping_algorithm, p.region, p.token_expires_at, p.created_at, e.key_spec FROM byok_packages p JOIN byok_escrow e ON e.id = p.escrow_id';

export function listByokPackages(req: ParsedRequestOf<'listByokPackages'>, ctx: CallContext): ResponseOf<'listByokPackages'> {
  const where = req.target ? ' WHERE p.target = ?' : '';
  const args = req.target ? [req.target] : [];
  const total = (ctx.db.prepare(`SELECT count(*) AS n FROM byok_packages p${where}`).get(...args) as { n: number }).n;
  const rows = ctx.db
    .prepare(`${PACKAGE_SELECT}${where} ORDER BY p.created_at DESC, p.rowid DESC LIMIT ? OFFSET ?`)
    .all(...args, req.pageSize, (req.pageNumber - 1) * req.pageSize) as PackageRow[];
  const now = ctx.clock.now();
  return { packages: rows.map((r) => summarize(now, r)), totalCount: total };
}

export function getByokEscrow(req: ParsedRequestOf<'getByokEscrow'>, ctx: CallContext): ResponseOf<'getByokEscrow'> {
  const escrow = escrowRow(ctx, req.escrowId);
  const rows = ctx.db.prepare(`${PACKAGE_SELECT} WHERE p.escrow_id = ? ORDER BY p.created_at DESC, p.rowid DESC`).all(escrow.id) as PackageRow[];
  const now = ctx.clock.now();
  return {
    escrowId: escrow.id,
    keySpec: escrow.key_spec,
    source: escrow.source,
    tokenLabel: escrow.token_label,
    createdAt: new Date(escrow.created_at).toISOString(),
    packages: rows.map((r) => summarize(now, r)),
  };
}
