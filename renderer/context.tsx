/** The services every screen uses, handed down once: the contract client and the stores. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { KeywardenApi } from '../core/api/contract.ts';
import type { SessionState } from './store/session.ts';
import type { KeysState } from './store/keys.ts';
import type { SettingsState } from './store/settings.ts';
import type { UiState } from './store/ui.ts';

export interface AppServices {
  api: KeywardenApi;
  session: StoreApi<SessionState>;
  keys: StoreApi<KeysState>;
  settings: StoreApi<SettingsState>;
  ui: StoreApi<UiState>;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('ServicesContext missing');
  return s;
}

export function useSession<T>(sel: (s: SessionState) => T): T {
  return useStore(useServices().session, sel);
}
export function useKeys<T>(sel: (s: KeysState) => T): T {
  return useStore(useServices().keys, sel);
}
export function useSettings<T>(sel: (s: SettingsState) => T): T {
  return useStore(useServices().settings, sel);
}
export function useUi<T>(sel: (s: UiState) => T): T {
  return useStore(useServices().ui, sel);
}
