/**
 * One random 256-bit BYOK secret per vault, sealed under the root key in `byok_secrets`,
 * from which purpose-bound subkeys are derived with HMAC-SHA-256. The subkeys key the
 * import-token MAC and the material fingerprints; neither can be computed or checked
 * without the unlocked vault, so a copied catalogue reveals nothing about the material.
 */
import type { Services } from '../kms/context.ts';

const SECRET_NAME = 'byok-master';
const SEAL_KEY_ID = 'byok:secret';
export type SubkeyPurpose = 'import-token' | 'material-fingerprint';

function derive(svc: Services, master: Uint8Array, purpose: SubkeyPurpose): Buffer {
  return Buffer.from(svc.suite.hmac('SHA-256', master, Buffer.from(`keywarden/byok/v1/${purpose}`)));
}

function load(svc: Services): Buffer | null {
  const row = svc.db.prepare('SELECT sealed FROM byok_secrets WHERE name = ?').get(SECRET_NAME) as { sealed: Buffer } | undefined;
  return row ? svc.vault.sealer().open(SEAL_KEY_ID, SECRET_NAME, row.sealed) : null;
}

/** The subkey, creating the vault's BYOK secret on first use (call inside a write transaction). */
export function ensureSubkey(svc: Services, purpose: SubkeyPurpose): Buffer {
  let master = load(svc);
  if (!master) {
    const fresh = svc.random.bytes(32);
    svc.db
      .prepare('INSERT OR IGNORE INTO byok_secrets (name, sealed, created_at) VALUES (?, ?, ?)')
      .run(SECRET_NAME, svc.vault.sealer().seal(SEAL_KEY_ID, SECRET_NAME, fresh), svc.clock.now());
    fresh.fill(0);
    master = load(svc)!;
  }
  try {
    return derive(svc, master, purpose);
  } finally {
    master.fill(0);
  }
}

/** The subkey, or null when this vault never issued BYOK parameters. */
export function existingSubkey(svc: Services, purpose: SubkeyPurpose): Buffer | null {
  const master = load(svc);
  if (!master) return null;
  try {
    return derive(svc, master, purpose);
  } finally {
    master.fill(0);
  }
}

/**
 * HMAC-SHA-256 of the material under the fingerprint subkey, bound to the key id: equal
 * material in two keys gives unrelated fingerprints, and the plain hash is never stored.
 */
export function materialFingerprint(svc: Services, keyId: string, material: Uint8Array): Buffer {
  const k = ensureSubkey(svc, 'material-fingerprint');
  try {
    return Buffer.from(svc.suite.hmac('SHA-256', k, Buffer.concat([Buffer.from(`keywarden/byok/material/v1|${keyId}|`), material])));
  } finally {
    k.fill(0);
  }
}
