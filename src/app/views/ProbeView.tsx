// The Probe view, a chunk of its own (loaded when first opened).
import { ProbePanel } from '../components/ProbePanel';
import { ProbeBaselinesNote } from '../components/PublishedBaselines';

export default function ProbeView() {
  return (
    <>
      <ProbePanel />
      <ProbeBaselinesNote />
    </>
  );
}
