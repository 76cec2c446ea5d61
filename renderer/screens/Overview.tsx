/**
 * Overview: the whole vault at a glance from one describeVaultOverview call (exact over
 * every key, not a sample). Only the attached-token list needs a second call, and only
 * when a token module is configured: it asks the token bridge, which the catalogue cannot.
 */
import { Fragment, useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../core/api/errors.ts';
import { errorData } from '../api/client.ts';
import type { DueList, VaultOverview } from '../../core/api/ops/overview.ts';
import type { TokenView } from '../../core/api/ops/tokens.ts';
import { KEY_STATES, type KeyState } from '../../core/domain/key-states.ts';
import { useServices, useSession } from '../context.tsx';
import { ErrorBanner, Section, StateBadge } from '../components/ui.tsx';
import { formatDate } from '../format.ts';
import { hasOperation } from '../domains.ts';

const WINDOWS = [7, 30, 90, 365] as const;

export function OverviewScreen() {
  const { t } = useTranslation();
  const { api, ui, keys } = useServices();
  const [withinDays, setWithinDays] = useState<number>(30);
  const [overview, setOverview] = useState<VaultOverview | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);

  const load = useCallback(() => {
    api.describeVaultOverview({ withinDays }).then(
      (o) => (setOverview(o), setError(null)),
      (e: unknown) => setError(errorData(e)),
    );
  }, [api, withinDays]);
  useEffect(load, [load]);

  const showKeys = (keyState: KeyState) => {
    void keys.getState().setFilters({ keyState });
    ui.getState().go({ screen: 'keys' });
  };

  return (
    <div className="page">
      <header className="page-head">
        <h1>{t('overview.title')}</h1>
        <div className="actions">
          <label className="muted small" htmlFor="overview-window">{t('overview.window')}</label>
          <select id="overview-window" data-testid="overview-window" value={withinDays} onChange={(e) => setWithinDays(Number(e.target.value))}>
            {WINDOWS.map((d) => <option key={d} value={d}>{t('common.days', { count: d })}</option>)}
          </select>
          <button onClick={load}>{t('common.refresh')}</button>
        </div>
      </header>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="cards">
        <div className="card stat" data-testid="total-keys"><div className="stat-label">{t('overview.totalKeys')}</div><div className="stat-value">{overview?.keys.total ?? '…'}</div></div>
        {KEY_STATES.map((s) => (
          <button key={s} className="card stat" data-testid={`keys-${s}`} onClick={() => showKeys(s)}>
            <div className="stat-label"><StateBadge state={s} /></div>
            <div className="stat-value">{overview?.keys.byState[s] ?? '…'}</div>
          </button>
        ))}
      </div>
      {overview ? <OverviewPanels overview={overview} /> : null}
    </div>
  );
}

function OverviewPanels({ overview: o }: { overview: VaultOverview }) {
  const { t, i18n } = useTranslation();
  const { ui } = useServices();
  const date = (iso: string) => formatDate(iso, i18n.language);
  const overdue = (iso: string) => (Date.parse(iso) <= Date.parse(o.at) ? <span className="bad small"> ({t('overview.overdue')})</span> : null);
  const keyLink = (k: { cmkUuid: string; alias: string | null }) => (
    <button className="link mono" onClick={() => ui.getState().go({ screen: 'key', cmkUuid: k.cmkUuid })}>{k.alias ?? k.cmkUuid}</button>
  );
  const specs = Object.entries(o.keys.bySpec).filter(([, n]) => n > 0);
  const days = o.withinDays;

  return (
    <div className="columns">
      <DueSection title={t('overview.dueRotation', { count: days })} testId="due-rotation" list={o.dueRotation} render={(k) => <li key={k.cmkUuid}>{keyLink(k)} — {date(k.date)}{overdue(k.date)}</li>} />
      <DueSection title={t('overview.dueDeletion', { count: days })} testId="due-deletion" list={o.dueDeletion} render={(k) => <li key={k.cmkUuid}>{keyLink(k)} — {date(k.date)}</li>} />
      <AuditPanel audit={o.audit} />
      <Section title={t('overview.keysBySpec')} testId="keys-by-spec">
        {specs.length === 0 ? <p className="muted">{t('overview.noKeys')}</p> : (
          <dl className="grid-dl">{specs.map(([spec, n]) => <Fragment key={spec}><dt className="mono">{spec}</dt><dd>{n}</dd></Fragment>)}</dl>
        )}
        <h4>{t('overview.keysByProtection')}</h4>
        <dl className="grid-dl">
          {Object.entries(o.keys.byProtectionLevel).map(([pl, n]) => <Fragment key={pl}><dt>{t(`protection.${pl}`)}</dt><dd>{n}</dd></Fragment>)}
        </dl>
      </Section>
      <Section title={t('overview.certsByState')} testId="certs-by-status">
        <dl className="grid-dl">
          {Object.entries(o.certificates.byStatus).map(([status, n]) => <Fragment key={status}><dt>{t(`certs.statuses.${status}`)}</dt><dd>{n}</dd></Fragment>)}
        </dl>
        <p className="muted small">{t('common.total', { count: o.certificates.total })}</p>
      </Section>
      <DueSection title={t('overview.materialExpiring', { count: days })} testId="material-expiring" list={o.materialExpiring} render={(k) => <li key={k.cmkUuid}>{keyLink(k)} — {date(k.date)}</li>} />
      <DueSection
        title={t('overview.importTokensExpiring', { count: days })}
        testId="import-tokens-expiring"
        list={o.importTokensExpiring}
        render={(tok) => <li key={tok.importTokenId}>{keyLink(tok)} — {date(tok.expiresAt)}</li>}
      />
      <DueSection
        title={t('overview.byokPackagesExpiring', { count: days })}
        testId="byok-packages-expiring"
        list={o.byokPackagesExpiring}
        render={(p) => <li key={p.packageId}><span className="mono">{p.target} · {p.keySpec}</span> — {date(p.tokenExpiresAt)}</li>}
      />
      {o.tokenDestructionsPending.totalCount > 0 ? <TokenDestructionsPanel list={o.tokenDestructionsPending} /> : null}
      <TokensPanel module={o.tokenModule} />
    </div>
  );
}

function DueSection<T>(props: { title: string; testId: string; list: DueList<T>; render: (item: T) => ReactNode }) {
  const { t } = useTranslation();
  const { items, totalCount } = props.list;
  return (
    <Section title={props.title} testId={props.testId} actions={totalCount > 0 ? <span className="muted small">{t('common.total', { count: totalCount })}</span> : null}>
      {items.length === 0 ? <p className="muted">{t('overview.nothingDue')}</p> : <ul className="plain">{items.map(props.render)}</ul>}
      {totalCount > items.length ? <p className="muted small">{t('overview.soonestShown', { shown: items.length, total: totalCount })}</p> : null}
    </Section>
  );
}

function AuditPanel({ audit }: { audit: VaultOverview['audit'] }) {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const status = useSession((s) => s.status);
  const [chain, setChain] = useState<{ ok: boolean; records: number; brokenAtSeq: number | null } | null>(null);
  const [checking, setChecking] = useState(false);
  // Recomputing the chain reads every record, so it runs when the officer asks, not on every visit.
  const verify = () => {
    setChecking(true);
    api.verifyAuditChain({}).then(setChain, () => setChain(null)).finally(() => setChecking(false));
  };
  const failures = audit.recentFailures.failures;
  return (
    <Section title={t('overview.auditHealth')} testId="audit-health" actions={<button onClick={verify} disabled={checking}>{t('audit.verifyChain')}</button>}>
      <dl className="grid-dl pairs">
        <dt>{t('overview.auditWrites')}</dt>
        <dd>{audit.healthy ? <span className="good">{t('overview.auditWritable', { count: audit.records })}</span> : <span className="bad">{t('overview.auditUnhealthy')}</span>}</dd>
        <dt>{t('overview.lastRecord')}</dt>
        <dd>{audit.lastRecordAt ? formatDate(audit.lastRecordAt, i18n.language) : t('common.none')}</dd>
        <dt>{t('overview.recentFailures', { count: audit.recentFailures.window })}</dt>
        <dd className={failures > 0 ? 'bad' : undefined}>{failures}</dd>
        <dt>{t('overview.hashChain')}</dt>
        <dd data-testid="audit-chain">
          {checking ? t('common.working') : chain ? (chain.ok ? <span className="good">{t('overview.auditOk', { count: chain.records })}</span> : <span className="bad">{chain.brokenAtSeq === null ? t('audit.chainHeadBroken') : t('overview.auditBroken', { seq: chain.brokenAtSeq })}</span>) : <span className="muted">{t('overview.notVerified')}</span>}
        </dd>
        <dt>{t('overview.selfTest')}</dt>
        <dd>{status?.selfTest.ok ? <span className="good">{t('overview.passed')}</span> : <span className="bad">{t('overview.failed')}</span>}</dd>
        <dt>{t('overview.suite')}</dt>
        <dd className="mono">{status?.cryptoSuite}</dd>
        <dt>{t('overview.vaultId')}</dt>
        <dd className="mono">{status?.vaultId}</dd>
      </dl>
    </Section>
  );
}

/** Destroyed HSM keys whose token objects wait for the token: shown only while there are some. */
function TokenDestructionsPanel({ list }: { list: VaultOverview['tokenDestructionsPending'] }) {
  const { t, i18n } = useTranslation();
  return (
    <Section title={t('overview.tokenDestructions')} testId="token-destructions" actions={<span className="muted small">{t('common.total', { count: list.totalCount })}</span>}>
      <p className="muted small">{t('overview.tokenDestructionsHint')}</p>
      <ul className="plain">
        {list.items.map((d) => (
          <li key={`${d.tokenLabel}/${d.objectId}`}>
            <span className="mono">{d.cmkUuid}</span> · {d.keySpec} — {t('overview.tokenDestructionItem', { token: d.tokenLabel, object: d.objectId, date: formatDate(d.requestedAt, i18n.language) })}
            {d.lastError ? <span className="bad small"> ({t(`errors.${d.lastError}`, { defaultValue: d.lastError })})</span> : null}
          </li>
        ))}
      </ul>
      {list.totalCount > list.items.length ? <p className="muted small">{t('overview.soonestShown', { shown: list.items.length, total: list.totalCount })}</p> : null}
    </Section>
  );
}

function TokensPanel({ module }: { module: VaultOverview['tokenModule'] }) {
  const { t } = useTranslation();
  const { api, ui } = useServices();
  const [tokens, setTokens] = useState<TokenView[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!module.modulePath || !hasOperation('listTokens')) return;
    api.listTokens({}).then((r) => setTokens(r.tokens), () => setFailed(true));
  }, [api, module.modulePath]);
  const who = (tk: TokenView) => (tk.loggedInAs ? t('tokens.loggedAs', { who: t(`tokens.userTypes.${tk.loggedInAs}`) }) : t('tokens.notLoggedIn'));
  return (
    <Section title={t('overview.attachedTokens')} testId="overview-tokens" actions={<button className="link" onClick={() => ui.getState().go({ screen: 'tokens' })}>{t('nav.tokens')}</button>}>
      {!module.modulePath ? <p className="muted">{t('tokens.notConfigured')}</p> : (
        <>
          <dl className="grid-dl pairs">
            <dt>{t('tokens.modulePath')}</dt><dd className="mono">{module.modulePath}</dd>
            <dt>{t('overview.defaultToken')}</dt><dd className="mono">{module.defaultTokenLabel ?? t('common.none')}</dd>
          </dl>
          {failed ? <p className="bad">{t('overview.tokensUnreachable')}</p> : tokens === null ? <p className="muted">{t('app.loading')}</p> : tokens.length === 0 ? <p className="muted">{t('overview.nothingDue')}</p> : (
            <ul className="plain">{tokens.map((tk) => <li key={`${tk.slotId}`}><span className="mono">{tk.label}</span> — {who(tk)}</li>)}</ul>
          )}
        </>
      )}
    </Section>
  );
}
