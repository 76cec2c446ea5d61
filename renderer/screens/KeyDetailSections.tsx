/** The lower sections of key detail, each loading what it shows. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyMetadata, KeyVersion } from '../../core/api/ops/keys.ts';
import { SPEC_CAPABILITIES } from '../../core/domain/key-specs.ts';
import { LIMITS } from '../../core/domain/limits.ts';
import { permits } from '../../core/domain/key-states.ts';
import { useServices } from '../context.tsx';
import { ConfirmDialog, CopyValue, Field, Section } from '../components/ui.tsx';
import { downloadBlob, formatDate } from '../format.ts';

type Act = (fn: () => Promise<unknown>) => Promise<void>;

export function VersionsSection({ meta, act, refreshKey }: { meta: KeyMetadata; act: Act; refreshKey: number }) {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const [versions, setVersions] = useState<KeyVersion[]>([]);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [policy, setPolicy] = useState<null | { on: boolean; days: string }>(null);
  const cmkUuid = meta.cmkUuid;
  const family = SPEC_CAPABILITIES[meta.keySpec].family;
  useEffect(() => {
    api.listKeyVersions({ cmkUuid, pageSize: 100 }).then((r) => setVersions(r.keyVersions), () => setVersions([]));
  }, [api, cmkUuid, refreshKey]);
  const days = Number(policy?.days);
  const policyValid = !policy?.on || (/^\d+$/.test(policy.days) && days >= LIMITS.rotationMinDays && days <= LIMITS.rotationMaxDays);
  const canRotate = family === 'symmetric' && meta.origin === 'KMS' && permits(meta.keyState, 'rotate');
  return (
    <Section
      title={t('detail.versions')}
      testId="versions"
      actions={
        <>
          {family === 'symmetric' && meta.origin === 'KMS' ? <button onClick={() => setPolicy({ on: meta.rotationIntervalDays !== null, days: String(meta.rotationIntervalDays ?? 90) })} data-testid="set-rotation">{t('detail.setRotation')}</button> : null}
          {canRotate ? <button onClick={() => setConfirmRotate(true)} data-testid="rotate-key">{t('detail.rotate')}</button> : null}
          {family === 'asymmetric' && permits(meta.keyState, 'createVersion') ? <button onClick={() => void act(() => api.createKeyVersion({ cmkUuid }))} data-testid="create-version">{t('detail.createVersion')}</button> : null}
        </>
      }
    >
      <dl className="grid-dl">
        <dt>{t('detail.primaryVersion')}</dt>
        <dd className="mono">{meta.primaryKeyVersionId ?? '--'}</dd>
        <dt>{t('detail.autoRotation')}</dt>
        <dd>{meta.rotationIntervalDays ? t('common.enabled') : t('common.notEnabled')}</dd>
        <dt>{t('detail.lastRotated')}</dt>
        <dd>{formatDate(meta.lastRotatedAt, i18n.language)}</dd>
        <dt>{t('detail.nextRotation')}</dt>
        <dd>{formatDate(meta.nextRotationAt, i18n.language)}</dd>
        <dt>{t('detail.rotationInterval')}</dt>
        <dd>{meta.rotationIntervalDays ? t('common.days', { count: meta.rotationIntervalDays }) : '--'}</dd>
      </dl>
      <table className="simple" data-testid="version-table">
        <thead>
          <tr><th>{t('detail.versionId')}</th><th>{t('detail.versionState')}</th><th>{t('detail.created')}</th></tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.keyVersionId} data-testid="version-row" data-primary={v.isPrimary}>
              <td className="mono">{v.keyVersionId} {v.isPrimary ? <span className="badge primary">{t('detail.primary')}</span> : null}</td>
              <td>{t(`detail.versionStates.${v.keyVersionState}`)}</td>
              <td>{formatDate(v.createdAt, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted small">{t('common.total', { count: versions.length })}</div>
      {confirmRotate ? <ConfirmDialog title={t('detail.rotate')} body={<p>{t('detail.confirmRotate')}</p>} onClose={() => setConfirmRotate(false)} onConfirm={() => { setConfirmRotate(false); void act(() => api.rotateKey({ cmkUuid })); }} /> : null}
      {policy ? (
        <ConfirmDialog
          title={t('detail.setRotation')}
          confirmDisabled={!policyValid}
          onClose={() => setPolicy(null)}
          onConfirm={() => { const p = policy; setPolicy(null); void act(() => api.updateRotationPolicy(p.on ? { cmkUuid, enableAutomaticRotation: true, rotationIntervalDays: Number(p.days) } : { cmkUuid, enableAutomaticRotation: false })); }}
          body={
            <>
              <label className="check">
                <input type="checkbox" checked={policy.on} onChange={(e) => setPolicy({ ...policy, on: e.target.checked })} /> {t('detail.enableRotation')}
              </label>
              <Field label={t('createKey.rotationCustomDays')} error={policyValid ? null : t('createKey.v.rotationRange')}>
                {(id) => <input id={id} className="narrow" disabled={!policy.on} value={policy.days} onChange={(e) => setPolicy({ ...policy, days: e.target.value })} />}
              </Field>
            </>
          }
        />
      ) : null}
    </Section>
  );
}

export function AliasesSection({ meta, act, refreshKey }: { meta: KeyMetadata; act: Act; refreshKey: number }) {
  const { t, i18n } = useTranslation();
  const { api } = useServices();
  const [aliases, setAliases] = useState<Array<{ alias: string; createdAt: string }>>([]);
  const [alias, setAlias] = useState('alias/');
  const [removing, setRemoving] = useState<string | null>(null);
  const cmkUuid = meta.cmkUuid;
  useEffect(() => {
    api.listAliasByUuid({ cmkUuid, pageSize: 100 }).then((r) => setAliases(r.aliases), () => setAliases([]));
  }, [api, cmkUuid, refreshKey]);
  const valid = alias.length <= LIMITS.aliasMaxLength && LIMITS.aliasPattern.test(alias);
  return (
    <Section title={t('detail.aliases')} testId="aliases">
      <form className="inline" onSubmit={(e) => { e.preventDefault(); if (valid) void act(() => api.createAlias({ cmkUuid, alias })).then(() => setAlias('alias/')); }}>
        <input value={alias} aria-label={t('detail.newAlias')} onChange={(e) => setAlias(e.target.value)} data-testid="new-alias" />
        <span className="counter">{alias.length} / {LIMITS.aliasMaxLength}</span>
        <button type="submit" disabled={!valid} data-testid="add-alias">{t('detail.addAlias')}</button>
        {!valid && alias !== 'alias/' ? <span className="field-error">{t('createKey.v.aliasChars')}</span> : null}
      </form>
      {aliases.length === 0 ? <p className="muted">{t('detail.noAliases')}</p> : null}
      <ul className="chips" data-testid="alias-list">
        {aliases.map((a) => (
          <li key={a.alias} title={formatDate(a.createdAt, i18n.language)}>
            <code>{a.alias}</code>
            <button className="link small" onClick={() => setRemoving(a.alias)} aria-label={`${t('common.remove')} ${a.alias}`}>×</button>
          </li>
        ))}
      </ul>
      {removing ? <ConfirmDialog danger title={t('common.remove')} body={<p className="mono">{removing}</p>} onClose={() => setRemoving(null)} onConfirm={() => { const a = removing; setRemoving(null); void act(() => api.deleteAlias({ alias: a })); }} /> : null}
    </Section>
  );
}

export function TagsSection({ meta, act }: { meta: KeyMetadata; act: Act }) {
  const { t } = useTranslation();
  const { api } = useServices();
  const [tagKey, setTagKey] = useState('');
  const [tagValue, setTagValue] = useState('');
  const cmkUuid = meta.cmkUuid;
  const valid = tagKey.length > 0 && tagKey.length <= LIMITS.tagKeyMaxLength && tagValue.length <= LIMITS.tagValueMaxLength && meta.tags.length < LIMITS.tagsPerKey;
  return (
    <Section title={`${t('detail.tags')} (${meta.tags.length} / ${LIMITS.tagsPerKey})`} testId="tags">
      <form className="inline" onSubmit={(e) => { e.preventDefault(); if (valid) void act(() => api.tagResource({ cmkUuid, tags: [{ tagKey, tagValue }] })).then(() => { setTagKey(''); setTagValue(''); }); }}>
        <input placeholder={t('keys.tagKey')} aria-label={t('keys.tagKey')} value={tagKey} onChange={(e) => setTagKey(e.target.value)} />
        <input placeholder={t('keys.tagValue')} aria-label={t('keys.tagValue')} value={tagValue} onChange={(e) => setTagValue(e.target.value)} />
        <button type="submit" disabled={!valid}>{t('detail.addTag')}</button>
      </form>
      {meta.tags.length === 0 ? <p className="muted">{t('detail.noTags')}</p> : null}
      <ul className="chips">
        {meta.tags.map((tg) => (
          <li key={tg.tagKey}>
            <code>{tg.tagKey}={tg.tagValue}</code>
            <button className="link small" onClick={() => void act(() => api.untagResource({ cmkUuid, tagKeys: [tg.tagKey] }))} aria-label={`${t('common.remove')} ${tg.tagKey}`}>×</button>
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function PublicKeySection({ meta, refreshKey }: { meta: KeyMetadata; refreshKey: number }) {
  const { t } = useTranslation();
  const { api } = useServices();
  const [versions, setVersions] = useState<KeyVersion[]>([]);
  const [versionId, setVersionId] = useState('');
  const [pem, setPem] = useState<string | null>(null);
  const cmkUuid = meta.cmkUuid;
  useEffect(() => {
    api.listKeyVersions({ cmkUuid, pageSize: 100 }).then((r) => {
      setVersions(r.keyVersions);
      setVersionId((v) => v || (r.keyVersions[0]?.keyVersionId ?? ''));
    }, () => setVersions([]));
  }, [api, cmkUuid, refreshKey]);
  useEffect(() => setPem(null), [versionId]);
  const usable = permits(meta.keyState, 'crypto');
  return (
    <Section title={t('detail.publicKey')} testId="public-key">
      <div className="inline">
        <select value={versionId} onChange={(e) => setVersionId(e.target.value)} aria-label={t('detail.versionId')}>
          {versions.map((v) => <option key={v.keyVersionId} value={v.keyVersionId}>{v.keyVersionId}</option>)}
        </select>
        <button disabled={!usable || !versionId} onClick={() => void api.getPublicKey({ cmkUuid, keyVersionId: versionId }).then((r) => setPem(r.publicKey), () => setPem(null))} data-testid="show-public-key">{t('detail.showPublicKey')}</button>
        {pem ? (
          <>
            <button onClick={() => void navigator.clipboard?.writeText(pem)}>{t('detail.copyPublicKey')}</button>
            <button onClick={() => downloadBlob(`${cmkUuid}-${versionId}.pem`, [pem], 'application/x-pem-file')}>{t('detail.downloadPublicKey')}</button>
          </>
        ) : null}
      </div>
      {pem ? <pre className="pem" data-testid="public-key-pem">{pem}</pre> : null}
    </Section>
  );
}

export function MaterialSection({ meta }: { meta: KeyMetadata }) {
  const { t, i18n } = useTranslation();
  const { ui } = useServices();
  return (
    <Section title={t('detail.material')} testId="material" actions={<button onClick={() => ui.getState().go({ screen: 'byok' })}>{t('detail.goImport')}</button>}>
      {meta.keyState === 'PendingImport' ? <p className="banner info">{t('detail.materialPending')}</p> : null}
      <dl className="grid-dl">
        <dt>{t('detail.origin')}</dt>
        <dd>{t(`origin.${meta.origin}`)}</dd>
        <dt>{t('detail.materialExpires')}</dt>
        <dd>{meta.materialExpiresAt ? formatDate(meta.materialExpiresAt, i18n.language) : t('detail.materialNever')}</dd>
      </dl>
      {meta.tokenLabel ? <CopyValue value={meta.tokenLabel} /> : null}
    </Section>
  );
}
