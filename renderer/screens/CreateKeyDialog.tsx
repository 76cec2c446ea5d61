/** The create-key dialog with the seed's fields, counters and validation messages. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KEY_SPECS, PROTECTION_LEVELS, SPEC_CAPABILITIES } from '../../core/domain/key-specs.ts';
import { LIMITS } from '../../core/domain/limits.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import { useServices } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { Dialog, ErrorBanner, Field } from '../components/ui.tsx';
import { EMPTY_FORM, rotationAllowed, toCreateKeyRequest, validateCreateKey, withSpec, type CreateKeyForm, type RotationChoice } from './create-key-form.ts';

export function CreateKeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { api, keys, ui } = useServices();
  const [f, setF] = useState<CreateKeyForm>(EMPTY_FORM);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const errors = validateCreateKey(f);
  // Alias and description mistakes show as they are typed; the rest after OK.
  const show = (k: keyof typeof errors) => (errors[k] && (submitted || k === 'alias' || k === 'description') ? t(errors[k]!) : null);
  const caps = SPEC_CAPABILITIES[f.keySpec];
  const patch = (p: Partial<CreateKeyForm>) => setF((x) => ({ ...x, ...p }));

  async function submit() {
    setSubmitted(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.createKey(toCreateKeyRequest(f));
      ui.getState().notify('info', t('createKey.created', { id: r.keyMetadata.cmkUuid }));
      void keys.getState().reload();
      onClose();
    } catch (e) {
      setError(errorData(e));
    } finally {
      setBusy(false);
    }
  }

  const families = [
    ['symmetric', KEY_SPECS.filter((s) => SPEC_CAPABILITIES[s].family === 'symmetric')],
    ['asymmetric', KEY_SPECS.filter((s) => SPEC_CAPABILITIES[s].family === 'asymmetric')],
    ['mac', KEY_SPECS.filter((s) => SPEC_CAPABILITIES[s].family === 'mac')],
  ] as const;

  return (
    <Dialog
      title={t('createKey.title')}
      onClose={onClose}
      testId="create-key-dialog"
      footer={
        <>
          <button onClick={onClose}>{t('common.cancel')}</button>
          <button className="primary" onClick={() => void submit()} disabled={busy} data-testid="create-key-submit">
            {busy ? t('common.working') : t('common.confirm')}
          </button>
        </>
      }
    >
      <form className="form-grid" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <ErrorBanner error={error} />
        <Field label={t('createKey.spec')} required>
          {(id) => (
            <select id={id} value={f.keySpec} onChange={(e) => setF((x) => withSpec(x, e.target.value as CreateKeyForm['keySpec']))} data-testid="ck-spec">
              {families.map(([fam, specs]) => (
                <optgroup key={fam} label={t(`createKey.${fam}`)}>
                  {specs.map((s) => (
                    <option key={s} value={s}>{s}</option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('createKey.usage')} required error={show('keyUsage')}>
          {(id) => (
            <div className="radios" id={id} role="radiogroup">
              {caps.usages.map((u) => (
                <label key={u}>
                  <input type="radio" name="usage" checked={f.keyUsage === u} onChange={() => patch({ keyUsage: u })} data-testid={`ck-usage-${u}`} /> {t(`keyUsage.${u}`)}
                </label>
              ))}
            </div>
          )}
        </Field>
        <Field label={t('createKey.alias')} hint={t('createKey.aliasHint')} error={show('alias')} counter={`${f.alias.length} / ${LIMITS.aliasMaxLength}`}>
          {(id) => <input id={id} value={f.alias} placeholder="alias/..." onChange={(e) => patch({ alias: e.target.value })} data-testid="ck-alias" />}
        </Field>
        <Field label={t('createKey.protection')} required>
          {(id) => (
            <div className="radios" id={id} role="radiogroup">
              {PROTECTION_LEVELS.map((p) => (
                <label key={p}>
                  <input type="radio" name="protection" checked={f.protectionLevel === p} onChange={() => patch({ protectionLevel: p })} /> {t(`protection.${p}`)}
                </label>
              ))}
            </div>
          )}
        </Field>
        <Field label={t('createKey.rotation')} required hint={rotationAllowed(f) ? undefined : t('createKey.rotationSymmetricOnly')} error={show('rotation')}>
          {(id) => (
            <div className="inline">
              <select id={id} value={f.rotation} disabled={!rotationAllowed(f)} onChange={(e) => patch({ rotation: e.target.value as RotationChoice })} data-testid="ck-rotation">
                <option value="off">{t('createKey.rotationOff')}</option>
                {LIMITS.rotationPresets.map((d) => (
                  <option key={d} value={String(d)}>{t('common.days', { count: d })}</option>
                ))}
                <option value="custom">{t('createKey.rotationCustom')}</option>
              </select>
              {f.rotation === 'custom' ? (
                <input className="narrow" inputMode="numeric" aria-label={t('createKey.rotationCustomDays')} placeholder="7~730" value={f.customDays} onChange={(e) => patch({ customDays: e.target.value })} data-testid="ck-custom-days" />
              ) : null}
            </div>
          )}
        </Field>
        <Field label={t('createKey.description')} error={show('description')} counter={`${f.description.length} / ${LIMITS.descriptionMaxLength}`}>
          {(id) => <textarea id={id} rows={2} value={f.description} onChange={(e) => patch({ description: e.target.value })} data-testid="ck-description" />}
        </Field>
        <Field label={t('createKey.origin')} required error={show('origin')}>
          {(id) => (
            <div className="radios" id={id} role="radiogroup">
              <label>
                <input type="radio" name="origin" checked={f.origin === 'KMS'} onChange={() => patch({ origin: 'KMS' })} /> {t('createKey.originKms')}
              </label>
              <label className={caps.importable ? '' : 'disabled'}>
                <input type="radio" name="origin" disabled={!caps.importable} checked={f.origin === 'EXTERNAL'} onChange={() => setF((x) => ({ ...x, origin: 'EXTERNAL', rotation: 'off' }))} data-testid="ck-origin-external" /> {t('createKey.originExternal')}
              </label>
            </div>
          )}
        </Field>
        {f.origin === 'EXTERNAL' ? (
          <Field label="" error={show('externalConfirmed')}>
            {(id) => (
              <label className="check">
                <input id={id} type="checkbox" checked={f.externalConfirmed} onChange={(e) => patch({ externalConfirmed: e.target.checked })} data-testid="ck-external-confirm" /> {t('createKey.externalConfirm')}
              </label>
            )}
          </Field>
        ) : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </Dialog>
  );
}
