/**
 * i18next set up with the two bundled catalogues. The language follows the OS/browser
 * locale (navigator.languages) unless the officer picked one in Settings.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every catalogue must have: zh-CN's keys, any strings. */
export type Messages = Widen<typeof zhCN>;

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const CATALOGUES: Record<Language, Messages> = { 'zh-CN': zhCN, en };

/** zh-CN for any Chinese locale, en for anything else that is English, zh-CN by default. */
export function languageFromLocales(locales: readonly string[]): Language {
  for (const l of locales) {
    const low = l.toLowerCase();
    if (low.startsWith('zh')) return 'zh-CN';
    if (low.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

export function createI18n(language: Language): i18n {
  const inst = i18next.createInstance();
  void inst.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return inst;
}
