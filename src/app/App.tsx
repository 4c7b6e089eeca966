// The notebook page: a header (backend, storage), the runs sidebar, and the main area in views:
// Pretrain (recipe beside the live views), Probe, Lab, Data, Compare and Sweeps. Every view stays mounted
// while hidden, so a run's charts, a probe and the lab keep their state across tab switches.
import { useEffect, type ReactNode } from 'react';
import { ComparePanel } from './components/ComparePanel';
import { SweepPanel } from './components/SweepPanel';
import { DataPanel } from './components/DataPanel';
import { DatasetPreview } from './components/DatasetPreview';
import { Header } from './components/Header';
import { LabPanel } from './components/LabPanel';
import { LossChart } from './components/LossChart';
import { Notices } from './components/Notices';
import { PretrainPanel } from './components/PretrainPanel';
import { ProbePanel } from './components/ProbePanel';
import { ProgressView } from './components/ProgressView';
import { ReconGrid } from './components/ReconGrid';
import { RunsSidebar } from './components/RunsSidebar';
import { StepProfileView } from './components/StepProfileView';
import { installSpaceToggle } from './keys';
import { useStore } from './store';
import { VIEWS, type ViewId } from './ui';

function ViewTabs() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const compared = useStore((s) => s.compared.length);
  return (
    <nav className="tabs" role="tablist" aria-label="views">
      {VIEWS.map((v) => (
        <button
          key={v.id}
          id={`tab-${v.id}`}
          role="tab"
          data-testid={`view.${v.id}`}
          aria-selected={view === v.id}
          aria-controls={`view-${v.id}`}
          onClick={() => setView(v.id)}
        >
          {v.label}
          {v.id === 'compare' && compared > 0 && ` (${compared})`}
        </button>
      ))}
    </nav>
  );
}

function View(props: { id: ViewId; children: ReactNode }) {
  const shown = useStore((s) => s.view === props.id);
  return (
    <div id={`view-${props.id}`} role="tabpanel" aria-labelledby={`tab-${props.id}`} hidden={!shown}>
      {props.children}
    </div>
  );
}

export function App() {
  useEffect(installSpaceToggle, []);
  return (
    <>
      <Header />
      <div className="app-body">
        <RunsSidebar />
        <main className="main">
          <ViewTabs />
          <Notices />
          <View id="pretrain">
            <div className="controls-and-live">
              <PretrainPanel />
              <div>
                <ProgressView />
                <LossChart />
                <ReconGrid />
                <StepProfileView />
              </div>
            </div>
          </View>
          <View id="probe">
            <ProbePanel />
          </View>
          <View id="lab">
            <LabPanel />
          </View>
          <View id="data">
            <DataPanel />
            <DatasetPreview />
          </View>
          <View id="compare">
            <ComparePanel />
          </View>
          <View id="sweep">
            <SweepPanel />
          </View>
        </main>
      </div>
    </>
  );
}
