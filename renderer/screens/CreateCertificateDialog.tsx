/** The create-certificate dialog with the reference console's subject fields and a country list in the officer's language. */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../core/api/errors.ts';
import { CERTIFICATE_KEY_SPECS } from '../../core/domain/vocabulary.ts';
import { useServices } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { CopyValue, Dialog, ErrorBanner, Field } from '../components/ui.tsx';
import { countryOptions, EMPTY_CERT_FORM, MAX_OUS, toCreateCertRequest, validateCreateCert, type CreateCertForm } from './create-cert-form.ts';

export function CreateCertificateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const [f, setF] = useState<CreateCertForm>(EMPTY_CERT_FORM);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const [csr, setCsr] = useState<string | null>(null);
  const countries = useMemo(() => countryOptions(i18n.language), [i18n.language]);
  const errors = validateCreateCert(f);
  const show = (k: keyof typeof errors) => (errors[k] && submitted ? t(errors[k]!) : null);
  const patch = (p: Partial<CreateCertForm>) => setF((x) => ({ ...x, ...p }));
  const setOu = (i: number, v: string) => setF((x) => ({ ...x, OU: x.OU.map((o, j) => (j === i ? v : o)) }));

  async function submit() {
    setSubmitted(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      setCsr((await api.createCertificate(toCreateCertRequest(f))).csr);
      onCreated();
    } catch (e) {
      setError(errorData(e));
    } finally {
      setBusy(false);
    }
  }

  const text = (k: 'CN' | 'O' | 'ST' | 'L' | 'E' | 'name', required = false) => (
    <Field label={t(`certs.form.${k}`)} required={required} error={k === 'CN' || k === 'O' || k === 'E' ? show(k) : null}>
      {(id) => <input id={id} value={f[k]} onChange={(e) => patch({ [k]: e.target.value })} data-testid={`cc-${k}`} />}
    </Field>
  );

  return (
    <Dialog
      title={t('certs.form.title')}
      onClose={onClose}
      testId="create-cert-dialog"
      wide
      footer={
        csr ? <button className="primary" onClick={onClose}>{t('common.close')}</button> : (
          <>
            <button onClick={onClose}>{t('common.cancel')}</button>
            <button className="primary" onClick={() => void submit()} disabled={busy} data-testid="cc-submit">{busy ? t('common.working') : t('common.confirm')}</button>
          </>
        )
      }
    >
      {csr ? (
        <div data-testid="cc-csr">
          <p>{t('certs.form.created')}</p>
          <CopyValue value={csr} />
        </div>
      ) : (
        <form className="form-grid" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          <ErrorBanner error={error} />
          {text('CN', true)}
          <Field label={t('certs.form.C')} required hint={t('certs.form.countryHint')} error={show('C')}>
            {(id) => (
              <select id={id} value={f.C} onChange={(e) => patch({ C: e.target.value })} data-testid="cc-C">
                {countries.map((c) => <option key={c.code} value={c.code}>{`${c.name} (${c.code})`}</option>)}
              </select>
            )}
          </Field>
          {text('O', true)}
          <Field label={t('certs.form.OU')} required hint={t('certs.form.ouHint', { count: MAX_OUS })} error={show('OU')}>
            {(id) => (
              <div className="stack">
                {f.OU.map((o, i) => <input key={i} id={i === 0 ? id : undefined} value={o} onChange={(e) => setOu(i, e.target.value)} data-testid={`cc-OU-${i}`} />)}
                {f.OU.length < MAX_OUS ? <button type="button" className="link" onClick={() => patch({ OU: [...f.OU, ''] })} data-testid="cc-add-ou">+ {t('certs.form.addOu')}</button> : null}
              </div>
            )}
          </Field>
          {text('ST')}
          {text('L')}
          {text('E')}
          <Field label={t('certs.keySpec')} required>
            {(id) => (
              <select id={id} value={f.keySpec} onChange={(e) => patch({ keySpec: e.target.value as CreateCertForm['keySpec'] })} data-testid="cc-spec">
                {CERTIFICATE_KEY_SPECS.map((s) => <option key={s} value={s}>{s}</option>)}
              </select>
            )}
          </Field>
          <Field label="">
            {(id) => (
              <label className="check">
                <input id={id} type="checkbox" checked={f.exportable} onChange={(e) => patch({ exportable: e.target.checked })} /> {t('certs.form.exportable')}
              </label>
            )}
          </Field>
          {text('name')}
        </form>
      )}
    </Dialog>
  );
}
