// The notebook page: header with the backend, notices, the pretraining panel beside its live views,
// the probing panel, your own data, the image lab, the dataset preview and the runs list.
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
import { RunsList } from './components/RunsList';
import { StepProfileView } from './components/StepProfileView';

export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 1280, margin: '1rem auto', padding: '0 1rem' }}>
      <Header />
      <Notices />
      <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <PretrainPanel />
        <div style={{ flex: 1, minWidth: 420 }}>
          <ProgressView />
          <StepProfileView />
          <LossChart />
          <ReconGrid />
        </div>
      </div>
      <ProbePanel />
      <SweepPanel />
      <DataPanel />
      <LabPanel />
      <DatasetPreview />
      <RunsList />
    </main>
  );
}
