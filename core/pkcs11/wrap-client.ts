/**
 * Parent-side entry points for the BYOK wrapping operations (wrap-ops.ts runs them in the
 * bridge child). Inputs are checked here before they travel; no pkcs11js is loaded.
 */
import { KwError } from '../api/errors.ts';
import type { TokenBridge } from './bridge.ts';
import type { TokenSelector } from './protocol.ts';
import { WRAP_MATERIAL_SPECS } from './wrap-protocol.ts';
import type { TokenWrapScheme, WrapMaterialSpec, WrapNewResult } from './wrap-protocol.ts';

const HEX = /^(?:[0-9a-f]{2}){1,64}$/;

function checkSpec(material: WrapMaterialSpec, targetSpki: Uint8Array): void {
  if (!WRAP_MATERIAL_SPECS.includes(material)) throw new KwError('NotSupportedByToken', `material ${String(material)} is not generated on tokens by the bridge`);
  if (!(targetSpki instanceof Uint8Array) || targetSpki.length === 0) throw new KwError('InvalidParameter', 'target public key must be SPKI DER bytes');
}

/** Generates material on the token, wraps it for the target and under a new escrow key (labelled `escrowLabel`). */
export async function wrapNewMaterial(
  bridge: TokenBridge, token: TokenSelector, material: WrapMaterialSpec, targetSpki: Uint8Array, scheme: TokenWrapScheme, escrowLabel: string,
): Promise<WrapNewResult> {
  checkSpec(material, targetSpki);
  return bridge.call('byokWrapNew', { token, material, targetSpki, scheme, escrowLabel });
}

/** Unwraps an escrow blob inside the token (as a session object) and wraps it for a target. */
export async function rewrapEscrow(
  bridge: TokenBridge, token: TokenSelector, material: WrapMaterialSpec, escrow: { keyIdHex: string; blob: Uint8Array }, targetSpki: Uint8Array, scheme: TokenWrapScheme,
): Promise<Uint8Array> {
  checkSpec(material, targetSpki);
  if (!HEX.test(escrow.keyIdHex)) throw new KwError('InvalidParameter', 'escrow key id must be lowercase hex');
  const r = await bridge.call('byokRewrap', { token, material, escrowKeyIdHex: escrow.keyIdHex, escrowBlob: escrow.blob, targetSpki, scheme });
  return r.wrapped;
}
