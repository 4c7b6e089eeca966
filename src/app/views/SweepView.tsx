// The Sweeps view, a chunk of its own (loaded when first opened). The sweep driver itself is loaded
// with the page (main.tsx): an unfinished sweep goes on after a reload without this view.
import { SweepPanel } from '../components/SweepPanel';

export default function SweepView() {
  return <SweepPanel />;
}
