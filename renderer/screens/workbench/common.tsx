/** Pieces shared by the workbench panels: key and version pickers, text/base64 input. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyMetadata, KeyVersion } from '../../../core/api/ops/keys.ts';
import type { ErrorData } from '../../../core/api/errors.ts';
import { SPEC_CAPABILITIES, type KeyFamily, type KeyUsage } from '../../../core/domain/key-specs.ts';
import { useServices } from '../../context.tsx';
import { errorData } from '../../api/client.ts';
import { isBase64, textToBase64 } from '../../format.ts';

export function useEnabledKeys(usage: KeyUsage, family: KeyFamily): KeyMetadata[] {
  const { api } = useServices();
  const [keys, setKeys] = useState<KeyMetadata[]>([]);
  useEffect(() => {
    api.listKeys({ keyState: 'Enabled', keyUsage: usage, pageSize: 1000 }).then((r) => setKeys(r.keys.filter((k) => SPEC_CAPABILITIES[k.keySpec].family === family)), () => setKeys([]));
  }, [api, usage, family]);
  return keys;
}

export function KeyPicker(props: { keys: KeyMetadata[]; value: string; onChange: (id: string) => void; testId: string }) {
  const { t } = useTranslation();
  useEffect(() => {
    if (!props.value && props.keys[0]) props.onChange(props.keys[0].cmkUuid);
  }, [props.keys, props.value, props.onChange]);
  if (props.keys.length === 0) return <p className="muted">{t('workbench.noKeys')}</p>;
  return (
    <label className="field">
      <span>{t('workbench.key')}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        {props.keys.map((k) => (
          <option key={k.cmkUuid} value={k.cmkUuid}>
            {k.keySpec} · {k.aliases[0] ?? k.cmkUuid}
          </option>
        ))}
      </select>
    </label>
  );
}

export function VersionPicker(props: { cmkUuid: string; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const { api } = useServices();
  const [versions, setVersions] = useState<KeyVersion[]>([]);
  useEffect(() => {
    if (!props.cmkUuid) return;
    api.listKeyVersions({ cmkUuid: props.cmkUuid, pageSize: 100 }).then((r) => {
      setVersions(r.keyVersions);
      props.onChange(r.keyVersions[0]?.keyVersionId ?? '');
    }, () => setVersions([]));
  }, [api, props.cmkUuid]);
  return (
    <label className="field">
      <span>{t('workbench.version')}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {versions.map((v) => (
          <option key={v.keyVersionId} value={v.keyVersionId}>{v.keyVersionId}{v.isPrimary ? ' *' : ''}</option>
        ))}
      </select>
    </label>
  );
}

export type InputFormat = 'text' | 'base64';

/** A textarea whose content is text or base64; `toBase64` gives what the contract wants. */
export function DataInput(props: { label: string; value: string; onChange: (v: string) => void; format: InputFormat; onFormat: (f: InputFormat) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <div className="label-row">
        <span>{props.label}</span>
        <span className="seg" role="radiogroup" aria-label={t('workbench.inputFormat')}>
          {(['text', 'base64'] as const).map((f) => (
            <button key={f} type="button" role="radio" aria-checked={props.format === f} className={props.format === f ? 'on' : ''} onClick={() => props.onFormat(f)}>
              {t(`common.${f}`)}
            </button>
          ))}
        </span>
      </div>
      <textarea rows={4} value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId} aria-label={props.label} />
    </div>
  );
}

/** Base64 of the input, or null when the officer typed invalid base64. */
export function inputToBase64(value: string, format: InputFormat): string | null {
  if (format === 'text') return textToBase64(value);
  const v = value.replace(/\s+/g, '');
  return isBase64(v) ? v : null;
}

/** Runs one call, keeping its error for display. */
export function useRunner() {
  const [error, setError] = useState<ErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorData(e));
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, run, setError };
}

export function Output({ label, value, testId }: { label: string; value: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <div className="label-row">
        <span>{label}</span>
        <button className="link small" onClick={() => void navigator.clipboard?.writeText(value)}>{t('common.copy')}</button>
      </div>
      <textarea rows={3} readOnly value={value} data-testid={testId} aria-label={label} className="mono" />
    </div>
  );
}
