// The Data view: imported datasets and the embedded one's preview, a chunk of its own.
import { DataPanel } from '../components/DataPanel';
import { DatasetPreview } from '../components/DatasetPreview';

export default function DataView() {
  return (
    <>
      <DataPanel />
      <DatasetPreview />
    </>
  );
}
