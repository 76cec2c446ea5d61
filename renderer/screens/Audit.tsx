/** Audit log viewer: filters, paging, chain verification and export of the current filter. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../core/api/ops/audit.ts';
import { AUDIT_LEVELS, AUDIT_RESOURCE_TYPES } from '../../core/domain/audit-vocabulary.ts';
import type { RequestOf } from '../../core/api/contract.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import { useServices } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { ErrorBanner } from '../components/ui.tsx';
import { downloadBlob, formatDate } from '../format.ts';
import { operationOfEvent } from '../domains.ts';

const PAGE = 50;
type Filters = Pick<RequestOf<'listAuditEvents'>, 'event' | 'keyId' | 'outcome' | 'actor' | 'resourceType' | 'level'>;

function clean(f: Filters): Filters {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => typeof v === 'string' && v.trim() !== '')) as Filters;
}

function toCsv(events: AuditEvent[]): string {
  const esc = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  const head = ['seq', 'at', 'event', 'actor', 'keyId', 'resourceType', 'outcome', 'level', 'errorCode', 'detail'];
  return [head.join(','), ...events.map((e) => [e.seq, e.at, e.event, e.actor, e.keyId, e.resourceType, e.outcome, e.level, e.errorCode, e.detail ? JSON.stringify(e.detail) : ''].map(esc).join(','))].join('\n');
}

export function AuditScreen() {
  const { t, i18n } = useTranslation();
  const eventTitle = (event: string) => {
    const op = operationOfEvent(event);
    return op ? t(`operations.${op}`) : t(`audit.otherEvents.${event}`, { defaultValue: event });
  };
  const { api } = useServices();
  const [filters, setFilters] = useState<Filters>({});
  const [draft, setDraft] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ events: AuditEvent[]; totalCount: number } | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [chain, setChain] = useState<{ ok: boolean; records: number; brokenAtSeq: number | null } | null>(null);
  const chainBroken = (seq: number | null) => (seq === null ? t('audit.chainHeadBroken') : t('audit.chainBroken', { seq }));

  const load = useCallback(async () => {
    try {
      setData(await api.listAuditEvents({ ...filters, pageNumber: page, pageSize: PAGE }));
      setError(null);
    } catch (e) {
      setError(errorData(e));
    }
  }, [api, filters, page]);
  useEffect(() => void load(), [load]);

  async function exportAll(kind: 'json' | 'csv') {
    const all: AuditEvent[] = [];
    for (let p = 1; ; p++) {
      const r = await api.listAuditEvents({ ...filters, pageNumber: p, pageSize: 1000, sortOrder: 'asc' });
      all.push(...r.events);
      if (all.length >= r.totalCount || r.events.length === 0) break;
    }
    if (kind === 'json') downloadBlob('keywarden-audit.json', [JSON.stringify(all, null, 2)], 'application/json');
    else downloadBlob('keywarden-audit.csv', [toCsv(all)], 'text/csv');
  }

  const pages = data ? Math.max(1, Math.ceil(data.totalCount / PAGE)) : 1;
  return (
    <div className="page">
      <header className="page-head">
        <h1>{t('audit.title')}</h1>
        <div className="actions">
          <button onClick={() => void api.verifyAuditChain({}).then(setChain, (e) => setError(errorData(e)))} data-testid="verify-chain">{t('audit.verifyChain')}</button>
          <button onClick={() => void exportAll('json')}>{t('audit.exportJson')}</button>
          <button onClick={() => void exportAll('csv')}>{t('audit.exportCsv')}</button>
        </div>
      </header>
      {chain ? <div className={`banner ${chain.ok ? 'info' : 'error'}`} data-testid="chain-result">{chain.ok ? t('audit.chainOk', { count: chain.records }) : chainBroken(chain.brokenAtSeq)}</div> : null}
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); setPage(1); setFilters(clean(draft)); }}>
        <input placeholder={t('audit.event')} aria-label={t('audit.event')} value={draft.event ?? ''} onChange={(e) => setDraft({ ...draft, event: e.target.value })} />
        <input placeholder={t('audit.keyId')} aria-label={t('audit.keyId')} className="grow" value={draft.keyId ?? ''} onChange={(e) => setDraft({ ...draft, keyId: e.target.value })} />
        <input placeholder={t('audit.actor')} aria-label={t('audit.actor')} value={draft.actor ?? ''} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />
        <select value={draft.outcome ?? ''} aria-label={t('audit.outcome')} onChange={(e) => setDraft({ ...draft, outcome: (e.target.value || undefined) as Filters['outcome'] })}>
          <option value="">{t('audit.anyOutcome')}</option>
          <option value="success">{t('audit.success')}</option>
          <option value="failure">{t('audit.failure')}</option>
        </select>
        <select value={draft.resourceType ?? ''} aria-label={t('audit.resourceType')} onChange={(e) => setDraft({ ...draft, resourceType: (e.target.value || undefined) as Filters['resourceType'] })}>
          <option value="">{t('audit.anyResourceType')}</option>
          {AUDIT_RESOURCE_TYPES.map((r) => <option key={r} value={r}>{t(`audit.resourceTypes.${r}`)}</option>)}
        </select>
        <select value={draft.level ?? ''} aria-label={t('audit.level')} onChange={(e) => setDraft({ ...draft, level: (e.target.value || undefined) as Filters['level'] })}>
          <option value="">{t('audit.anyLevel')}</option>
          {AUDIT_LEVELS.map((l) => <option key={l} value={l}>{t(`audit.levels.${l}`)}</option>)}
        </select>
        <button type="submit" className="primary">{t('common.apply')}</button>
      </form>
      <ErrorBanner error={error} />
      <div className="table-scroll">
        <table className="simple dense" data-testid="audit-table">
          <thead>
            <tr><th>{t('audit.seq')}</th><th>{t('audit.at')}</th><th>{t('audit.event')}</th><th>{t('audit.actor')}</th><th>{t('audit.keyId')}</th><th>{t('audit.resourceType')}</th><th>{t('audit.outcome')}</th><th>{t('audit.level')}</th><th>{t('audit.error')}</th><th>{t('audit.detail')}</th></tr>
          </thead>
          <tbody>
            {data?.events.map((e) => (
              <tr key={e.seq} data-testid="audit-row">
                <td className="num">{e.seq}</td>
                <td>{formatDate(e.at, i18n.language)}</td>
                <td>
                  {eventTitle(e.event)} <span className="mono small muted">{e.event}</span>
                </td>
                <td>{e.actor}</td>
                <td className="mono small">{e.keyId ?? '--'}</td>
                <td>{t(`audit.resourceTypes.${e.resourceType}`)}</td>
                <td className={e.outcome === 'success' ? 'good' : 'bad'}>{t(`audit.${e.outcome}`)}</td>
                <td className={e.level === 'normal' ? '' : 'bad'}>{t(`audit.levels.${e.level}`)}</td>
                <td className="mono">{e.errorCode ?? ''}</td>
                <td className="mono small ellipsis" title={e.detail ? JSON.stringify(e.detail) : ''}>{e.detail ? JSON.stringify(e.detail) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.events.length === 0 ? <p className="empty">{t('audit.empty')}</p> : null}
      </div>
      <div className="pager">
        <span className="muted">{t('common.total', { count: data?.totalCount ?? 0 })}</span>
        <button disabled={page <= 1} onClick={() => setPage(page - 1)}>{t('common.prev')}</button>
        <span>{t('common.page', { page })} / {pages}</span>
        <button disabled={page >= pages} onClick={() => setPage(page + 1)}>{t('common.next')}</button>
      </div>
    </div>
  );
}
