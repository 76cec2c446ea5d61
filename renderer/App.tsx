/** The frame: unlock gate, navigation, idle lock, theme and language, then the routed screen. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices, useSession, useSettings, useUi } from './context.tsx';
import { SCREENS, type Screen } from './store/ui.ts';
import { LANGUAGES, languageFromLocales } from './i18n/index.ts';
import { UnlockScreen } from './screens/Unlock.tsx';
import { OverviewScreen } from './screens/Overview.tsx';
import { KeysScreen } from './screens/Keys.tsx';
import { KeyDetailScreen } from './screens/KeyDetail.tsx';
import { WorkbenchScreen } from './screens/Workbench.tsx';
import { AuditScreen } from './screens/Audit.tsx';
import { SettingsScreen } from './screens/Settings.tsx';
import { ByokScreen } from './screens/Byok.tsx';
import { CertificatesScreen } from './screens/Certificates.tsx';
import { TokensScreen } from './screens/Tokens.tsx';
import { Logo } from './components/ui.tsx';

const NAV_ICONS: Record<Screen, string> = { overview: '◧', keys: '◆', workbench: '⚙', byok: '⇪', certificates: '▤', tokens: '⌨', audit: '☰', settings: '⚒' };

function useIdleLock() {
  const { session } = useServices();
  const minutes = useSettings((s) => s.idleLockMinutes);
  const unlocked = useSession((s) => s.status?.unlocked ?? false);
  useEffect(() => {
    if (!unlocked || minutes <= 0) return;
    let timer = setTimeout(fire, minutes * 60_000);
    function fire() {
      void session.getState().lock('idle');
    }
    function reset() {
      clearTimeout(timer);
      timer = setTimeout(fire, minutes * 60_000);
    }
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;
    events.forEach((e) => window.addEventListener(e, reset, { passive: true }));
    return () => {
      clearTimeout(timer);
      events.forEach((e) => window.removeEventListener(e, reset));
    };
  }, [unlocked, minutes, session]);
}

function useLanguageAndTheme() {
  const { i18n } = useTranslation();
  const choice = useSettings((s) => s.languageChoice);
  const theme = useSettings((s) => s.theme);
  const lang = choice ?? languageFromLocales(navigator.languages ?? [navigator.language]);
  useEffect(() => {
    if (i18n.language !== lang) void i18n.changeLanguage(lang);
    document.documentElement.lang = lang;
  }, [lang, i18n]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return lang;
}

function Routed() {
  const route = useUi((s) => s.route);
  switch (route.screen) {
    case 'overview':
      return <OverviewScreen />;
    case 'keys':
      return <KeysScreen />;
    case 'key':
      return <KeyDetailScreen cmkUuid={route.cmkUuid} />;
    case 'workbench':
      return <WorkbenchScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'certificates':
      return <CertificatesScreen />;
    case 'tokens':
      return <TokensScreen />;
    case 'byok':
      return <ByokScreen />;
  }
}

export function App() {
  const { t } = useTranslation();
  const { session, settings, ui } = useServices();
  const status = useSession((s) => s.status);
  const route = useUi((s) => s.route);
  const notices = useUi((s) => s.notices);
  const lang = useLanguageAndTheme();
  useIdleLock();
  // Informational notices fade after a few seconds; errors stay until dismissed.
  useEffect(() => {
    const infos = notices.filter((n) => n.kind === 'info');
    if (infos.length === 0) return;
    const h = setTimeout(() => infos.forEach((n) => ui.getState().dismiss(n.id)), 6000);
    return () => clearTimeout(h);
  }, [notices, ui]);
  useEffect(() => {
    void session.getState().refresh().then(() => {
      document.documentElement.dataset.ready = 'true';
    });
  }, [session]);

  if (!status) return <div className="loading">{t('app.loading')}</div>;
  if (!status.initialized || !status.unlocked) return <UnlockScreen />;
  const active = route.screen === 'key' ? 'keys' : route.screen;
  return (
    <div className="shell">
      <nav className="sidebar" aria-label={t('app.name')}>
        <div className="brand small">
          <Logo />
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <ul>
          {SCREENS.map((s) => (
            <li key={s}>
              <button className={`nav-item${active === s ? ' active' : ''}`} aria-current={active === s ? 'page' : undefined} onClick={() => ui.getState().go({ screen: s })} data-testid={`nav-${s}`}>
                <span className="nav-icon" aria-hidden="true">{NAV_ICONS[s]}</span>
                {t(`nav.${s}`)}
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <label className="small muted">
            {t('nav.language')}
            <select value={lang} onChange={(e) => settings.getState().setLanguage(e.target.value as (typeof LANGUAGES)[number])} data-testid="language-switch">
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l === 'zh-CN' ? '简体中文' : 'English'}
                </option>
              ))}
            </select>
          </label>
          <button className="block" onClick={() => void session.getState().lock('user')} data-testid="lock">
            {t('nav.lock')}
          </button>
        </div>
      </nav>
      <main className="content" data-testid={`screen-${route.screen}`}>
        <Routed />
      </main>
      <div className="notices" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
            {n.text}
            <button className="link" onClick={() => ui.getState().dismiss(n.id)} aria-label={t('common.close')}>
              ×
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
