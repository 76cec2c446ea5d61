/** Sign/verify and asymmetric encrypt/decrypt, with the algorithms each spec offers. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestOf } from '../../../core/api/contract.ts';
import { SPEC_CAPABILITIES } from '../../../core/domain/key-specs.ts';
import { useServices } from '../../context.tsx';
import { ErrorBanner } from '../../components/ui.tsx';
import { base64ToText } from '../../format.ts';
import { DataInput, inputToBase64, KeyPicker, Output, useEnabledKeys, useRunner, VersionPicker, type InputFormat } from './common.tsx';

/** Key, version and algorithm choice for one asymmetric usage; the algorithm follows the key's spec. */
function useAsymmetricChoice(usage: 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT', capability: 'signAlgorithms' | 'encryptAlgorithms') {
  const keys = useEnabledKeys(usage, 'asymmetric');
  const [cmkUuid, setCmk] = useState('');
  const [keyVersionId, setVersion] = useState('');
  const spec = keys.find((k) => k.cmkUuid === cmkUuid)?.keySpec;
  const algorithms: readonly string[] = spec ? SPEC_CAPABILITIES[spec][capability] : [];
  const [algorithm, setAlgorithm] = useState('');
  useEffect(() => setAlgorithm(algorithms[0] ?? ''), [spec]);
  return { keys, cmkUuid, setCmk, keyVersionId, setVersion, algorithms, algorithm, setAlgorithm };
}

/** The version of the chosen key and an algorithm its spec offers. */
function VersionAndAlgorithm({ choice }: { choice: ReturnType<typeof useAsymmetricChoice> }) {
  const { t } = useTranslation();
  return (
    <>
      <VersionPicker cmkUuid={choice.cmkUuid} value={choice.keyVersionId} onChange={choice.setVersion} />
      <label className="field">
        <span>{t('workbench.algorithm')}</span>
        <select value={choice.algorithm} onChange={(e) => choice.setAlgorithm(e.target.value)}>{choice.algorithms.map((a) => <option key={a}>{a}</option>)}</select>
      </label>
    </>
  );
}

export function SignPanel() {
  const { t } = useTranslation();
  const { api } = useServices();
  const choice = useAsymmetricChoice('SIGN_VERIFY', 'signAlgorithms');
  const { cmkUuid, keyVersionId, algorithm } = choice;
  const [messageType, setMessageType] = useState<'RAW' | 'DIGEST'>('RAW');
  const [message, setMessage] = useState('');
  const [format, setFormat] = useState<InputFormat>('text');
  const [signature, setSignature] = useState('');
  const [verdict, setVerdict] = useState<boolean | null>(null);
  const r = useRunner();
  const common = () => {
    const m = inputToBase64(message, format);
    if (m === null) throw Object.assign(new Error(t('workbench.notBase64')), { code: 'InvalidParameter' });
    return { cmkUuid, keyVersionId, algorithm: algorithm as RequestOf<'asymmetricSign'>['algorithm'], message: m, messageType };
  };
  return (
    <div className="panel-grid" data-testid="wb-sign">
      <KeyPicker keys={choice.keys} value={cmkUuid} onChange={choice.setCmk} testId="wb-sign-key" />
      <div className="inline">
        <VersionAndAlgorithm choice={choice} />
        <label className="field">
          <span>{t('workbench.messageType')}</span>
          <select value={messageType} onChange={(e) => setMessageType(e.target.value as 'RAW' | 'DIGEST')}>
            <option value="RAW">{t('workbench.raw')}</option>
            <option value="DIGEST">{t('workbench.digestType')}</option>
          </select>
        </label>
      </div>
      <DataInput label={t('workbench.message')} value={message} onChange={setMessage} format={format} onFormat={setFormat} testId="wb-sign-message" />
      <div className="actions">
        <button className="primary" disabled={!keyVersionId || r.busy} onClick={() => void r.run(async () => { setSignature((await api.asymmetricSign(common())).signature); setVerdict(null); })} data-testid="wb-sign-run">{t('workbench.sign')}</button>
        <button disabled={!signature || r.busy} onClick={() => void r.run(async () => setVerdict((await api.asymmetricVerify({ ...common(), signature: signature.replace(/\s+/g, '') })).signatureValid))} data-testid="wb-verify-run">{t('workbench.verify')}</button>
        {verdict !== null ? <span className={verdict ? 'good' : 'bad'} data-testid="wb-verdict">{verdict ? t('workbench.signatureValid') : t('workbench.signatureInvalid')}</span> : null}
      </div>
      <ErrorBanner error={r.error} />
      <div className="field">
        <span>{t('workbench.signature')}</span>
        <textarea rows={3} className="mono" value={signature} onChange={(e) => setSignature(e.target.value)} aria-label={t('workbench.signature')} data-testid="wb-signature" />
      </div>
    </div>
  );
}

export function AsymEncryptPanel() {
  const { t } = useTranslation();
  const { api } = useServices();
  const choice = useAsymmetricChoice('ENCRYPT_DECRYPT', 'encryptAlgorithms');
  const { cmkUuid, keyVersionId, algorithm } = choice;
  const [input, setInput] = useState('');
  const [format, setFormat] = useState<InputFormat>('text');
  const [ciphertext, setCiphertext] = useState('');
  const [plain, setPlain] = useState<string | null>(null);
  const r = useRunner();
  const alg = algorithm as RequestOf<'asymmetricEncrypt'>['algorithm'];
  return (
    <div className="panel-grid" data-testid="wb-asym">
      <KeyPicker keys={choice.keys} value={cmkUuid} onChange={choice.setCmk} testId="wb-asym-key" />
      <div className="inline">
        <VersionAndAlgorithm choice={choice} />
      </div>
      <DataInput label={t('workbench.plaintext')} value={input} onChange={setInput} format={format} onFormat={setFormat} testId="wb-asym-input" />
      <div className="actions">
        <button className="primary" disabled={!keyVersionId || r.busy} onClick={() => void r.run(async () => {
          const plaintext = inputToBase64(input, format);
          if (plaintext === null) return r.setError({ code: 'InvalidParameter', message: t('workbench.notBase64') });
          setCiphertext((await api.asymmetricEncrypt({ cmkUuid, keyVersionId, algorithm: alg, plaintext })).ciphertextBlob);
        })}>{t('workbench.asymEncrypt')}</button>
        <button disabled={!ciphertext || r.busy} onClick={() => void r.run(async () => setPlain((await api.asymmetricDecrypt({ cmkUuid, keyVersionId, algorithm: alg, ciphertextBlob: ciphertext.replace(/\s+/g, '') })).plaintext))}>{t('workbench.asymDecrypt')}</button>
      </div>
      <ErrorBanner error={r.error} />
      <div className="field">
        <span>{t('workbench.ciphertext')}</span>
        <textarea rows={3} className="mono" value={ciphertext} onChange={(e) => setCiphertext(e.target.value)} aria-label={t('workbench.ciphertext')} />
      </div>
      {plain !== null ? <Output label={t('workbench.plaintext')} value={format === 'text' ? base64ToText(plain) ?? plain : plain} testId="wb-asym-plain" /> : null}
    </div>
  );
}
