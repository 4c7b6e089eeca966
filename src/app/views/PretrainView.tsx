// The Pretrain view: the recipe beside the live views (progress, loss curves, reconstructions, step profile).
import { LossChart } from '../components/LossChart';
import { PretrainPanel } from '../components/PretrainPanel';
import { ProgressView } from '../components/ProgressView';
import { ReconGrid } from '../components/ReconGrid';
import { StepProfileView } from '../components/StepProfileView';

export default function PretrainView() {
  return (
    <div className="controls-and-live">
      <PretrainPanel />
      <div>
        <ProgressView />
        <LossChart />
        <ReconGrid />
        <StepProfileView />
      </div>
    </div>
  );
}
