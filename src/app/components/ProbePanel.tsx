// The probing panel: a frozen encoder, linear and attentive probes side by side, their curves, the
// results table and the attention maps.
import { EncoderOptions } from './EncoderOptions';
import { useStore } from '../store';
import { startProbe, stopProbe } from '../workerClient';
import { AttentionMaps } from './AttentionMaps';
import { ProbeChart } from './ProbeChart';
import { ResultsTable } from './ResultsTable';

const row = { display: 'grid', gridTemplateColumns: '150px 110px', gap: 6, fontSize: 13, alignItems: 'center' } as const;

function Num(props: { label: string; value: number; disabled: boolean; onChange: (v: number) => void; help: string }) {
  return (
    <label style={row} title={props.help}>
      {props.label}
      <input type="number" step="any" key={props.value} defaultValue={props.value} disabled={props.disabled} style={{ width: 90 }} onBlur={(e) => props.onChange(Number(e.target.value))} />
    </label>
  );
}

export function ProbePanel() {
  const f = useStore((s) => s.probeForm);
  const presetId = useStore((s) => s.form.presetId);
  const datasets = useStore((s) => s.datasets);
  const chosen = datasets.find((d) => d.id === f.dataset);
  const probe = useStore((s) => s.probe);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const edit = useStore.getState().editProbe;
  const active = probe?.status === 'starting' || probe?.status === 'running';
  return (
    <section style={{ borderTop: '1px solid #ddd', marginTop: 16, paddingTop: 8 }}>
      <h2 style={{ fontSize: 17 }}>Probe a frozen encoder: linear versus attentive</h2>
      <div style={{ display: 'flex', gap: 24, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <div>
          <label style={row}>
            encoder
            <select data-testid="probe.encoder" value={f.encoder} disabled={active} onChange={(e) => edit({ encoder: e.target.value })}>
              <option value="random">random init ({presetId})</option>
              <EncoderOptions />
            </select>
          </label>
          <label style={row}>
            dataset
            <select data-testid="probe.dataset" value={f.dataset} disabled={active} onChange={(e) => edit({ dataset: e.target.value })}>
              <option value="shapes">shapes (labelled)</option>
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.classes.length ? `${d.classes.length} classes` : 'no labels'})
                </option>
              ))}
            </select>
          </label>
          {chosen && chosen.classes.length === 0 && (
            <p data-testid="probe.needs-labels" style={{ fontSize: 12, color: '#a11', maxWidth: 280 }}>
              Probing needs labels: {chosen.name} has none (a flat folder). Import a folder with one subfolder per class, or choose another dataset.
            </p>
          )}
          <Num label="epochs" value={f.epochs} disabled={active} onChange={(v) => edit({ epochs: Math.round(v) })} help="passes over the probe's training images" />
          <Num label="warmup epochs" value={f.warmupEpochs} disabled={active} onChange={(v) => edit({ warmupEpochs: v })} help="linear warmup, then cosine to 0 (official: 10 of 90 epochs)" />
          <Num label="training images" value={f.trainImages} disabled={active} onChange={(v) => edit({ trainImages: Math.round(v) })} help="labelled images the probes train on" />
          <Num label="validation images" value={f.valImages} disabled={active} onChange={(v) => edit({ valImages: Math.round(v) })} help="the fixed validation split for top-1" />
          <Num label="probe batch" value={f.probe.batchSize} disabled={active} onChange={(v) => edit({}, { batchSize: Math.round(v) })} help="images per probe step" />
          <Num label="LARS base lr" value={f.probe.linearBaseLr} disabled={active} onChange={(v) => edit({}, { linearBaseLr: v })} help="linear probe, LARS (momentum 0.9, trust 0.001, no decay)" />
          <Num label="LARS ref. batch" value={f.probe.linearBaseBatch} disabled={active} onChange={(v) => edit({}, { linearBaseBatch: Math.round(v) })} help="lr = base × batch / reference batch" />
          <Num label="SGD base lr" value={f.probe.attentiveBaseLr} disabled={active} onChange={(v) => edit({}, { attentiveBaseLr: v })} help="attentive probe, SGD with Nesterov momentum 0.9, no decay" />
          <Num label="SGD ref. batch" value={f.probe.attentiveBaseBatch} disabled={active} onChange={(v) => edit({}, { attentiveBaseBatch: Math.round(v) })} help="lr = base × batch / reference batch" />
          <Num label="momentum" value={f.probe.momentum} disabled={active} onChange={(v) => edit({}, { momentum: v })} help="both optimizers (official 0.9)" />
          <label style={row}>
            linear features
            <select value={f.probe.pooling} disabled={active} onChange={(e) => edit({}, { pooling: e.target.value as 'cls' | 'mean' })}>
              <option value="cls">CLS (official)</option>
              <option value="mean">mean of patches</option>
            </select>
          </label>
          <label style={row}>
            augmentation
            <input type="checkbox" checked={f.augment} disabled={active} onChange={(e) => edit({ augment: e.target.checked })} />
          </label>
          <p style={{ fontSize: 12, color: '#555', maxWidth: 280 }}>
            Official recipes: LARS at 0.1 × batch/256 with batch 16384 (lr 6.4) and Nesterov SGD at 0.4 for batch 8192, warmup then cosine.
            The defaults keep those effective rates at this page's small batches. Features are {f.augment ? 'computed per batch (augmentation on)' : 'cached once (augmentation off)'}.
          </p>
          <div style={{ display: 'flex', gap: 6 }}>
            <button data-testid="probe.start" disabled={!ready || active || (chosen !== undefined && chosen.classes.length === 0)} onClick={() => void startProbe()}>
              Start probing
            </button>
            <button data-testid="probe.stop" disabled={!active} onClick={stopProbe}>
              Stop
            </button>
          </div>
          {probe && (
            <p data-testid="probe.status" style={{ fontSize: 13 }}>
              {probe.status}
              {probe.history.length > 0 && ` · epoch ${probe.history.at(-1)!.epoch} of ${probe.spec.epochs}`} · features {probe.features === 'cached' ? 'cached once' : 'computed per batch'}
              {probe.message && <span style={{ color: '#a11' }}> · {probe.message}</span>}
            </p>
          )}
        </div>
        <div style={{ flex: 1, minWidth: 420 }}>
          <ProbeChart />
          <ResultsTable />
        </div>
      </div>
      <AttentionMaps />
    </section>
  );
}
