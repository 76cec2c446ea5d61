/**
 * The key list as a window over the server's pages: the virtual list asks for the rows
 * it shows and this store fetches only the pages covering them, so 100,000 keys cost
 * what one screenful costs. Filters reset the window; a generation counter drops
 * answers to queries that are no longer current.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KeywardenApi, RequestOf } from '../../core/api/contract.ts';
import type { KeyMetadata } from '../../core/api/ops/keys.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import { errorData } from '../api/client.ts';

export type KeyFilters = Pick<RequestOf<'listKeys'>, 'search' | 'keyState' | 'keySpec' | 'keyUsage' | 'protectionLevel' | 'origin' | 'tagKey' | 'tagValue'>;
export type BulkAction = { kind: 'enable' } | { kind: 'disable' } | { kind: 'tag'; tagKey: string; tagValue: string };

export const KEY_PAGE_SIZE = 200;

export interface KeysState {
  filters: KeyFilters;
  totalCount: number | null;
  pages: Readonly<Record<number, KeyMetadata[]>>;
  generation: number;
  error: ErrorData | null;
  selected: ReadonlySet<string>;
  setFilters(patch: KeyFilters): Promise<void>;
  clearFilters(): Promise<void>;
  reload(): Promise<void>;
  /** Makes sure rows [from, to] are loaded (or loading). */
  ensureRows(from: number, to: number): Promise<void>;
  toggleSelected(cmkUuid: string): void;
  selectLoaded(): void;
  clearSelection(): void;
  bulk(action: BulkAction): Promise<{ ok: number; failed: number; errors: ErrorData[] }>;
}

export function rowAt(s: Pick<KeysState, 'pages'>, index: number): KeyMetadata | undefined {
  return s.pages[Math.floor(index / KEY_PAGE_SIZE) + 1]?.[index % KEY_PAGE_SIZE];
}

/** Drops empty strings so the request carries only filters that are set. */
function cleanFilters(f: KeyFilters): KeyFilters {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out as KeyFilters;
}

export function createKeysStore(api: KeywardenApi): StoreApi<KeysState> {
  const inflight = new Set<string>();
  return createStore<KeysState>()((set, get) => {
    async function loadPage(pageNumber: number): Promise<void> {
      const { generation, filters } = get();
      const tag = `${generation}:${pageNumber}`;
      if (inflight.has(tag) || get().pages[pageNumber]) return;
      inflight.add(tag);
      try {
        const r = await api.listKeys({ ...filters, pageNumber, pageSize: KEY_PAGE_SIZE });
        if (get().generation !== generation) return;
        set((s) => ({ pages: { ...s.pages, [pageNumber]: r.keys }, totalCount: r.totalCount, error: null }));
      } catch (e) {
        if (get().generation === generation) set({ error: errorData(e) });
      } finally {
        inflight.delete(tag);
      }
    }
    async function restart(filters: KeyFilters): Promise<void> {
      set((s) => ({ filters, pages: {}, totalCount: null, generation: s.generation + 1, error: null }));
      await loadPage(1);
    }
    return {
      filters: {},
      totalCount: null,
      pages: {},
      generation: 0,
      error: null,
      selected: new Set<string>(),
      setFilters: (patch) => restart(cleanFilters({ ...get().filters, ...patch })),
      clearFilters: () => restart({}),
      reload: () => restart(get().filters),
      ensureRows: async (from, to) => {
        const first = Math.floor(Math.max(0, from) / KEY_PAGE_SIZE) + 1;
        const last = Math.floor(Math.max(0, to) / KEY_PAGE_SIZE) + 1;
        const jobs: Promise<void>[] = [];
        for (let p = first; p <= last; p++) jobs.push(loadPage(p));
        await Promise.all(jobs);
      },
      toggleSelected: (id) =>
        set((s) => {
          const next = new Set(s.selected);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return { selected: next };
        }),
      selectLoaded: () => set((s) => ({ selected: new Set(Object.values(s.pages).flatMap((p) => p.map((k) => k.cmkUuid))) })),
      clearSelection: () => set({ selected: new Set<string>() }),
      bulk: async (action) => {
        const ids = [...get().selected];
        let ok = 0;
        const errors: ErrorData[] = [];
        for (const cmkUuid of ids) {
          try {
            if (action.kind === 'enable') await api.enableKey({ cmkUuid });
            else if (action.kind === 'disable') await api.disableKey({ cmkUuid });
            else await api.tagResource({ cmkUuid, tags: [{ tagKey: action.tagKey, tagValue: action.tagValue }] });
            ok++;
          } catch (e) {
            errors.push(errorData(e));
          }
        }
        set({ selected: new Set<string>() });
        await restart(get().filters);
        return { ok, failed: errors.length, errors };
      },
    };
  });
}
