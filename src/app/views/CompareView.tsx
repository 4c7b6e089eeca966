// The Compare view, a chunk of its own (loaded when first opened).
import { ComparePanel } from '../components/ComparePanel';

export default function CompareView() {
  return <ComparePanel />;
}
