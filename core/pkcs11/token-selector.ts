/** Declared apart from protocol.ts so that wrap-protocol.ts can name a token without importing it back. */
/** How a caller names a token: any combination must match exactly one token. */
export interface TokenSelector {
  /** CK_TOKEN_INFO.serialNumber, trimmed; stable across re-insertion. */
  serial?: string;
  /** CK_TOKEN_INFO.label, trimmed. */
  label?: string;
  /** Slot id as hex (pkcs11js handle); changes between sessions of some modules. */
  slotId?: string;
}
