/** Certificates: list with expiry warnings, detail with chain validation, status changes with confirmation. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CertificateInfo, CertificateList, ChainReportView } from '../../core/api/ops/certificates.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import { useServices } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { ConfirmDialog, CopyValue, ErrorBanner, Section } from '../components/ui.tsx';
import { formatDate } from '../format.ts';
import { operationsOf } from '../domains.ts';
import { OperationConsole } from './Domain.tsx';
import { chainReasonsText } from '../i18n/chain-reasons.ts';
import { CreateCertificateDialog } from './CreateCertificateDialog.tsx';

type Target = 'Enabled' | 'Disabled' | 'Revoked';

function CertificateDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const [cert, setCert] = useState<CertificateInfo | null>(null);
  const [chain, setChain] = useState<ChainReportView | null>(null);
  const [pending, setPending] = useState<Target | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const load = useCallback(() => api.describeCertificate({ certificateId: id }).then((r) => setCert(r.certificate), (e) => setError(errorData(e))), [api, id]);
  useEffect(() => {
    setChain(null);
    void load();
  }, [load]);
  async function change(status: Target) {
    setPending(null);
    try {
      setCert((await api.updateCertificateStatus({ certificateId: id, status })).certificate);
      onChanged();
    } catch (e) {
      setError(errorData(e));
    }
  }
  if (!cert) return <ErrorBanner error={error} />;
  const row = (k: string, v: React.ReactNode) => (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
  return (
    <Section
      title={cert.name || cert.certificateId}
      testId="cert-detail"
      actions={
        <>
          {cert.status === 'Disabled' ? <button onClick={() => setPending('Enabled')}>{t('certs.enable')}</button> : null}
          {cert.status === 'Enabled' ? <button onClick={() => setPending('Disabled')}>{t('certs.disable')}</button> : null}
          {cert.status !== 'Revoked' && cert.status !== 'PendingIssue' ? <button className="danger" onClick={() => setPending('Revoked')}>{t('certs.revoke')}</button> : null}
          <button onClick={() => void api.describeCertificateChain({ certificateId: id }).then((r) => setChain(r.chainReport), (e) => setError(errorData(e)))}>{t('certs.checkChain')}</button>
        </>
      }
    >
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <dl className="grid-dl">
        {row('ID', <CopyValue value={cert.certificateId} />)}
        {row(t('certs.status'), t(`certs.statuses.${cert.status}`))}
        {row(t('certs.subject'), <span className="mono">{cert.subject}</span>)}
        {row(t('certs.issuer'), <span className="mono">{cert.issuer ?? '--'}</span>)}
        {row(t('certs.notBefore'), formatDate(cert.notBefore, i18n.language))}
        {row(t('certs.notAfter'), `${formatDate(cert.notAfter, i18n.language)}${cert.expiry ? ` (${t('certs.daysLeft', { count: cert.expiry.daysLeft })})` : ''}`)}
        {row(t('certs.serial'), <span className="mono">{cert.serialNumber ?? '--'}</span>)}
        {row(t('certs.keySpec'), cert.keySpec ?? '--')}
        {row(t('certs.kind'), t(`certs.kinds.${cert.kind}`))}
        {row(t('certs.fingerprint'), <span className="mono small">{cert.fingerprints?.sha256 ?? '--'}</span>)}
        {cert.status !== 'PendingIssue'
          ? row(t('certs.chain'), cert.chainVerified ? t('certs.chainVerified') : <span className="bad" title={t('certs.chainUnverifiedHint')} data-testid="chain-unverified">{t('certs.chainUnverified')}: {t('certs.chainUnverifiedHint')}</span>)
          : null}
      </dl>
      {chain ? (
        <>
          <div className={`banner ${chain.ok ? 'info' : 'error'}`} data-testid="chain-banner">{chain.ok ? t('certs.chainOk') : t('certs.chainBad', { reasons: chainReasonsText(t, chain.reasons) })}</div>
          <table className="simple dense">
            <tbody>
              {chain.path.map((c) => (
                <tr key={c.sha256}>
                  <td>{t(`certs.roles.${c.role}`)}</td>
                  <td className="mono small">{c.subject}</td>
                  <td>{formatDate(c.notAfter, i18n.language)}</td>
                  <td className={c.reasons.length ? 'bad' : 'good'}>{c.reasons.length ? chainReasonsText(t, c.reasons) : t(`certs.validity.${c.validity}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {pending ? (
        <ConfirmDialog
          danger={pending === 'Revoked'}
          title={t(`certs.${pending === 'Revoked' ? 'revoke' : pending === 'Enabled' ? 'enable' : 'disable'}`)}
          body={<p>{pending === 'Revoked' ? t('certs.confirmRevoke') : t('certs.confirmStatus', { status: t(`certs.statuses.${pending}`) })}</p>}
          onClose={() => setPending(null)}
          onConfirm={() => void change(pending)}
        />
      ) : null}
    </Section>
  );
}

export function CertificatesScreen() {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const [list, setList] = useState<CertificateList | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const load = useCallback(() => api.listCertificate({ pageSize: 100 }).then(setList, (e) => setError(errorData(e))), [api]);
  useEffect(() => void load(), [load]);
  return (
    <div className="page">
      <header className="page-head">
        <h1>{t('certs.title')}</h1>
        <div className="actions"><button className="primary" onClick={() => setCreating(true)} data-testid="create-cert">{t('certs.form.title')}</button></div>
      </header>
      {creating ? <CreateCertificateDialog onClose={() => setCreating(false)} onCreated={() => void load()} /> : null}
      <ErrorBanner error={error} />
      <Section title={t('certs.list')} actions={list ? <span className="muted small">{t('certs.expiring', list.expiryWarnings)}</span> : null}>
        {list && list.certificates.length === 0 ? <p className="muted">{t('certs.none')}</p> : null}
        <table className="simple dense" data-testid="cert-table">
          <thead>
            <tr><th>{t('certs.name')}</th><th>{t('certs.subject')}</th><th>{t('certs.status')}</th><th>{t('certs.kind')}</th><th>{t('certs.notAfter')}</th></tr>
          </thead>
          <tbody>
            {list?.certificates.map((c) => (
              <tr key={c.certificateId}>
                <td><button className="link" onClick={() => setSelected(c.certificateId)}>{c.name || c.certificateId}</button></td>
                <td className="mono small">{c.subject}</td>
                <td>
                  {t(`certs.statuses.${c.status}`)}
                  {c.status !== 'PendingIssue' && !c.chainVerified ? <> <span className="badge bad" data-testid="chain-unverified">{t('certs.chainUnverified')}</span></> : null}
                </td>
                <td>{t(`certs.kinds.${c.kind}`)}</td>
                <td className={c.expiry?.level === 'ok' || !c.expiry ? '' : 'bad'}>{formatDate(c.notAfter, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {selected ? <CertificateDetail id={selected} onChanged={() => void load()} /> : null}
      <Section title={t('certs.more')}>
        <OperationConsole names={operationsOf('certificates')} />
      </Section>
    </div>
  );
}
