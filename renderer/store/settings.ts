/** Officer preferences, kept in the renderer's localStorage (nothing secret lives here). */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { LANGUAGES, type Language } from '../i18n/index.ts';

export type Theme = 'light' | 'dark';
export const IDLE_LOCK_CHOICES = [0, 1, 5, 10, 15, 30, 60] as const;

export interface SettingsState {
  /** null: follow the OS/browser locale. */
  languageChoice: Language | null;
  theme: Theme;
  /** 0: never. */
  idleLockMinutes: number;
  pkcs11Modules: string[];
  setLanguage(l: Language | null): void;
  setTheme(t: Theme): void;
  setIdleLockMinutes(m: number): void;
  setPkcs11Modules(paths: string[]): void;
}

const KEY = 'keywarden.settings';
type Persisted = Pick<SettingsState, 'languageChoice' | 'theme' | 'idleLockMinutes' | 'pkcs11Modules'>;
const DEFAULTS: Persisted = { languageChoice: null, theme: 'light', idleLockMinutes: 10, pkcs11Modules: [] };

/** Reads stored settings defensively: anything malformed falls back to the default. */
export function readSettings(storage: Pick<Storage, 'getItem'> | null): Persisted {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(KEY) ?? 'null');
  } catch {
    raw = null;
  }
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    languageChoice: LANGUAGES.includes(r.languageChoice as Language) ? (r.languageChoice as Language) : null,
    theme: r.theme === 'dark' ? 'dark' : 'light',
    idleLockMinutes: IDLE_LOCK_CHOICES.includes(r.idleLockMinutes as never) ? (r.idleLockMinutes as number) : DEFAULTS.idleLockMinutes,
    pkcs11Modules: Array.isArray(r.pkcs11Modules) ? r.pkcs11Modules.filter((p): p is string => typeof p === 'string' && p.length > 0).slice(0, 16) : [],
  };
}

export function createSettingsStore(storage: Pick<Storage, 'getItem' | 'setItem'> | null): StoreApi<SettingsState> {
  const store = createStore<SettingsState>()((set) => ({
    ...readSettings(storage),
    setLanguage: (languageChoice) => set({ languageChoice }),
    setTheme: (theme) => set({ theme }),
    setIdleLockMinutes: (m) => set({ idleLockMinutes: IDLE_LOCK_CHOICES.includes(m as never) ? m : DEFAULTS.idleLockMinutes }),
    setPkcs11Modules: (paths) => set({ pkcs11Modules: paths.map((p) => p.trim()).filter((p) => p.length > 0).slice(0, 16) }),
  }));
  store.subscribe((s) => {
    const persisted: Persisted = { languageChoice: s.languageChoice, theme: s.theme, idleLockMinutes: s.idleLockMinutes, pkcs11Modules: s.pkcs11Modules };
    storage?.setItem(KEY, JSON.stringify(persisted));
  });
  return store;
}
