// The Probe view, a chunk of its own (loaded when first opened).
import { ProbePanel } from '../components/ProbePanel';

export default function ProbeView() {
  return <ProbePanel />;
}
