/**
 * Numbered migrations, applied in order inside one transaction each; `user_version`
 * records the last one applied. Never edit a released migration: add the next number.
 */
import type { Migration } from './migration.ts';
import { m001Initial } from './001-initial.ts';
import { m002Byok } from './002-byok.ts';
import { m003Certificates } from './003-certificates.ts';
import { m004TokenHeldMaterial } from './004-token-held-material.ts';
import { m005KeyCountsIndex } from './005-key-counts-index.ts';
import { m006KeyedAuditChain } from './006-keyed-audit-chain.ts';
import { m007DeletionFidelity } from './007-deletion-fidelity.ts';
import { m008Officers } from './008-officers.ts';

export type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [m001Initial, m002Byok, m003Certificates, m004TokenHeldMaterial, m005KeyCountsIndex, m006KeyedAuditChain, m007DeletionFidelity, m008Officers];
