/** Adds one tag to every selected key. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '../../core/domain/limits.ts';
import { useServices } from '../context.tsx';
import { Dialog, Field } from '../components/ui.tsx';

export function BulkTagDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { keys, ui } = useServices();
  const [tagKey, setTagKey] = useState('');
  const [tagValue, setTagValue] = useState('');
  const valid = tagKey.length > 0 && tagKey.length <= LIMITS.tagKeyMaxLength && tagValue.length <= LIMITS.tagValueMaxLength;
  async function apply() {
    const r = await keys.getState().bulk({ kind: 'tag', tagKey, tagValue });
    ui.getState().notify(r.failed ? 'error' : 'info', t('keys.bulkDone', { ok: r.ok, failed: r.failed }));
    onClose();
  }
  return (
    <Dialog
      title={t('keys.bulkTag')}
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose}>{t('common.cancel')}</button>
          <button className="primary" disabled={!valid} onClick={() => void apply()}>{t('common.apply')}</button>
        </>
      }
    >
      <Field label={t('keys.tagKey')} required counter={`${tagKey.length} / ${LIMITS.tagKeyMaxLength}`}>
        {(id) => <input id={id} value={tagKey} onChange={(e) => setTagKey(e.target.value)} />}
      </Field>
      <Field label={t('keys.tagValue')} counter={`${tagValue.length} / ${LIMITS.tagValueMaxLength}`}>
        {(id) => <input id={id} value={tagValue} onChange={(e) => setTagValue(e.target.value)} />}
      </Field>
    </Dialog>
  );
}
