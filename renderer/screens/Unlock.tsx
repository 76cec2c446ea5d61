/** First run (create the vault, with a strength meter) and unlock. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices, useSession } from '../context.tsx';
import { passphraseStrength } from '../store/session.ts';
import { ErrorBanner, Field, Logo } from '../components/ui.tsx';

export function UnlockScreen() {
  const { t } = useTranslation();
  const { session } = useServices();
  const status = useSession((s) => s.status);
  const busy = useSession((s) => s.busy);
  const error = useSession((s) => s.error);
  const lockedByIdle = useSession((s) => s.lockedByIdle);
  const creating = status !== null && !status.initialized;
  const [pass, setPass] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const strength = passphraseStrength(pass);
  const tooShort = creating && pass.length > 0 && pass.length < 8;
  const mismatch = creating && confirm.length > 0 && confirm !== pass;
  const canSubmit = !busy && pass.length > 0 && (!creating || (pass.length >= 8 && confirm === pass));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!canSubmit) return;
    const ok = creating ? await session.getState().initVault(pass) : await session.getState().unlock(pass);
    if (ok) {
      setPass('');
      setConfirm('');
    }
  }

  return (
    <div className="unlock-page">
      <form className="unlock-card" onSubmit={submit} data-testid={creating ? 'create-vault' : 'unlock-vault'}>
        <div className="brand">
          <Logo />
          <div>
            <div className="brand-name">{t('app.name')}</div>
            <div className="muted">{t('app.tagline')}</div>
          </div>
        </div>
        <h1>{creating ? t('unlock.createTitle') : t('unlock.unlockTitle')}</h1>
        <p className="muted">{creating ? t('unlock.createIntro') : t('unlock.unlockIntro')}</p>
        {lockedByIdle && !creating ? <div className="banner info">{t('unlock.idleLocked')}</div> : null}
        {status && !status.selfTest.ok ? <div className="banner error">{t('unlock.selfTestFailed', { failures: status.selfTest.failures.join(', ') })}</div> : null}
        <ErrorBanner error={error} onClose={() => session.getState().clearError()} />
        <Field label={t('unlock.passphrase')} required error={touched && tooShort ? t('unlock.tooShort') : null}>
          {(id) => <input id={id} type="password" autoComplete={creating ? 'new-password' : 'current-password'} value={pass} onChange={(e) => setPass(e.target.value)} data-testid="passphrase" autoFocus />}
        </Field>
        {creating ? (
          <>
            <div className="strength" data-testid="strength" data-level={strength.level}>
              <span>{t('unlock.strength')}:</span>
              <span className={`meter level-${strength.level}`} aria-hidden="true">
                <span />
                <span />
                <span />
                <span />
              </span>
              <strong>{t(`unlock.strengthLevels.${strength.level}`)}</strong>
              {strength.bits > 0 ? <span className="muted">{t('unlock.strengthHint', { bits: strength.bits })}</span> : null}
            </div>
            <Field label={t('unlock.confirmPassphrase')} required error={mismatch ? t('unlock.mismatch') : null}>
              {(id) => <input id={id} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="passphrase-confirm" />}
            </Field>
          </>
        ) : null}
        <button type="submit" className="primary block" disabled={!canSubmit} data-testid="unlock-submit">
          {busy ? t('common.working') : creating ? t('unlock.create') : t('unlock.unlock')}
        </button>
      </form>
      {!creating && status ? <TokenUnlock available={status.unlockMethods.includes('token')} /> : null}
    </div>
  );
}

function TokenUnlock({ available }: { available: boolean }) {
  const { t } = useTranslation();
  const { session } = useServices();
  const busy = useSession((s) => s.busy);
  const [pin, setPin] = useState('');
  const [label, setLabel] = useState('');
  if (!available) return <p className="muted small unlock-foot">{t('unlock.ukey')}: {t('unlock.ukeyUnavailable')}</p>;
  return (
    <form className="unlock-card" onSubmit={(e) => { e.preventDefault(); void session.getState().unlockWithToken(pin, label || undefined).then(() => setPin('')); }} data-testid="unlock-token">
      <h2>{t('unlock.ukey')}</h2>
      <div className="inline">
        <input aria-label={t('unlock.tokenLabel')} placeholder={t('unlock.tokenLabel')} value={label} onChange={(e) => setLabel(e.target.value)} />
        <input type="password" autoComplete="off" aria-label={t('unlock.pin')} placeholder={t('unlock.pin')} value={pin} onChange={(e) => setPin(e.target.value)} />
        <button type="submit" disabled={!pin || busy}>{t('unlock.unlockWithToken')}</button>
      </div>
    </form>
  );
}
