/** Encrypt/decrypt (<= 6 KB) and data keys with symmetric keys. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../context.tsx';
import { ErrorBanner } from '../../components/ui.tsx';
import { base64ToText } from '../../format.ts';
import { DataInput, inputToBase64, KeyPicker, Output, useEnabledKeys, useRunner, type InputFormat } from './common.tsx';

function parseContext(s: string): Record<string, string> | null | undefined {
  if (s.trim() === '') return undefined;
  try {
    const v = JSON.parse(s) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')) return v as Record<string, string>;
  } catch {
    /* falls through to null */
  }
  return null;
}

export function SymmetricPanel() {
  const { t } = useTranslation();
  const { api } = useServices();
  const keys = useEnabledKeys('ENCRYPT_DECRYPT', 'symmetric');
  const [cmkUuid, setCmk] = useState('');
  const [input, setInput] = useState('');
  const [format, setFormat] = useState<InputFormat>('text');
  const [context, setContext] = useState('');
  const [ciphertext, setCiphertext] = useState('');
  const [decrypted, setDecrypted] = useState<string | null>(null);
  const [used, setUsed] = useState('');
  const r = useRunner();
  const ctx = parseContext(context);

  const encrypt = () =>
    r.run(async () => {
      const plaintext = inputToBase64(input, format);
      if (plaintext === null) return r.setError({ code: 'InvalidParameter', message: t('workbench.notBase64') });
      const out = await api.encrypt({ cmkUuid, plaintext, encryptionContext: ctx ?? undefined });
      setCiphertext(out.ciphertextBlob);
      setUsed(out.keyVersionId);
    });
  const decrypt = () =>
    r.run(async () => {
      const out = await api.decrypt({ ciphertextBlob: ciphertext.replace(/\s+/g, ''), encryptionContext: ctx ?? undefined });
      setDecrypted(out.plaintext);
      setUsed(out.keyVersionId);
    });
  const shown = decrypted === null ? '' : format === 'text' ? base64ToText(decrypted) ?? decrypted : decrypted;

  return (
    <div className="panel-grid" data-testid="wb-symmetric">
      <KeyPicker keys={keys} value={cmkUuid} onChange={setCmk} testId="wb-sym-key" />
      <DataInput label={t('workbench.plaintext')} value={input} onChange={setInput} format={format} onFormat={setFormat} testId="wb-sym-input" />
      <label className="field">
        <span>{t('workbench.context')}</span>
        <input value={context} onChange={(e) => setContext(e.target.value)} placeholder='{"purpose":"backup"}' className="mono" />
        {ctx === null ? <span className="field-error">{t('workbench.contextInvalid')}</span> : null}
      </label>
      <div className="actions">
        <button className="primary" disabled={!cmkUuid || r.busy || ctx === null} onClick={() => void encrypt()} data-testid="wb-encrypt">{t('workbench.encrypt')}</button>
        <button disabled={!ciphertext || r.busy || ctx === null} onClick={() => void decrypt()} data-testid="wb-decrypt">{t('workbench.decrypt')}</button>
        {used ? <span className="muted small">{t('workbench.keyVersionUsed', { version: used })}</span> : null}
      </div>
      <ErrorBanner error={r.error} />
      <div className="field">
        <span>{t('workbench.ciphertext')}</span>
        <textarea rows={3} className="mono" value={ciphertext} onChange={(e) => setCiphertext(e.target.value)} data-testid="wb-ciphertext" aria-label={t('workbench.ciphertext')} />
      </div>
      {decrypted !== null ? <Output label={t('workbench.plaintext')} value={shown} testId="wb-decrypted" /> : null}
    </div>
  );
}

export function DataKeyPanel() {
  const { t } = useTranslation();
  const { api } = useServices();
  const keys = useEnabledKeys('ENCRYPT_DECRYPT', 'symmetric');
  const [cmkUuid, setCmk] = useState('');
  const [spec, setSpec] = useState<'AES_256' | 'AES_128' | 'SM4' | 'bytes'>('AES_256');
  const [bytes, setBytes] = useState('32');
  const [withoutPlaintext, setWithout] = useState(false);
  const [out, setOut] = useState<{ plaintext?: string; ciphertextBlob: string } | null>(null);
  const r = useRunner();
  const generate = () =>
    r.run(async () => {
      const req = spec === 'bytes' ? { cmkUuid, numberOfBytes: Number(bytes) } : { cmkUuid, keySpec: spec };
      setOut(withoutPlaintext ? await api.generateDataKeyWithoutPlaintext(req) : await api.generateDataKey(req));
    });
  return (
    <div className="panel-grid" data-testid="wb-datakey">
      <KeyPicker keys={keys} value={cmkUuid} onChange={setCmk} testId="wb-dk-key" />
      <div className="inline">
        <label className="field">
          <span>{t('workbench.dataKeySpec')}</span>
          <select value={spec} onChange={(e) => setSpec(e.target.value as typeof spec)}>
            <option value="AES_256">AES_256</option>
            <option value="AES_128">AES_128</option>
            <option value="SM4">SM4</option>
            <option value="bytes">{t('workbench.numberOfBytes')}</option>
          </select>
        </label>
        {spec === 'bytes' ? <input className="narrow" aria-label={t('workbench.numberOfBytes')} value={bytes} onChange={(e) => setBytes(e.target.value)} /> : null}
        <label className="check"><input type="checkbox" checked={withoutPlaintext} onChange={(e) => setWithout(e.target.checked)} /> {t('workbench.withoutPlaintext')}</label>
        <button className="primary" disabled={!cmkUuid || r.busy} onClick={() => void generate()}>{t('workbench.generate')}</button>
      </div>
      <ErrorBanner error={r.error} />
      {out?.plaintext ? (
        <>
          <div className="banner warn">{t('workbench.secretWarning')}</div>
          <Output label={t('workbench.plaintextKey')} value={out.plaintext} testId="wb-dk-plain" />
        </>
      ) : null}
      {out ? <Output label={t('workbench.encryptedKey')} value={out.ciphertextBlob} testId="wb-dk-cipher" /> : null}
    </div>
  );
}
