/** Key detail: the seed's detail grid, state actions, then versions, aliases, tags, public key, material. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyMetadata } from '../../core/api/ops/keys.ts';
import type { ErrorData } from '../../core/api/errors.ts';
import { permits } from '../../core/domain/key-states.ts';
import { useServices } from '../context.tsx';
import { errorData } from '../api/client.ts';
import { ConfirmDialog, CopyValue, ErrorBanner, StateBadge } from '../components/ui.tsx';
import { formatDate } from '../format.ts';
import { CancelDeletionDialog, ScheduleDeletionDialog } from './DeletionDialogs.tsx';
import { AliasesSection, MaterialSection, PublicKeySection, TagsSection, VersionsSection } from './KeyDetailSections.tsx';

type Pending = null | 'disable' | 'schedule' | 'cancelDeletion' | 'description';

export function KeyDetailScreen({ cmkUuid }: { cmkUuid: string }) {
  const { t, i18n } = useTranslation();
  const { api, ui } = useServices();
  const [key, setKey] = useState<KeyMetadata | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [description, setDescription] = useState('');
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      setKey((await api.describeKey({ cmkUuid })).keyMetadata);
    } catch (e) {
      setError(errorData(e));
    }
  }, [api, cmkUuid]);
  useEffect(() => void load(), [load, version]);

  /** Runs an action, shows its error, and reloads everything on success. */
  const act = useCallback(
    async (fn: () => Promise<unknown>) => {
      setError(null);
      setPending(null);
      try {
        await fn();
        setVersion((v) => v + 1);
      } catch (e) {
        setError(errorData(e));
      }
    },
    [],
  );

  if (!key) return <div className="page"><ErrorBanner error={error} />{error ? null : t('app.loading')}</div>;
  const row = (label: string, value: React.ReactNode, testId?: string) => (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </>
  );
  return (
    <div className="page" data-testid="key-detail">
      <header className="page-head">
        <div>
          <button className="link" onClick={() => ui.getState().go({ screen: 'keys' })}>← {t('common.back')}</button>
          <h1>{t('detail.title')}</h1>
        </div>
        <div className="actions">
          {permits(key.keyState, 'enable') ? <button onClick={() => void act(() => api.enableKey({ cmkUuid }))} data-testid="enable-key">{t('detail.enable')}</button> : null}
          {permits(key.keyState, 'disable') ? <button onClick={() => setPending('disable')} data-testid="disable-key">{t('detail.disable')}</button> : null}
          {permits(key.keyState, 'scheduleDeletion') ? (
            <button className="danger" disabled={key.deleteProtect} title={key.deleteProtect ? t('deletion.protected') : undefined} onClick={() => setPending('schedule')} data-testid="schedule-deletion">
              {t('detail.scheduleDeletion')}
            </button>
          ) : null}
          {permits(key.keyState, 'cancelDeletion') ? <button onClick={() => setPending('cancelDeletion')} data-testid="cancel-deletion">{t('detail.cancelDeletion')}</button> : null}
        </div>
      </header>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <section className="panel">
        <dl className="grid-dl">
          {row(t('detail.id'), <CopyValue value={key.cmkUuid} testId="detail-id" />)}
          {row(t('detail.spec'), key.keySpec)}
          {row(t('detail.state'), <StateBadge state={key.keyState} />, 'detail-state')}
          {row(t('detail.usage'), t(`keyUsage.${key.keyUsage}`))}
          {row(t('detail.protection'), t(`protection.${key.protectionLevel}`) + (key.tokenLabel ? ` (${key.tokenLabel})` : ''))}
          {row(t('detail.created'), formatDate(key.createdAt, i18n.language))}
          {row(t('detail.origin'), t(`origin.${key.origin}`))}
          {row(
            t('detail.deleteProtect'),
            <span>
              <span className={`dot ${key.deleteProtect ? 'on' : 'off'}`} /> {key.deleteProtect ? t('common.enabled') : t('common.notEnabled')}{' '}
              <button className="link" onClick={() => void act(() => (key.deleteProtect ? api.cancelDeleteProtect({ cmkUuid }) : api.deleteProtect({ cmkUuid })))} data-testid="toggle-protect">
                {key.deleteProtect ? t('detail.disableProtect') : t('detail.enableProtect')}
              </button>
            </span>,
            'detail-protect',
          )}
          {row(
            t('detail.description'),
            <span>
              {key.description || '--'}{' '}
              <button className="link" onClick={() => { setDescription(key.description); setPending('description'); }}>{t('detail.editDescription')}</button>
            </span>,
          )}
          {row(t('detail.deletionDate'), key.deletionDate ? `${formatDate(key.deletionDate, i18n.language)} (${t('common.days', { count: key.pendingWindowInDays ?? 0 })})` : '--', 'detail-deletion-date')}
        </dl>
      </section>
      <VersionsSection meta={key} act={act} refreshKey={version} />
      <AliasesSection meta={key} act={act} refreshKey={version} />
      <TagsSection meta={key} act={act} />
      {key.keyUsage !== 'GENERATE_VERIFY_MAC' && !['AES_256', 'SM4'].includes(key.keySpec) ? <PublicKeySection meta={key} refreshKey={version} /> : null}
      {key.origin === 'EXTERNAL' ? <MaterialSection meta={key} /> : null}

      {pending === 'disable' ? <ConfirmDialog title={t('detail.disable')} body={<p>{t('detail.confirmDisable')}</p>} onClose={() => setPending(null)} onConfirm={() => void act(() => api.disableKey({ cmkUuid }))} /> : null}
      {pending === 'schedule' ? <ScheduleDeletionDialog cmkUuid={cmkUuid} onClose={() => setPending(null)} onConfirm={(days) => void act(() => api.scheduleKeyDeletion({ cmkUuid, pendingWindowInDays: days }))} /> : null}
      {pending === 'cancelDeletion' ? <CancelDeletionDialog onClose={() => setPending(null)} onConfirm={() => void act(() => api.cancelKeyDeletion({ cmkUuid }))} /> : null}
      {pending === 'description' ? (
        <ConfirmDialog
          title={t('detail.editDescription')}
          confirmDisabled={description.length > 255}
          body={<textarea rows={3} value={description} aria-label={t('detail.description')} onChange={(e) => setDescription(e.target.value)} />}
          onClose={() => setPending(null)}
          onConfirm={() => void act(() => api.updateKeyDescription({ cmkUuid, description }))}
        />
      ) : null}
    </div>
  );
}
