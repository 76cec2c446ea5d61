/** The key list: search and filters go to the server; rows are virtualised and paged in on demand. */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import { KEY_SPECS, KEY_USAGES, ORIGINS, PROTECTION_LEVELS } from '../../core/domain/key-specs.ts';
import { KEY_STATES } from '../../core/domain/key-states.ts';
import { useKeys, useServices } from '../context.tsx';
import { rowAt, type KeyFilters } from '../store/keys.ts';
import { ErrorBanner, StateBadge } from '../components/ui.tsx';
import { formatDate } from '../format.ts';
import { CreateKeyDialog } from './CreateKeyDialog.tsx';
import { BulkTagDialog } from './BulkTagDialog.tsx';

const ROW_HEIGHT = 36;

function FilterSelect<T extends string>(props: { value: string | undefined; options: readonly T[]; any: string; label: (v: T) => string; onChange: (v: string) => void; testId: string }) {
  return (
    <select value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value)} aria-label={props.any} data-testid={props.testId}>
      <option value="">{props.any}</option>
      {props.options.map((o) => (
        <option key={o} value={o}>
          {props.label(o)}
        </option>
      ))}
    </select>
  );
}

export function KeysScreen() {
  const { t, i18n } = useTranslation();
  const { keys, ui } = useServices();
  const filters = useKeys((s) => s.filters);
  const total = useKeys((s) => s.totalCount);
  const pages = useKeys((s) => s.pages);
  const error = useKeys((s) => s.error);
  const selected = useKeys((s) => s.selected);
  const [search, setSearch] = useState(filters.search ?? '');
  const [creating, setCreating] = useState(false);
  const [tagging, setTagging] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void keys.getState().reload();
  }, [keys]);
  useEffect(() => {
    if ((filters.search ?? '') === search.trim()) return;
    const h = setTimeout(() => void keys.getState().setFilters({ search }), 200);
    return () => clearTimeout(h);
  }, [search, filters.search, keys]);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (count > 0) void keys.getState().ensureRows(firstIndex, lastIndex);
  }, [firstIndex, lastIndex, count, keys]);

  const set = (patch: KeyFilters) => void keys.getState().setFilters(patch);
  async function bulk(kind: 'enable' | 'disable') {
    const r = await keys.getState().bulk({ kind });
    ui.getState().notify(r.failed ? 'error' : 'info', t('keys.bulkDone', { ok: r.ok, failed: r.failed }));
  }

  return (
    <div className="page fill">
      <header className="page-head">
        <h1>{t('keys.title')}</h1>
        <button className="primary" onClick={() => setCreating(true)} data-testid="create-key">
          {t('keys.create')}
        </button>
      </header>
      <div className="toolbar" role="search">
        <input type="search" className="grow" placeholder={t('keys.search')} aria-label={t('keys.search')} value={search} onChange={(e) => setSearch(e.target.value)} data-testid="key-search" />
        <FilterSelect testId="filter-state" value={filters.keyState} options={KEY_STATES} any={t('keys.anyState')} label={(v) => t(`keyState.${v}`)} onChange={(v) => set({ keyState: v as never })} />
        <FilterSelect testId="filter-spec" value={filters.keySpec} options={KEY_SPECS} any={t('keys.anySpec')} label={(v) => v} onChange={(v) => set({ keySpec: v as never })} />
        <FilterSelect testId="filter-usage" value={filters.keyUsage} options={KEY_USAGES} any={t('keys.anyUsage')} label={(v) => t(`keyUsage.${v}`)} onChange={(v) => set({ keyUsage: v as never })} />
        <FilterSelect testId="filter-protection" value={filters.protectionLevel} options={PROTECTION_LEVELS} any={t('keys.anyProtection')} label={(v) => t(`protection.${v}`)} onChange={(v) => set({ protectionLevel: v as never })} />
        <FilterSelect testId="filter-origin" value={filters.origin} options={ORIGINS} any={t('keys.anyOrigin')} label={(v) => t(`origin.${v}`)} onChange={(v) => set({ origin: v as never })} />
        <input className="narrow" placeholder={t('keys.tagKey')} aria-label={t('keys.tagKey')} defaultValue={filters.tagKey ?? ''} onBlur={(e) => set({ tagKey: e.target.value })} />
        <input className="narrow" placeholder={t('keys.tagValue')} aria-label={t('keys.tagValue')} defaultValue={filters.tagValue ?? ''} onBlur={(e) => set({ tagValue: e.target.value })} />
        <button className="link" onClick={() => { setSearch(''); void keys.getState().clearFilters(); }}>
          {t('keys.clearFilters')}
        </button>
      </div>
      {selected.size > 0 ? (
        <div className="toolbar bulk" data-testid="bulk-bar">
          <span>{t('keys.selected', { count: selected.size })}</span>
          <button onClick={() => void bulk('enable')}>{t('keys.bulkEnable')}</button>
          <button onClick={() => void bulk('disable')}>{t('keys.bulkDisable')}</button>
          <button onClick={() => setTagging(true)}>{t('keys.bulkTag')}</button>
          <button className="link" onClick={() => keys.getState().clearSelection()}>{t('common.cancel')}</button>
        </div>
      ) : null}
      <ErrorBanner error={error} />
      <div className="table keys-table" role="table" aria-rowcount={count}>
        <div className="tr th" role="row">
          <span role="columnheader" className="c-check">
            <input type="checkbox" aria-label={t('keys.selectAll')} checked={selected.size > 0} onChange={(e) => (e.target.checked ? keys.getState().selectLoaded() : keys.getState().clearSelection())} />
          </span>
          <span role="columnheader" className="c-id">{t('keys.col.id')}</span>
          <span role="columnheader" className="c-alias">{t('keys.col.alias')}</span>
          <span role="columnheader" className="c-state">{t('keys.col.state')}</span>
          <span role="columnheader" className="c-spec">{t('keys.col.spec')}</span>
          <span role="columnheader" className="c-usage">{t('keys.col.usage')}</span>
          <span role="columnheader" className="c-prot">{t('keys.col.protection')}</span>
          <span role="columnheader" className="c-date">{t('keys.col.created')}</span>
        </div>
        <div className="tbody" ref={scrollRef} data-testid="key-rows">
          {total === 0 ? <div className="empty">{t('keys.empty')}</div> : null}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const k = rowAt({ pages }, v.index);
              return (
                <div key={v.key} className="tr" role="row" aria-rowindex={v.index + 1} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }} data-testid={k ? 'key-row' : 'key-row-loading'} data-key-id={k?.cmkUuid}>
                  {k ? (
                    <>
                      <span className="c-check">
                        <input type="checkbox" aria-label={t('keys.selectRow')} checked={selected.has(k.cmkUuid)} onChange={() => keys.getState().toggleSelected(k.cmkUuid)} />
                      </span>
                      <span className="c-id mono">
                        <button className="link mono" onClick={() => ui.getState().go({ screen: 'key', cmkUuid: k.cmkUuid })}>{k.cmkUuid}</button>
                      </span>
                      <span className="c-alias ellipsis" title={k.aliases.join(', ')}>{k.aliases[0] ?? '--'}{k.aliases.length > 1 ? ` +${k.aliases.length - 1}` : ''}</span>
                      <span className="c-state"><StateBadge state={k.keyState} /></span>
                      <span className="c-spec">{k.keySpec}</span>
                      <span className="c-usage">{t(`keyUsage.${k.keyUsage}`)}</span>
                      <span className="c-prot">{t(`protection.${k.protectionLevel}`)}</span>
                      <span className="c-date">{formatDate(k.createdAt, i18n.language)}</span>
                    </>
                  ) : (
                    <span className="muted">…</span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div className="table-foot muted" data-testid="key-total">{t('common.total', { count })}</div>
      </div>
      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} /> : null}
      {tagging ? <BulkTagDialog onClose={() => setTagging(false)} /> : null}
    </div>
  );
}
