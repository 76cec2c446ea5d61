/** The crypto workbench: one tab per family of operations. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DataKeyPanel, SymmetricPanel } from './workbench/SymmetricPanel.tsx';
import { AsymEncryptPanel, SignPanel } from './workbench/AsymmetricPanels.tsx';
import { DigestPanel, RandomPanel } from './workbench/MiscPanels.tsx';
import { FilePanel } from './workbench/FilePanel.tsx';

const TABS = { symmetric: SymmetricPanel, datakey: DataKeyPanel, sign: SignPanel, asym: AsymEncryptPanel, digest: DigestPanel, random: RandomPanel, file: FilePanel } as const;
type Tab = keyof typeof TABS;

export function WorkbenchScreen() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('symmetric');
  const Panel = TABS[tab];
  const names = Object.keys(TABS) as Tab[];
  return (
    <div className="page">
      <header className="page-head"><h1>{t('workbench.title')}</h1></header>
      <div
        className="tabs"
        role="tablist"
        onKeyDown={(e) => {
          const i = names.indexOf(tab);
          if (e.key === 'ArrowRight') setTab(names[(i + 1) % names.length]!);
          if (e.key === 'ArrowLeft') setTab(names[(i + names.length - 1) % names.length]!);
        }}
      >
        {names.map((n) => (
          <button key={n} role="tab" aria-selected={tab === n} tabIndex={tab === n ? 0 : -1} className={tab === n ? 'on' : ''} onClick={() => setTab(n)} data-testid={`tab-${n}`}>
            {t(`workbench.tabs.${n}`)}
          </button>
        ))}
      </div>
      <section className="panel" role="tabpanel">
        <div className="panel-body">
          <Panel key={tab} />
        </div>
      </section>
    </div>
  );
}
