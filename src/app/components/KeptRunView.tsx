// A kept run in the Pretrain view: its curves and the reconstructions kept with its last checkpoint,
// for the run selected in the sidebar (or, on a page that trains nothing, the newest kept run), so
// a run can be revisited without ticking it and opening Compare. Its records are read from
// IndexedDB: the curve with every step from the checkpoint (the runs list keeps a thinned one).
import { useEffect, useState } from 'react';
import type { ReconView, StepPoint } from '../../protocol/messages';
import { keptCheckpointBlob } from '../persistence';
import { runTitle } from '../runNames';
import { useStore, type AppState } from '../store';
import { shownStatus } from '../tabs';
import { LossChart } from './LossChart';
import { ReconGrid } from './ReconGrid';

/** The kept run Pretrain shows instead of the live views, or null for the live views. */
export function keptRunShown(s: AppState): string | null {
  const live = s.run?.spec.id ?? null;
  if (s.selectedRun && s.selectedRun !== live && s.runs.some((r) => r.spec.id === s.selectedRun)) return s.selectedRun;
  // A page that trains nothing yet shows the newest kept run rather than an empty chart.
  return live === null && s.runs.length > 0 ? s.runs[0]!.spec.id : null;
}

interface Kept {
  readonly history: readonly StepPoint[];
  readonly recon: ReconView | null;
}

/** The run's kept checkpoint's curve and view, read again when a newer checkpoint is kept. */
function useKept(id: string, checkpointStep: number | null | undefined): Kept | null {
  const [kept, setKept] = useState<{ id: string; step: number | null | undefined; kept: Kept } | null>(null);
  useEffect(() => {
    let live = true;
    void keptCheckpointBlob(id).then((c) => {
      if (live) setKept({ id, step: checkpointStep, kept: { history: c?.history ?? [], recon: c?.recon ?? null } });
    });
    return () => {
      live = false;
    };
  }, [id, checkpointStep]);
  return kept && kept.id === id ? kept.kept : null;
}

export function KeptRunView(props: { id: string }) {
  const r = useStore((s) => s.runs.find((x) => x.spec.id === props.id));
  const sweeps = useStore((s) => s.sweeps);
  const selected = useStore((s) => s.selectedRun === props.id);
  const live = useStore((s) => s.run);
  const elsewhere = useStore((s) => s.runsElsewhere);
  const kept = useKept(props.id, r?.checkpointStep);
  if (!r) return null;
  // The checkpoint's curve has every step up to it; the record's is thinned but may reach further.
  const fromCheckpoint = kept?.history ?? [];
  const history = fromCheckpoint.length && fromCheckpoint.at(-1)!.step >= (r.curve?.at(-1)?.step ?? 0) ? fromCheckpoint : (r.curve ?? fromCheckpoint);
  const status = shownStatus(r, undefined, elsewhere);
  return (
    <div data-testid="pretrain.kept" data-run-id={r.spec.id}>
      <h3 style={{ fontSize: 15, margin: '0 0 4px' }}>
        {runTitle(r, sweeps)} <span className="hint">({r.spec.id})</span>
      </h3>
      <p className="hint" style={{ margin: '0 0 8px' }}>
        {selected ? 'Selected in the runs list' : 'Your newest run, kept in this browser'}: {status} at step {r.step} of {r.spec.train.totalSteps}
        {r.latest && `, loss ${r.latest.total.toFixed(4)}`}.{' '}
        {live ? (
          <button data-testid="pretrain.showLive" onClick={() => useStore.getState().selectRun(null)}>
            Show the run of this page ({runTitle({ spec: live.spec, name: undefined }, sweeps)})
          </button>
        ) : (
          'Select another run in the sidebar, or press Start for a new one with the recipe on the left.'
        )}
      </p>
      <LossChart history={history} />
      <ReconGrid
        kept={{
          view: kept?.recon ?? null,
          target: r.spec.model.target,
          empty: !kept
            ? 'Reading the kept checkpoint…'
            : r.checkpointStep == null
              ? 'No checkpoint of this run is kept, so no reconstructions either.'
              : 'This checkpoint was kept without its reconstructions (kept before they were).',
        }}
      />
    </div>
  );
}
