/** Overview: counts by state, what falls due soon, audit and self-test health. */
import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyMetadata } from '../../core/api/ops/keys.ts';
import { KEY_STATES, type KeyState } from '../../core/domain/key-states.ts';
import { DAY_MS } from '../../core/domain/limits.ts';
import { useServices, useSession } from '../context.tsx';
import { Section, StateBadge } from '../components/ui.tsx';
import { formatDate } from '../format.ts';
import { hasOperation } from '../domains.ts';

const SCAN = 1000;

export function OverviewScreen() {
  const { t, i18n } = useTranslation();
  const { api, ui } = useServices();
  const status = useSession((s) => s.status);
  const [counts, setCounts] = useState<Partial<Record<KeyState, number>>>({});
  const [recent, setRecent] = useState<KeyMetadata[]>([]);
  const [deleting, setDeleting] = useState<KeyMetadata[]>([]);
  const [chain, setChain] = useState<{ ok: boolean; records: number; brokenAtSeq: number | null } | null>(null);

  useEffect(() => {
    for (const keyState of KEY_STATES) void api.listKeys({ keyState, pageSize: 1 }).then((r) => setCounts((c) => ({ ...c, [keyState]: r.totalCount })), () => undefined);
    void api.listKeys({ keyState: 'Enabled', pageSize: SCAN, sortBy: 'updatedAt' }).then((r) => setRecent(r.keys), () => undefined);
    void api.listKeys({ keyState: 'PendingDeletion', pageSize: SCAN }).then((r) => setDeleting(r.keys), () => undefined);
    if (hasOperation('verifyAuditChain')) void (api as unknown as Record<string, (r: object) => Promise<typeof chain>>).verifyAuditChain!({}).then(setChain, () => setChain(null));
  }, [api]);

  const now = Date.now();
  const dueRotation = recent.filter((k) => k.nextRotationAt && Date.parse(k.nextRotationAt) - now < 7 * DAY_MS).sort((a, b) => Date.parse(a.nextRotationAt!) - Date.parse(b.nextRotationAt!));
  const dueDeletion = [...deleting].sort((a, b) => Date.parse(a.deletionDate ?? '') - Date.parse(b.deletionDate ?? ''));
  const total = KEY_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const keyLink = (k: KeyMetadata) => <button className="link mono" onClick={() => ui.getState().go({ screen: 'key', cmkUuid: k.cmkUuid })}>{k.aliases[0] ?? k.cmkUuid}</button>;

  return (
    <div className="page">
      <header className="page-head"><h1>{t('overview.title')}</h1></header>
      <div className="cards">
        <div className="card stat" data-testid="total-keys"><div className="stat-label">{t('overview.totalKeys')}</div><div className="stat-value">{total}</div></div>
        {KEY_STATES.map((s) => (
          <button key={s} className="card stat" onClick={() => ui.getState().go({ screen: 'keys' })}>
            <div className="stat-label"><StateBadge state={s} /></div>
            <div className="stat-value">{counts[s] ?? '…'}</div>
          </button>
        ))}
      </div>
      <div className="columns">
        <Section title={t('overview.dueRotation')}>
          {dueRotation.length === 0 ? <p className="muted">{t('overview.nothingDue')}</p> : null}
          <ul className="plain">{dueRotation.slice(0, 10).map((k) => <li key={k.cmkUuid}>{keyLink(k)} — {formatDate(k.nextRotationAt, i18n.language)}</li>)}</ul>
          <p className="muted small">{t('overview.scanned', { count: SCAN })}</p>
        </Section>
        <Section title={t('overview.dueDeletion')}>
          {dueDeletion.length === 0 ? <p className="muted">{t('overview.nothingDue')}</p> : null}
          <ul className="plain">{dueDeletion.slice(0, 10).map((k) => <li key={k.cmkUuid}>{keyLink(k)} — {formatDate(k.deletionDate, i18n.language)}</li>)}</ul>
        </Section>
        <Section title={t('overview.auditHealth')} testId="audit-health">
          <dl className="grid-dl">
            <dt>{t('overview.auditHealth')}</dt>
            <dd>
              {!status?.auditHealthy ? <span className="bad">{t('overview.auditUnhealthy')}</span> : chain ? (chain.ok ? <span className="good">{t('overview.auditOk', { count: chain.records })}</span> : <span className="bad">{t('overview.auditBroken', { seq: chain.brokenAtSeq })}</span>) : '…'}
            </dd>
            <dt>{t('overview.selfTest')}</dt>
            <dd>{status?.selfTest.ok ? <span className="good">{t('overview.passed')}</span> : <span className="bad">{t('overview.failed')}</span>}</dd>
            <dt>{t('overview.suite')}</dt>
            <dd className="mono">{status?.cryptoSuite}</dd>
            <dt>{t('overview.vaultId')}</dt>
            <dd className="mono">{status?.vaultId}</dd>
          </dl>
        </Section>
        <OverviewDomains />
      </div>
    </div>
  );
}

/** Certificates by status, expiring imported material and attached tokens, from whatever the contract offers. */
function OverviewDomains() {
  const { t, i18n } = useTranslation();
  const { api, ui } = useServices();
  const [certs, setCerts] = useState<Record<string, number> | null>(null);
  const [tokens, setTokens] = useState<string[] | null>(null);
  const [expiring, setExpiring] = useState<KeyMetadata[]>([]);
  useEffect(() => {
    if (hasOperation('listCertificate')) {
      const statuses = ['PendingIssue', 'Enabled', 'Disabled', 'Revoked'] as const;
      void Promise.all(statuses.map((status) => api.listCertificate({ status, pageSize: 1 }).then((r) => [status, r.totalCount] as const))).then((pairs) => setCerts(Object.fromEntries(pairs)), () => setCerts(null));
    }
    if (hasOperation('listTokens')) void api.listTokens({}).then((r) => setTokens(r.tokens.map((tk) => tk.label)), () => setTokens(null));
    void api.listKeys({ origin: 'EXTERNAL', keyState: 'Enabled', pageSize: SCAN }).then((r) => setExpiring(r.keys.filter((k) => k.materialExpiresAt && Date.parse(k.materialExpiresAt) - Date.now() < 30 * DAY_MS)), () => undefined);
  }, [api]);
  return (
    <>
      <Section title={t('overview.certsByState')}>
        {certs ? (
          <dl className="grid-dl">
            {Object.entries(certs).map(([status, n]) => (
              <Fragment key={status}><dt>{t(`certs.statuses.${status}`)}</dt><dd>{n}</dd></Fragment>
            ))}
          </dl>
        ) : <p className="muted">{t('overview.notAvailable')}</p>}
      </Section>
      <Section title={t('overview.expiringTokens')}>
        {expiring.length === 0 ? <p className="muted">{t('overview.nothingDue')}</p> : null}
        <ul className="plain">{expiring.map((k) => <li key={k.cmkUuid}><button className="link mono" onClick={() => ui.getState().go({ screen: 'key', cmkUuid: k.cmkUuid })}>{k.aliases[0] ?? k.cmkUuid}</button> — {formatDate(k.materialExpiresAt, i18n.language)}</li>)}</ul>
      </Section>
      <Section title={t('overview.attachedTokens')}>
        {tokens === null ? <p className="muted">{t('tokens.notConfigured')}</p> : tokens.length === 0 ? <p className="muted">{t('overview.nothingDue')}</p> : <ul className="plain">{tokens.map((l) => <li key={l} className="mono">{l}</li>)}</ul>}
      </Section>
    </>
  );
}
