// Files leaving the page, always through the browser's download (the one way they do): a run's
// checkpoint, its encoder for the official downstream tools, the official PyTorch command lines for a
// run, and whatever a panel hands over.
import { readModelCheckpoint } from '../model/checkpoint';
import { downstreamCommands, encoderPth } from '../train/downstream';
import { officialCommand } from '../train/officialFlags';
import { keptCheckpoint } from './persistence';
import type { RunRecord } from './runsDb';
import { trainSizeOf } from './specs';
import { useStore } from './store';

export function downloadBlob(data: BlobPart, name: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Downloads a run's loss curve as kept in its record (thinned to a few hundred points), as CSV: what is left of a run whose checkpoint is damaged. */
export function exportCurve(r: RunRecord): void {
  const rows = (r.curve ?? []).map((p) => [p.step, p.total, p.reconstruction, p.alignment ?? '', p.lr, p.gradNorm].join(','));
  downloadBlob(['step,total,reconstruction,alignment,lr,grad_norm', ...rows].join('\n') + '\n', `${r.spec.id}-curve.csv`, 'text/csv');
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

/** Downloads a run's encoder as a PyTorch file the official linear-probing and fine-tuning tools take as --finetune. */
export async function exportEncoder(runId: string): Promise<void> {
  const { notify } = useStore.getState();
  const saved = await keptCheckpoint(runId);
  if (!saved) return notify('No checkpoint of that run is kept in this browser.');
  try {
    const { config, file } = readModelCheckpoint(saved.bytes);
    downloadBlob(encoderPth(file, config), `${runId}-encoder.pth`, 'application/octet-stream');
  } catch (e) {
    notify(`The encoder could not be exported (${(e as Error).message}).`);
  }
}

/** Downloads the official linear-probing and fine-tuning command lines for a run's encoder on `gpus` GPUs. */
export function exportDownstreamCommands(runId: string, gpus: number): void {
  const { runs, datasets, notify } = useStore.getState();
  const rec = runs.find((r) => r.spec.id === runId);
  if (!rec) return;
  const classes = datasets.find((d) => d.id === rec.spec.dataset)?.classes.length || null;
  const out = downstreamCommands(rec.spec.model, runId, { gpus, classes });
  if (out.ok) downloadBlob(out.script, `${runId}-official-downstream.sh`, 'text/x-shellscript');
  else notify(out.error);
}
