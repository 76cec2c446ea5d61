/** Settings: language, theme, idle lock, PKCS#11 module paths, passphrase change. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../core/api/errors.ts';
import { useServices, useSettings } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { IDLE_LOCK_CHOICES } from '../store/settings.ts';
import type { Language } from '../i18n/index.ts';
import { ErrorBanner, Field, Section } from '../components/ui.tsx';

export function SettingsScreen() {
  const { t } = useTranslation();
  const { settings, api, ui } = useServices();
  const s = useSettings((x) => x);
  const [modules, setModules] = useState(s.pkcs11Modules.join('\n'));
  const [oldPass, setOld] = useState('');
  const [newPass, setNew] = useState('');
  const [error, setError] = useState<ErrorData | null>(null);

  async function changePassphrase() {
    try {
      await api.changePassphrase({ oldPassphrase: oldPass, newPassphrase: newPass });
      setOld('');
      setNew('');
      setError(null);
      ui.getState().notify('info', t('settings.passphraseChanged'));
    } catch (e) {
      setError(errorData(e));
    }
  }

  return (
    <div className="page narrow-page">
      <header className="page-head"><h1>{t('settings.title')}</h1></header>
      <Section title={t('settings.title')}>
        <div className="form-grid">
          <Field label={t('settings.language')}>
            {(id) => (
              <select id={id} value={s.languageChoice ?? ''} onChange={(e) => settings.getState().setLanguage((e.target.value || null) as Language | null)} data-testid="settings-language">
                <option value="">{t('settings.followSystem')}</option>
                <option value="zh-CN">简体中文</option>
                <option value="en">English</option>
              </select>
            )}
          </Field>
          <Field label={t('settings.theme')}>
            {(id) => (
              <select id={id} value={s.theme} onChange={(e) => settings.getState().setTheme(e.target.value as 'light' | 'dark')} data-testid="settings-theme">
                <option value="light">{t('settings.light')}</option>
                <option value="dark">{t('settings.dark')}</option>
              </select>
            )}
          </Field>
          <Field label={t('settings.idleLock')}>
            {(id) => (
              <select id={id} value={s.idleLockMinutes} onChange={(e) => settings.getState().setIdleLockMinutes(Number(e.target.value))} data-testid="settings-idle">
                {IDLE_LOCK_CHOICES.map((m) => (
                  <option key={m} value={m}>{m === 0 ? t('settings.idleOff') : t('settings.idleMinutes', { count: m })}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('settings.pkcs11')} hint={t('settings.pkcs11Hint')}>
            {(id) => <textarea id={id} rows={3} className="mono" value={modules} onChange={(e) => setModules(e.target.value)} onBlur={() => settings.getState().setPkcs11Modules(modules.split('\n'))} />}
          </Field>
        </div>
      </Section>
      <Section title={t('settings.changePassphrase')}>
        <ErrorBanner error={error} />
        <form className="form-grid" onSubmit={(e) => { e.preventDefault(); void changePassphrase(); }}>
          <Field label={t('settings.oldPassphrase')} required>{(id) => <input id={id} type="password" autoComplete="current-password" value={oldPass} onChange={(e) => setOld(e.target.value)} />}</Field>
          <Field label={t('settings.newPassphrase')} required error={newPass && newPass.length < 8 ? t('unlock.tooShort') : null}>{(id) => <input id={id} type="password" autoComplete="new-password" value={newPass} onChange={(e) => setNew(e.target.value)} />}</Field>
          <div><button type="submit" className="primary" disabled={!oldPass || newPass.length < 8}>{t('settings.changePassphrase')}</button></div>
        </form>
      </Section>
    </div>
  );
}
