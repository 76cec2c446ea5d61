/** Renderer entry: pick the door, create the stores, start i18n, render. */
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createClient, detectTransport } from './api/client.ts';
import { createSessionStore } from './store/session.ts';
import { createKeysStore } from './store/keys.ts';
import { createSettingsStore } from './store/settings.ts';
import { createUiStore } from './store/ui.ts';
import { createI18n, languageFromLocales } from './i18n/index.ts';
import { ServicesContext, type AppServices } from './context.tsx';
import { App } from './App.tsx';

const api = createClient(detectTransport());
const settings = createSettingsStore(window.localStorage);
const services: AppServices = { api, session: createSessionStore(api), keys: createKeysStore(api), settings, ui: createUiStore() };
const i18n = createI18n(settings.getState().languageChoice ?? languageFromLocales(navigator.languages ?? [navigator.language]));

createRoot(document.getElementById('root')!).render(
  <I18nextProvider i18n={i18n}>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </I18nextProvider>,
);
