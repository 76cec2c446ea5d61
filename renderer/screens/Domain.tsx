/**
 * A console for a domain's operations (BYOK, certificates, tokens), derived from the
 * contract's operation table: each operation the core offers appears with a JSON request
 * editor under its screen's dedicated views, so new operations are usable the moment
 * they land in the contract.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../core/api/errors.ts';
import { useServices } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { ErrorBanner } from '../components/ui.tsx';
import { OPERATIONS } from '../domains.ts';

export function OperationConsole({ names }: { names: string[] }) {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const [name, setName] = useState(names[0] ?? '');
  const [request, setRequest] = useState('{}');
  const [response, setResponse] = useState<string | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  if (names.length === 0) return <p className="muted">{t('domain.unavailable')}</p>;
  async function call() {
    setBusy(true);
    setError(null);
    setResponse(null);
    try {
      const req = JSON.parse(request) as unknown;
      const fn = (api as unknown as Record<string, (r: unknown) => Promise<unknown>>)[name]!;
      setResponse(JSON.stringify(await fn(req), null, 2));
    } catch (e) {
      setError(e instanceof SyntaxError ? { code: 'InvalidParameter', message: e.message, details: { field: 'request' } } : errorData(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="split">
      <ul className="op-list" aria-label={t('domain.operations')}>
        {names.map((n) => (
          <li key={n}>
            <button className={`nav-item op-item${n === name ? ' active' : ''}`} onClick={() => { setName(n); setResponse(null); setError(null); }} title={n} data-testid={`op-${n}`}>
              <span className="op-names">
                <span className="op-title">{t(`operations.${n}`, { defaultValue: n })}</span>
                <span className="mono small muted">{n}</span>
              </span>
              <span className={`badge kind-${OPERATIONS[n]?.kind}`}>{OPERATIONS[n] ? t(`domain.kinds.${OPERATIONS[n].kind}`) : ''}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="op-form">
        <h3 data-testid="op-title">{t(`operations.${name}`, { defaultValue: name })}</h3>
        <p className="mono small muted">{name}</p>
        {/* The contract's summaries are English; they add detail only where English is the officer's language. */}
        {i18n.language === 'en' && OPERATIONS[name]?.summary ? <p className="muted small">{OPERATIONS[name].summary}</p> : null}
        <label className="field">
          <span>{t('domain.request')}</span>
          <textarea rows={8} className="mono" value={request} onChange={(e) => setRequest(e.target.value)} data-testid="op-request" />
        </label>
        <button className={OPERATIONS[name]?.kind === 'write' ? 'danger' : 'primary'} disabled={!name || busy} onClick={() => void call()} data-testid="op-call">{t('domain.call')}</button>
        <ErrorBanner error={error} />
        {response !== null ? (
          <label className="field">
            <span>{t('domain.response')}</span>
            <pre className="pem" data-testid="op-response">{response}</pre>
          </label>
        ) : null}
      </div>
    </div>
  );
}
