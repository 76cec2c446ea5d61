/**
 * The dispatch table: every operation of the contract mapped to its use case. The
 * mapped type makes a missing or mistyped handler a compile error.
 */
import type { OperationName } from '../api/contract.ts';
import type { HandlerTable } from '../kms/handler.ts';
import type { TokenOperation } from '../api/ops/tokens.ts';
import type { OfficerOperation } from '../api/ops/officers.ts';
import type { QuorumOperation } from '../api/ops/quorum.ts';
import * as lifecycle from '../kms/lifecycle.ts';
import * as versions from '../kms/versions.ts';
import * as aliases from '../kms/aliases.ts';
import * as tags from '../kms/tags.ts';
import { listKeys } from '../kms/list-keys.ts';
import * as sym from '../kms/symmetric.ts';
import * as asym from '../kms/asymmetric.ts';
import * as misc from '../kms/mac-digest-random.ts';
import * as auditQueries from '../audit/queries.ts';
import * as byokImport from '../byok/import-material.ts';
import { getParametersForImport } from '../byok/import-params.ts';
import * as dataKeyExport from '../byok/data-key-export.ts';
import * as byokPrepare from '../byok/prepare.ts';
import { certificateHandlers } from '../certs/operations.ts';
import { describeVaultOverview } from '../kms/overview.ts';

export type { Handler, HandlerTable } from '../kms/handler.ts';

/** Vault/session operations are served by the service itself (they need the passphrase flow). */
export type VaultOperation = 'getVaultStatus' | 'initVault' | 'unlockVault' | 'lockVault' | 'changePassphrase' | 'runScheduledWork';

/** Token operations are served by the service too (token-handlers.ts): most run while the vault is locked. */
export const kmsHandlers: HandlerTable<Exclude<OperationName, VaultOperation | TokenOperation | OfficerOperation | QuorumOperation>> = {
  createKey: lifecycle.createKey,
  createDefaultKey: lifecycle.createDefaultKey,
  describeKey: lifecycle.describeKey,
  listKeys,
  updateKeyDescription: lifecycle.updateKeyDescription,
  enableKey: lifecycle.enableKey,
  disableKey: lifecycle.disableKey,
  scheduleKeyDeletion: lifecycle.scheduleKeyDeletion,
  cancelKeyDeletion: lifecycle.cancelKeyDeletion,
  deleteProtect: lifecycle.deleteProtect,
  cancelDeleteProtect: lifecycle.cancelDeleteProtect,
  createAlias: aliases.createAlias,
  updateAlias: aliases.updateAlias,
  deleteAlias: aliases.deleteAlias,
  listAlias: aliases.listAlias,
  listAliasByUuid: aliases.listAliasByUuid,
  tagResource: tags.tagResource,
  untagResource: tags.untagResource,
  listTags: tags.listTags,
  updateRotationPolicy: versions.updateRotationPolicy,
  rotateKey: versions.rotateKey,
  createKeyVersion: versions.createKeyVersion,
  listKeyVersions: versions.listKeyVersions,
  describeKeyVersion: versions.describeKeyVersion,
  encrypt: sym.encrypt,
  decrypt: sym.decrypt,
  reEncrypt: sym.reEncrypt,
  generateDataKey: sym.generateDataKey,
  generateDataKeyWithoutPlaintext: sym.generateDataKeyWithoutPlaintext,
  asymmetricSign: asym.asymmetricSign,
  asymmetricVerify: asym.asymmetricVerify,
  asymmetricEncrypt: asym.asymmetricEncrypt,
  asymmetricDecrypt: asym.asymmetricDecrypt,
  getPublicKey: asym.getPublicKey,
  hmacCompute: misc.hmacCompute,
  hmacVerify: misc.hmacVerify,
  messageDigest: misc.messageDigest,
  getRandom: misc.getRandom,
  listAuditEvents: auditQueries.listAuditEvents,
  verifyAuditChain: auditQueries.verifyAuditChain,
  createAuditCheckpoint: auditQueries.createAuditCheckpoint,
  getAuditCheckpoint: auditQueries.getAuditCheckpoint,
  exportAuditLog: auditQueries.exportAuditLog,
  getParametersForImport,
  importKeyMaterial: byokImport.importKeyMaterial,
  deleteKeyMaterial: byokImport.deleteKeyMaterial,
  exportDataKey: dataKeyExport.exportDataKey,
  generateAndExportDataKey: dataKeyExport.generateAndExportDataKey,
  prepareByok: byokPrepare.prepareByok,
  rewrapByokEscrow: byokPrepare.rewrapByokEscrow,
  listByokPackages: byokPrepare.listByokPackages,
  getByokEscrow: byokPrepare.getByokEscrow,
  ...certificateHandlers,
  describeVaultOverview,
};
