// The Data view: imported datasets, the embedded ones' preview and notes, a chunk of its own.
import { DataPanel } from '../components/DataPanel';
import { DatasetPreview } from '../components/DatasetPreview';
import { EmbeddedDatasets } from '../components/EmbeddedDatasets';

export default function DataView() {
  return (
    <>
      <DataPanel />
      <DatasetPreview />
      <EmbeddedDatasets />
    </>
  );
}
