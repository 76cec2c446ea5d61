/** Digest, HMAC and random bytes. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '../../../core/domain/limits.ts';
import { useServices } from '../../context.tsx';
import { ErrorBanner } from '../../components/ui.tsx';
import { base64ToBytes, toHex } from '../../format.ts';
import { DataInput, inputToBase64, KeyPicker, Output, useEnabledKeys, useRunner, type InputFormat } from './common.tsx';

export function DigestPanel() {
  const { t } = useTranslation();
  const { api } = useServices();
  const macKeys = useEnabledKeys('GENERATE_VERIFY_MAC', 'mac');
  const [algorithm, setAlgorithm] = useState<'SM3' | 'SHA_256'>('SM3');
  const [message, setMessage] = useState('');
  const [format, setFormat] = useState<InputFormat>('text');
  const [digest, setDigest] = useState('');
  const [cmkUuid, setCmk] = useState('');
  const [mac, setMac] = useState('');
  const [macValid, setMacValid] = useState<boolean | null>(null);
  const r = useRunner();
  const msg = () => {
    const m = inputToBase64(message, format);
    if (m === null) throw Object.assign(new Error(t('workbench.notBase64')), { code: 'InvalidParameter' });
    return m;
  };
  return (
    <div className="panel-grid" data-testid="wb-digest">
      <DataInput label={t('workbench.message')} value={message} onChange={setMessage} format={format} onFormat={setFormat} testId="wb-digest-message" />
      <div className="inline">
        <label className="field">
          <span>{t('workbench.digestAlg')}</span>
          <select value={algorithm} onChange={(e) => setAlgorithm(e.target.value as 'SM3' | 'SHA_256')}>
            <option value="SM3">SM3</option>
            <option value="SHA_256">SHA-256</option>
          </select>
        </label>
        <button className="primary" disabled={r.busy} onClick={() => void r.run(async () => setDigest((await api.messageDigest({ algorithm, message: msg() })).digest))} data-testid="wb-digest-run">{t('workbench.computeDigest')}</button>
      </div>
      {digest ? <Output label={`${algorithm} (hex)`} value={toHex(base64ToBytes(digest))} testId="wb-digest-out" /> : null}
      <h4>{t('workbench.hmacKey')}</h4>
      <KeyPicker keys={macKeys} value={cmkUuid} onChange={setCmk} testId="wb-hmac-key" />
      <div className="actions">
        <button disabled={!cmkUuid || r.busy} onClick={() => void r.run(async () => { setMac((await api.hmacCompute({ cmkUuid, message: msg() })).mac); setMacValid(null); })}>{t('workbench.computeHmac')}</button>
        <button disabled={!cmkUuid || !mac || r.busy} onClick={() => void r.run(async () => setMacValid((await api.hmacVerify({ cmkUuid, message: msg(), mac: mac.trim() })).macValid))}>{t('workbench.verifyHmac')}</button>
        {macValid !== null ? <span className={macValid ? 'good' : 'bad'}>{macValid ? t('workbench.macValid') : t('workbench.macInvalid')}</span> : null}
      </div>
      <div className="field">
        <span>{t('workbench.mac')}</span>
        <input className="mono" value={mac} onChange={(e) => setMac(e.target.value)} aria-label={t('workbench.mac')} />
      </div>
      <ErrorBanner error={r.error} />
    </div>
  );
}

export function RandomPanel() {
  const { t } = useTranslation();
  const { api } = useServices();
  const [n, setN] = useState('32');
  const [out, setOut] = useState('');
  const r = useRunner();
  const valid = /^\d+$/.test(n) && Number(n) >= 1 && Number(n) <= LIMITS.randomMaxBytes;
  return (
    <div className="panel-grid" data-testid="wb-random">
      <div className="inline">
        <label className="field">
          <span>{t('workbench.randomBytes')}</span>
          <input className="narrow" value={n} onChange={(e) => setN(e.target.value)} />
        </label>
        <button className="primary" disabled={!valid || r.busy} onClick={() => void r.run(async () => setOut((await api.getRandom({ numberOfBytes: Number(n) })).random))} data-testid="wb-random-run">{t('workbench.getRandom')}</button>
      </div>
      <ErrorBanner error={r.error} />
      {out ? (
        <>
          <Output label="Base64" value={out} testId="wb-random-out" />
          <Output label="Hex" value={toHex(base64ToBytes(out))} testId="wb-random-hex" />
        </>
      ) : null}
    </div>
  );
}
