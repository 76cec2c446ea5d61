/**
 * Which operation families each key state permits. The KMS asks here before acting,
 * so the table is the whole truth about states.
 */
export const KEY_STATES = ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport'] as const;
export type KeyState = (typeof KEY_STATES)[number];

export type StateGate =
  | 'crypto' // encrypt, decrypt, data keys, sign, verify, mac, public key, reEncrypt
  | 'enable'
  | 'disable'
  | 'scheduleDeletion'
  | 'cancelDeletion'
  | 'rotate'
  | 'createVersion'
  | 'importMaterial'
  | 'deleteMaterial'
  | 'protect' // turning deletion protection on: refused while PendingDeletion (cancel the deletion first, as the reference console orders it)
  | 'metadata'; // description, aliases, tags, rotation policy, turning deletion protection off

const ALLOWED: Record<KeyState, ReadonlySet<StateGate>> = {
  Enabled: new Set<StateGate>(['crypto', 'disable', 'scheduleDeletion', 'rotate', 'createVersion', 'deleteMaterial', 'protect', 'metadata']),
  Disabled: new Set<StateGate>(['enable', 'scheduleDeletion', 'deleteMaterial', 'protect', 'metadata']),
  PendingDeletion: new Set<StateGate>(['cancelDeletion', 'metadata']),
  PendingImport: new Set<StateGate>(['importMaterial', 'scheduleDeletion', 'protect', 'metadata']),
};

export function permits(state: KeyState, gate: StateGate): boolean {
  return ALLOWED[state].has(gate);
}
