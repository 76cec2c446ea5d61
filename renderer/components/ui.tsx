/** The few building blocks every screen uses: fields, dialogs, errors, badges. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../core/api/errors.ts';
import type { KeyState } from '../../core/domain/key-states.ts';
import { chainRefusal } from '../i18n/chain-reasons.ts';

export function Field(props: { label: string; hint?: string; error?: string | null; required?: boolean; counter?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {props.required ? <span className="req" aria-hidden="true">* </span> : null}
        {props.label}
        {props.counter ? <span className="counter">{props.counter}</span> : null}
      </label>
      {props.children(id)}
      {props.hint && !props.error ? <div className="hint">{props.hint}</div> : null}
      {props.error ? (
        <div className="field-error" role="alert" data-testid="field-error">
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

export function ErrorBanner({ error, onClose }: { error: ErrorData | null; onClose?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="banner error" role="alert" data-testid="error-banner" data-code={error.code}>
      <strong>{t('common.errorTitle')}</strong> <code>{error.code}</code> {t(`errors.${error.code}`)}
      {error.details?.field ? <span className="detail"> ({String(error.details.field)})</span> : null}
      {error.code === 'CertificateChainInvalid' ? <span className="detail"> {chainRefusal(t, error.details)}</span> : null}
      {onClose ? (
        <button className="link" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      ) : null}
    </div>
  );
}

/**
 * A file chooser labelled in the officer's language: the browser's own control speaks the
 * browser's language instead. The input stays in the page (tests and drops reach it);
 * the button is what keyboards and pointers use.
 */
export function FilePicker({ id, file, onChange, testId }: { id?: string; file: File | null; onChange: (file: File | null) => void; testId?: string }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const nameId = useId();
  return (
    <span className="file-picker">
      <input ref={input} id={id} type="file" className="visually-hidden" tabIndex={-1} aria-describedby={nameId} onChange={(e) => onChange(e.target.files?.[0] ?? null)} data-testid={testId} />
      <button type="button" onClick={() => input.current?.click()} aria-describedby={nameId}>{t('common.chooseFile')}</button>
      <span id={nameId} className={file ? 'small' : 'muted small'}>{file ? file.name : t('common.noFile')}</span>
    </span>
  );
}

export function StateBadge({ state }: { state: KeyState }) {
  const { t } = useTranslation();
  return <span className={`badge state-${state}`}>{t(`keyState.${state}`)}</span>;
}

/** A modal dialog: focus moves in on open, Escape closes, focus returns on close. */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; footer: ReactNode; wide?: boolean; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.dialog-x)');
    first?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="overlay" onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
      <div ref={ref} className={`dialog${props.wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={props.testId}>
        <header>
          <h2 id={titleId}>{props.title}</h2>
          <button className="dialog-x link" onClick={props.onClose} aria-label="×">
            ×
          </button>
        </header>
        <div className="dialog-body">{props.children}</div>
        <footer>{props.footer}</footer>
      </div>
    </div>
  );
}

export function ConfirmDialog(props: { title: string; body: ReactNode; danger?: boolean; onConfirm: () => void; onClose: () => void; confirmDisabled?: boolean; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      testId={props.testId}
      footer={
        <>
          <button onClick={props.onClose}>{t('common.cancel')}</button>
          <button className={props.danger ? 'danger' : 'primary'} disabled={props.confirmDisabled} onClick={props.onConfirm} data-testid="confirm">
            {t('common.confirm')}
          </button>
        </>
      }
    >
      {props.body}
    </Dialog>
  );
}

/** A monospace value with a copy button (ids, base64 outputs). */
export function CopyValue({ value, testId }: { value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className="copy-value">
      <code data-testid={testId}>{value}</code>
      <button className="link small" onClick={() => void navigator.clipboard?.writeText(value)} aria-label={t('common.copy')}>
        {t('common.copy')}
      </button>
    </span>
  );
}

export function Section(props: { title: string; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="panel" data-testid={props.testId}>
      <header className="panel-head">
        <h3>{props.title}</h3>
        <div className="actions">{props.actions}</div>
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}

/** The mark, drawn inline so nothing depends on a font having the glyph. */
export function Logo() {
  return (
    <svg className="logo" width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <circle cx="8" cy="12" r="4" />
      <path d="M12 12h9M18 12v3M21 12v2" />
    </svg>
  );
}
