/** Tokens: the PKCS#11 module, the tokens in its slots with PIN counters, login/logout, mechanisms. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponseOf } from '../../core/api/contract.ts';
import type { TokenPinStateView, TokenView } from '../../core/api/ops/tokens.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import type { KeywardenHost, TokenModuleChoice } from '../../core/api/bridge.ts';
import { useServices, useSettings } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { ConfirmDialog, ErrorBanner, Section } from '../components/ui.tsx';
import { operationsOf } from '../domains.ts';
import { OperationConsole } from './Domain.tsx';

function PinState({ s }: { s: TokenPinStateView }) {
  const { t } = useTranslation();
  const word = s.locked ? t('tokens.pinLocked') : s.finalTry ? t('tokens.pinFinal') : s.countLow ? t('tokens.pinLow') : t('tokens.pinOk');
  return (
    <span className={s.locked || s.finalTry ? 'bad' : ''}>
      {word}
      {s.triesLeft !== null ? ` · ${t('tokens.triesLeft', { count: s.triesLeft })}` : ''}
    </span>
  );
}

function TokenRow({ token, onChanged, onError }: { token: TokenView; onChanged: () => void; onError: (e: ErrorData) => void }) {
  const { t } = useTranslation();
  const { api } = useServices();
  const [pin, setPin] = useState('');
  const [confirmFinal, setConfirmFinal] = useState(false);
  const [mechs, setMechs] = useState<ResponseOf<'listMechanisms'> | null>(null);
  async function login(confirmFinalTry: boolean) {
    setConfirmFinal(false);
    try {
      await api.tokenLogin({ tokenLabel: token.label, pin, confirmFinalTry });
      onChanged();
    } catch (e) {
      onError(errorData(e));
    } finally {
      setPin('');
    }
  }
  return (
    <>
      <tr>
        <td className="mono">{token.label}</td>
        <td>{token.manufacturer}</td>
        <td>{token.model}</td>
        <td className="mono">{token.serial}</td>
        <td><PinState s={token.userPin} /></td>
        <td>{token.loggedInAs ? t('tokens.loggedAs', { who: t(`tokens.userTypes.${token.loggedInAs}`) }) : t('tokens.notLoggedIn')}</td>
        <td>
          {token.loggedInAs ? (
            <button onClick={() => void api.tokenLogout({ tokenLabel: token.label }).then(onChanged, (e) => onError(errorData(e)))}>{t('tokens.logout')}</button>
          ) : (
            <form className="inline" onSubmit={(e) => { e.preventDefault(); if (token.userPin.finalTry) setConfirmFinal(true); else void login(false); }}>
              <input type="password" className="narrow" autoComplete="off" aria-label={t('tokens.pin')} placeholder={t('tokens.pin')} value={pin} onChange={(e) => setPin(e.target.value)} />
              <button type="submit" disabled={!pin || token.userPin.locked}>{t('tokens.login')}</button>
            </form>
          )}
        </td>
        <td>
          <button className="link" onClick={() => void api.listMechanisms({ tokenLabel: token.label }).then(setMechs, (e) => onError(errorData(e)))}>{t('tokens.mechanisms')}</button>
        </td>
      </tr>
      {mechs ? (
        <tr>
          <td colSpan={8}>
            <div className="small"><strong>{t('tokens.specs')}:</strong> {mechs.keySpecs.map((k) => `${k.keySpec}${k.supported ? ' ✓' : ' ✗'}`).join('  ')}</div>
            <div className="small mono muted">{mechs.mechanisms.map((m) => m.name).join(' · ')}</div>
          </td>
        </tr>
      ) : null}
      {confirmFinal ? <ConfirmDialog danger title={t('tokens.login')} body={<p>{t('tokens.confirmFinalTry')}</p>} onClose={() => setConfirmFinal(false)} onConfirm={() => void login(true)} /> : null}
    </>
  );
}

/** The desktop app's module choice: the main process's offer, and its own file dialog. */
function ModuleChoice({ host, value, onChange, onError }: { host: KeywardenHost; value: string; onChange: (path: string) => void; onError: (e: ErrorData) => void }) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<TokenModuleChoice[]>([]);
  useEffect(() => {
    void host.tokenModuleChoices().then((r) => {
      if (!r.ok) return onError(r.error);
      setChoices(r.value);
      if (value === '' && r.value[0]) onChange(r.value[0].modulePath);
    });
  }, [host]); // loaded once per host
  async function browse() {
    const r = await host.pickTokenModule();
    if (!r.ok) return onError(r.error);
    if (!r.value) return;
    const picked = r.value;
    setChoices((cs) => (cs.some((c) => c.modulePath === picked.modulePath) ? cs : [...cs, picked]));
    onChange(picked.modulePath);
  }
  return (
    <>
      <select className="grow mono" aria-label={t('tokens.modulePath')} value={value} onChange={(e) => onChange(e.target.value)}>
        {choices.length === 0 ? <option value="">{t('tokens.noModuleOffered')}</option> : null}
        {choices.map((c) => (
          <option key={c.modulePath} value={c.modulePath}>
            {c.name} — {c.modulePath}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => void browse()}>
        {t('tokens.browseModule')}
      </button>
    </>
  );
}

export function TokensScreen() {
  const { t } = useTranslation();
  const { api } = useServices();
  const known = useSettings((s) => s.pkcs11Modules);
  const [data, setData] = useState<ResponseOf<'listTokens'> | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  // In the desktop app the main process offers the modules (no free path); the browser shell keeps the path field.
  const host = window.keywardenHost;
  const [modulePath, setModulePath] = useState(host ? '' : (known[0] ?? '/usr/lib/softhsm/libsofthsm2.so'));
  const load = useCallback(() => api.listTokens({}).then((r) => { setData(r); setError(null); }, (e) => { setData(null); const d = errorData(e); setError(d.code === 'UnsupportedOperation' ? null : d); }), [api]);
  useEffect(() => void load(), [load]);
  return (
    <div className="page">
      <header className="page-head"><h1>{t('tokens.title')}</h1></header>
      <Section title={t('tokens.module')}>
        <form className="inline" onSubmit={(e) => { e.preventDefault(); void api.configureTokenModule({ modulePath }).then(() => load(), (er) => setError(errorData(er))); }}>
          {host ? (
            <ModuleChoice host={host} value={modulePath} onChange={setModulePath} onError={setError} />
          ) : (
            <>
              <input className="grow mono" list="kw-modules" aria-label={t('tokens.modulePath')} value={modulePath} onChange={(e) => setModulePath(e.target.value)} />
              <datalist id="kw-modules">{known.map((m) => <option key={m} value={m} />)}</datalist>
            </>
          )}
          <button type="submit" className="primary" disabled={modulePath === ''}>{t('tokens.configure')}</button>
        </form>
        {data ? <p className="small muted">{t('tokens.library')}: {data.module.manufacturer} · {data.module.libraryDescription} · Cryptoki {data.module.cryptokiVersion} · <span className="mono">{data.module.modulePath}</span></p> : <p className="muted">{t('tokens.notConfigured')}</p>}
      </Section>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {data ? (
        <Section title={t('tokens.tokens')}>
          <table className="simple dense" data-testid="token-table">
            <thead>
              <tr><th>{t('tokens.label')}</th><th>{t('tokens.manufacturer')}</th><th>{t('tokens.model')}</th><th>{t('tokens.serial')}</th><th>{t('tokens.userPin')}</th><th>{t('tokens.loggedIn')}</th><th /><th /></tr>
            </thead>
            <tbody>
              {data.tokens.map((tk) => <TokenRow key={tk.slotId} token={tk} onChanged={() => void load()} onError={setError} />)}
            </tbody>
          </table>
        </Section>
      ) : null}
      <Section title={t('tokens.more')}>
        <OperationConsole names={operationsOf('tokens')} />
      </Section>
    </div>
  );
}
