/** Where the officer is, and the short notices shown after actions. */
import { createStore, type StoreApi } from 'zustand/vanilla';

export const SCREENS = ['overview', 'keys', 'workbench', 'byok', 'certificates', 'tokens', 'audit', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];
export type Route = { screen: Screen } | { screen: 'key'; cmkUuid: string };

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface UiState {
  route: Route;
  notices: Notice[];
  go(route: Route): void;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
}

export function createUiStore(): StoreApi<UiState> {
  let next = 1;
  return createStore<UiState>()((set) => ({
    route: { screen: 'overview' },
    notices: [],
    go: (route) => set({ route }),
    notify: (kind, text) => set((s) => ({ notices: [...s.notices.slice(-3), { id: next++, kind, text }] })),
    dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  }));
}
