// Files leaving the page, always through the browser's download (the one way they do): a run's
// checkpoint, the official PyTorch command line for a run, and whatever a panel hands over.
import { officialCommand } from '../train/officialFlags';
import { keptCheckpoint } from './persistence';
import { trainSizeOf } from './specs';
import { useStore } from './store';

export function downloadBlob(data: BlobPart, name: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Downloads a run's latest checkpoint as .safetensors under the official parameter names. */
export async function exportCheckpoint(runId: string): Promise<void> {
  const saved = await keptCheckpoint(runId);
  if (!saved) return useStore.getState().notify('No checkpoint of that run is kept in this browser.');
  downloadBlob(saved.bytes, `${runId}-step${saved.step}.safetensors`, 'application/octet-stream');
}

/**
 * Downloads the official PyTorch command line for a run on `gpus` GPUs, or shows why there is none.
 * The run's dataset size turns its steps into epochs; a dataset no longer kept here is asked for.
 */
export function exportOfficialCommand(runId: string, gpus: number): void {
  const { runs, datasets, notify } = useStore.getState();
  const rec = runs.find((r) => r.spec.id === runId);
  if (!rec) return;
  let trainSize = trainSizeOf(rec.spec.dataset, datasets);
  if (trainSize === undefined) {
    const answer = window.prompt(`The dataset of ${runId} is no longer in this browser. How many training images did it have (for --epochs)?`);
    if (answer === null) return;
    trainSize = Number(answer);
  }
  const out = officialCommand(rec.spec.model, rec.spec.train, runId, { gpus, trainSize });
  if (out.ok) downloadBlob(out.script, `${runId}-official-cae.sh`, 'text/x-shellscript');
  else notify(out.error);
}
