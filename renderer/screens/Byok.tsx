/** BYOK: get parameters -> download public key and token -> openssl commands -> upload wrapped material -> expiry. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestOf, ResponseOf } from '../../core/api/contract.ts';
import type { KeyMetadata } from '../../core/api/ops/keys.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import { SPEC_CAPABILITIES } from '../../core/domain/key-specs.ts';
import { useServices } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { ErrorBanner, Field, FilePicker, Section } from '../components/ui.tsx';
import { downloadBlob, formatDate } from '../format.ts';
import { uploadBase64 } from './byok-files.ts';
import { operationsOf } from '../domains.ts';
import { OperationConsole } from './Domain.tsx';
import { opensslCommands, pemFromBase64Der, type WrappingAlgorithm } from './byok-commands.ts';

type Spec = RequestOf<'getParametersForImport'>['wrappingKeySpec'];
const ALGS: Record<Spec, WrappingAlgorithm[]> = {
  RSA_2048: ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'],
  EC_SM2: ['SM2PKE'],
};

/** Base64 text files (EncryptedKeyMaterial_base64.txt) are sent as they are; binary files are encoded. */
async function fileBase64(f: File | null): Promise<string | undefined> {
  return f ? uploadBase64(new Uint8Array(await f.arrayBuffer())).base64 : undefined;
}

export function ByokScreen() {
  const { t, i18n } = useTranslation();
  const { api, ui } = useServices();
  const [keys, setKeys] = useState<KeyMetadata[]>([]);
  const [cmkUuid, setCmk] = useState('');
  const [spec, setSpec] = useState<Spec>('RSA_2048');
  const [alg, setAlg] = useState<WrappingAlgorithm>('RSAES_OAEP_SHA_256');
  const [params, setParams] = useState<ResponseOf<'getParametersForImport'> | null>(null);
  // A token downloaded earlier (valid 24 h): the officer wrapped the material with its public key already.
  const [tokenText, setTokenText] = useState('');
  const [reused, setReused] = useState<string | null>(null);
  const [material, setMaterial] = useState<File | null>(null);
  const [ephemeral, setEphemeral] = useState<File | null>(null);
  const [expires, setExpires] = useState(false);
  const [validTo, setValidTo] = useState('');
  const [error, setError] = useState<ErrorData | null>(null);
  const reloadKeys = () => api.listKeys({ origin: 'EXTERNAL', keyState: 'PendingImport', pageSize: 1000 }).then((r) => setKeys(r.keys), (e) => setError(errorData(e)));
  useEffect(() => void reloadKeys(), [api]);
  useEffect(() => {
    if (!cmkUuid && keys[0]) setCmk(keys[0].cmkUuid);
  }, [keys, cmkUuid]);
  const key = keys.find((k) => k.cmkUuid === cmkUuid);
  const materialBytes = key ? SPEC_CAPABILITIES[key.keySpec].materialBytes ?? 0 : 32;

  async function getParams() {
    setError(null);
    try {
      setParams(await api.getParametersForImport({ cmkUuid, wrappingKeySpec: spec, wrappingAlgorithm: alg }));
    } catch (e) {
      setError(errorData(e));
    }
  }
  async function doImport() {
    const importToken = reused ?? params?.importToken;
    if (!importToken) return;
    setError(null);
    try {
      const encryptedKeyMaterial = (await fileBase64(material)) ?? '';
      const ephemeralKeyCiphertext = await fileBase64(ephemeral);
      const r = await api.importKeyMaterial({
        cmkUuid,
        importToken,
        encryptedKeyMaterial,
        ...(ephemeralKeyCiphertext ? { ephemeralKeyCiphertext } : {}),
        expirationModel: expires ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        ...(expires && validTo ? { validTo: new Date(validTo).toISOString() } : {}),
      });
      ui.getState().notify('info', t('byok.imported', { state: t(`keyState.${r.keyMetadata.keyState}`) }));
      setParams(null);
      setReused(null);
      setTokenText('');
      setCmk('');
      void reloadKeys();
    } catch (e) {
      setError(errorData(e));
    }
  }

  const pem = params ? pemFromBase64Der(params.publicKey) : '';
  return (
    <div className="page">
      <header className="page-head"><h1>{t('byok.title')}</h1></header>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <Section title={t('byok.wizard')} testId="byok-wizard">
        <div className="panel-grid">
          <h4>{t('byok.step1')}</h4>
          {keys.length === 0 ? <p className="muted">{t('byok.noKeys')}</p> : null}
          <div className="inline">
            <label className="field">
              <span>{t('byok.key')}</span>
              <select value={cmkUuid} onChange={(e) => { setCmk(e.target.value); setParams(null); setReused(null); }} data-testid="byok-key">
                {keys.map((k) => <option key={k.cmkUuid} value={k.cmkUuid}>{k.keySpec} · {k.aliases[0] ?? k.cmkUuid}</option>)}
              </select>
            </label>
            <label className="field">
              <span>{t('byok.wrappingSpec')}</span>
              <select value={spec} onChange={(e) => { const s = e.target.value as Spec; setSpec(s); setAlg(ALGS[s][0]!); setParams(null); }}>
                {Object.keys(ALGS).map((s) => <option key={s}>{s}</option>)}
              </select>
            </label>
            <label className="field">
              <span>{t('byok.wrappingAlgorithm')}</span>
              <select value={alg} onChange={(e) => { setAlg(e.target.value as WrappingAlgorithm); setParams(null); }}>
                {ALGS[spec].map((a) => <option key={a}>{a}</option>)}
              </select>
            </label>
            <button className="primary" disabled={!cmkUuid} onClick={() => void getParams()} data-testid="byok-get-params">{t('byok.getParams')}</button>
          </div>
          <Field label={t('byok.reuseToken')} hint={t('byok.reuseTokenHint')}>
            {(id) => (
              <div className="inline">
                <textarea id={id} rows={2} className="mono" value={tokenText} onChange={(e) => setTokenText(e.target.value)} data-testid="byok-token" />
                <button disabled={!cmkUuid || !tokenText.trim()} onClick={() => { setParams(null); setReused(tokenText.trim()); }} data-testid="byok-use-token">{t('byok.useToken')}</button>
              </div>
            )}
          </Field>
          {reused && !params ? <p className="small" data-testid="byok-token-reused">{t('byok.tokenReused')}</p> : null}
          {params ? (
            <>
              <h4>{t('byok.step2')}</h4>
              <p className="small">{t('byok.tokenExpires', { date: formatDate(params.tokenExpiresAt, i18n.language) })}</p>
              <div className="actions">
                <button onClick={() => downloadBlob('wrapping_public_key.pem', [pem], 'application/x-pem-file')}>{t('byok.downloadKey')}</button>
                <button onClick={() => downloadBlob('import_token.txt', [params.importToken], 'text/plain')}>{t('byok.downloadToken')}</button>
              </div>
              <pre className="pem" data-testid="byok-public-key">{pem}</pre>
              <h4>{t('byok.step3')}</h4>
              <p className="muted small">{t('byok.commandsNote')}</p>
              <pre className="pem" data-testid="byok-commands">{opensslCommands(alg, materialBytes).join('\n')}</pre>
            </>
          ) : null}
          {params || reused ? (
            <>
              <h4>{t('byok.step4')}</h4>
              <Field label={t('byok.material')} required>{(id) => <FilePicker id={id} file={material} onChange={setMaterial} testId="byok-material" />}</Field>
              {alg.startsWith('RSA_AES_KEY_WRAP') ? <Field label={t('byok.ephemeral')}>{(id) => <FilePicker id={id} file={ephemeral} onChange={setEphemeral} />}</Field> : null}
              <div className="inline">
                <label className="field">
                  <span>{t('byok.expiration')}</span>
                  <select value={expires ? 'yes' : 'no'} onChange={(e) => setExpires(e.target.value === 'yes')}>
                    <option value="no">{t('byok.neverExpires')}</option>
                    <option value="yes">{t('byok.expires')}</option>
                  </select>
                </label>
                {expires ? <label className="field"><span>{t('byok.validTo')}</span><input type="datetime-local" value={validTo} onChange={(e) => setValidTo(e.target.value)} /></label> : null}
                <button className="primary" disabled={!material || (expires && !validTo)} onClick={() => void doImport()} data-testid="byok-import">{t('byok.import')}</button>
              </div>
            </>
          ) : null}
        </div>
      </Section>
      <Section title={t('byok.more')}>
        <OperationConsole names={operationsOf('byok')} />
      </Section>
    </div>
  );
}
