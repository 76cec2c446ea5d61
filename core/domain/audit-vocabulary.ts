/**
 * How audit records are classified for the audit screen's filters, after the reference
 * console's (资源类型 resource type, 事件级别 event level).
 */
export const AUDIT_RESOURCE_TYPES = ['key', 'certificate', 'token', 'vault', 'audit'] as const;
export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];

/** normal: succeeded; warning: refused or failed; incident: a failure that may be an attack (wrong passphrase or PIN, corrupt vault, failed self-test, audit unwritable, access refused). */
export const AUDIT_LEVELS = ['normal', 'warning', 'incident'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
