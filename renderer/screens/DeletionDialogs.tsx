/** Schedule deletion with the seed's checklist and waiting period; cancel deletion. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '../../core/domain/limits.ts';
import { ConfirmDialog, Field } from '../components/ui.tsx';

export function ScheduleDeletionDialog(props: { cmkUuid: string; onConfirm: (days: number) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [days, setDays] = useState(String(LIMITS.pendingWindowDefaultDays));
  const [checks, setChecks] = useState([false, false, false]);
  const n = Number(days);
  const validDays = /^\d+$/.test(days) && n >= LIMITS.pendingWindowMinDays && n <= LIMITS.pendingWindowMaxDays;
  const labels = [t('deletion.check1'), t('deletion.check2'), t('deletion.check3', { days: validDays ? n : '--' })];
  return (
    <ConfirmDialog
      title={t('deletion.title')}
      danger
      testId="schedule-deletion-dialog"
      confirmDisabled={!validDays || checks.some((c) => !c)}
      onClose={props.onClose}
      onConfirm={() => props.onConfirm(n)}
      body={
        <>
          <div className="banner warn">{t('deletion.warning')}</div>
          <Field label={t('deletion.window')} required error={validDays ? null : t('deletion.window')}>
            {(id) => <input id={id} className="narrow" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} data-testid="deletion-days" />}
          </Field>
          <p><strong>{t('deletion.question')}</strong></p>
          <p className="mono small">{props.cmkUuid}</p>
          <ul className="checklist">
            {labels.map((label, i) => (
              <li key={i}>
                <label className="check">
                  <input type="checkbox" checked={checks[i]} onChange={(e) => setChecks((c) => c.map((v, j) => (j === i ? e.target.checked : v)))} data-testid={`deletion-check-${i}`} /> {label}
                </label>
              </li>
            ))}
          </ul>
        </>
      }
    />
  );
}

export function CancelDeletionDialog(props: { onConfirm: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  return <ConfirmDialog title={t('deletion.cancelTitle')} testId="cancel-deletion-dialog" body={<p>{t('deletion.cancelBody')}</p>} onConfirm={props.onConfirm} onClose={props.onClose} />;
}
