// The Pretrain view: the recipe beside the live views (progress, loss curves, reconstructions, step
// profile), or beside a kept run's curves and last reconstructions when one is selected in the
// sidebar (or, with no run on this page, the newest kept one).
import { KeptRunView, keptRunShown } from '../components/KeptRunView';
import { LossChart } from '../components/LossChart';
import { PretrainPanel } from '../components/PretrainPanel';
import { ProgressView } from '../components/ProgressView';
import { ReconGrid } from '../components/ReconGrid';
import { StepProfileView } from '../components/StepProfileView';
import { useStore } from '../store';

export default function PretrainView() {
  const kept = useStore(keptRunShown);
  return (
    <div className="controls-and-live">
      <PretrainPanel />
      {kept ? (
        <KeptRunView id={kept} />
      ) : (
        <div>
          <ProgressView />
          <LossChart />
          <ReconGrid />
          <StepProfileView />
        </div>
      )}
    </div>
  );
}
