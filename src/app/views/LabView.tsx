// The Lab view, a chunk of its own (loaded when first opened).
import { LabPanel } from '../components/LabPanel';

export default function LabView() {
  return <LabPanel />;
}
