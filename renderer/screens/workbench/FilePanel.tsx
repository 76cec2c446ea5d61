/** File envelope encryption: progress bar, cancel, throughput; the result is offered for download. */
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../context.tsx';
import { ErrorBanner, FilePicker } from '../../components/ui.tsx';
import { base64ToBytes, downloadBlob, formatBytes } from '../../format.ts';
import { decryptEnvelope, encryptEnvelope, EnvelopeError, type DataKeySource } from '../../crypto/envelope.ts';
import { KeyPicker, useEnabledKeys, useRunner } from './common.tsx';

interface Job {
  done: number;
  total: number;
  startedAt: number;
  now: number;
}

export function FilePanel() {
  const { t } = useTranslation();
  const { api } = useServices();
  const keys = useEnabledKeys('ENCRYPT_DECRYPT', 'symmetric');
  const [cmkUuid, setCmk] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const fileInputId = useId();
  const [job, setJob] = useState<Job | null>(null);
  const [result, setResult] = useState<{ name: string; blob: Blob } | null>(null);
  const [message, setMessage] = useState('');
  const abort = useRef<AbortController | null>(null);
  const r = useRunner();

  const source: DataKeySource = {
    generate: async () => {
      const dk = await api.generateDataKey({ cmkUuid, keySpec: 'AES_256' });
      return { plaintext: base64ToBytes(dk.plaintext), ciphertextBlob: dk.ciphertextBlob, cmkUuid: dk.cmkUuid, keyVersionId: dk.keyVersionId };
    },
    unwrap: async (blob) => base64ToBytes((await api.decrypt({ ciphertextBlob: blob })).plaintext),
  };

  async function start(mode: 'encrypt' | 'decrypt') {
    if (!file) return;
    const ctl = new AbortController();
    abort.current = ctl;
    setResult(null);
    setMessage('');
    const startedAt = performance.now();
    setJob({ done: 0, total: file.size, startedAt, now: startedAt });
    const onProgress = (done: number, total: number) => setJob({ done, total, startedAt, now: performance.now() });
    await r.run(async () => {
      try {
        if (mode === 'encrypt') {
          const blob = await encryptEnvelope(file, source, { signal: ctl.signal, onProgress });
          setResult({ name: `${file.name}.kwenv`, blob });
        } else {
          const { blob } = await decryptEnvelope(file, source, { signal: ctl.signal, onProgress });
          setResult({ name: file.name.replace(/\.kwenv$/, '') || 'decrypted.bin', blob });
        }
      } catch (e) {
        if (!(e instanceof EnvelopeError)) throw e;
        setMessage(e.reason === 'cancelled' ? t('envelope.cancelled') : e.reason === 'badFile' ? t('envelope.badFile') : t('envelope.chunkTampered', { index: e.chunkIndex }));
      } finally {
        abort.current = null;
      }
    });
  }

  const pct = job && job.total > 0 ? Math.min(100, Math.round((job.done / job.total) * 100)) : job ? 100 : 0;
  const seconds = job ? Math.max(0.001, (job.now - job.startedAt) / 1000) : 1;
  const running = abort.current !== null;
  return (
    <div className="panel-grid" data-testid="wb-file">
      <p className="muted">{t('envelope.intro')}</p>
      <KeyPicker keys={keys} value={cmkUuid} onChange={setCmk} testId="wb-file-key" />
      <div className="field">
        <label htmlFor={fileInputId}>{t('envelope.pickFile')}</label>
        <FilePicker id={fileInputId} file={file} onChange={setFile} testId="wb-file-input" />
      </div>
      <div className="actions">
        <button className="primary" disabled={!file || !cmkUuid || running} onClick={() => void start('encrypt')} data-testid="wb-file-encrypt">{t('envelope.encryptFile')}</button>
        <button disabled={!file || running} onClick={() => void start('decrypt')} data-testid="wb-file-decrypt">{t('envelope.decryptFile')}</button>
        <button disabled={!running} onClick={() => abort.current?.abort()} data-testid="wb-file-cancel">{t('envelope.cancel')}</button>
      </div>
      {job ? (
        <div className="progress-row">
          <progress max={100} value={pct} aria-label={t('envelope.progress')} data-testid="wb-file-progress" />
          <span className="mono small">{pct}% · {formatBytes(job.done)} / {formatBytes(job.total)} · {t('envelope.throughput', { rate: formatBytes(Math.round(job.done / seconds)) })}</span>
        </div>
      ) : null}
      {message ? <div className="banner warn" data-testid="wb-file-message">{message}</div> : null}
      <ErrorBanner error={r.error} />
      {result ? (
        <div className="banner info" data-testid="wb-file-done">
          {t('envelope.finished', { name: result.name, size: formatBytes(result.blob.size) })}{' '}
          <button onClick={() => downloadBlob(result.name, result.blob)} data-testid="wb-file-save">{t('envelope.save')}</button>
        </div>
      ) : null}
    </div>
  );
}
