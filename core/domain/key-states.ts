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
  | 'metadata'; // description, aliases, tags, rotation policy, deletion protection

const ALLOWED: Record<KeyState, ReadonlySet<StateGate>> = {
  Enabled: new Set<StateGate>(['crypto', 'disable', 'scheduleDeletion', 'rotate', 'createVersion', 'deleteMaterial', 'metadata']),
  Disabled: new Set<StateGate>(['enable', 'scheduleDeletion', 'deleteMaterial', 'metadata']),
  PendingDeletion: new Set<StateGate>(['cancelDeletion', 'metadata']),
  PendingImport: new Set<StateGate>(['importMaterial', 'scheduleDeletion', 'metadata']),
};

export function permits(state: KeyState, gate: StateGate): boolean {
  return ALLOWED[state].has(gate);
}
