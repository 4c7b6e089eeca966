// The pretraining form and controls: preset, every config field, dataset, seed; start, pause,
// resume, stop.
import { BUILTIN_DATASETS } from '../../data/shapes';
import { PRESET_IDS, type PresetId } from '../../model/presets';
import { isActive } from '../../protocol/messages';
import { peakLr, PAPER_TRAIN } from '../../train/config';
import { useStore } from '../store';
import { pauseRun, resumeRun, startRun, stopRun } from '../workerClient';
import { FieldInput } from './FieldInput';
import { MODEL_FIELDS, TRAIN_FIELDS } from './fields';

export function PretrainPanel() {
  const form = useStore((s) => s.form);
  const datasets = useStore((s) => s.datasets);
  const status = useStore((s) => s.run?.status ?? null);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const { choosePreset, editModel, editTrain } = useStore.getState();
  const active = status !== null && isActive(status);
  const peak = peakLr(form.train);
  const paperPeak = peakLr({ ...PAPER_TRAIN, batchSize: form.train.batchSize });
  return (
    <section style={{ minWidth: 260 }}>
      <h2 style={{ fontSize: 17 }}>Pretrain</h2>
      <label style={{ display: 'grid', gridTemplateColumns: '120px 140px', gap: 6, fontSize: 13 }}>
        preset
        <select data-testid="pretrain.preset" value={form.presetId} disabled={active} onChange={(e) => choosePreset(e.target.value as PresetId)}>
          {PRESET_IDS.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <label style={{ display: 'grid', gridTemplateColumns: '120px 140px', gap: 6, fontSize: 13, marginTop: 4 }}>
        dataset
        <select data-testid="pretrain.dataset" value={form.dataset} disabled={active} onChange={(e) => useStore.getState().chooseDataset(e.target.value)}>
          {BUILTIN_DATASETS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.id} (embedded{d.difficulty === 'hard' ? ', hard' : ''})
            </option>
          ))}
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.trainSize} images{d.classes.length ? '' : ', unlabelled'})
            </option>
          ))}
        </select>
      </label>
      <p style={{ fontSize: 12, color: 'var(--muted)' }}>
        ViT width {form.model.embedDim}, depth {form.model.depth}, {form.model.numHeads} heads, {form.model.imgSize} px images in {form.model.patchSize} px patches.
      </p>
      <div style={{ display: 'flex', gap: 6, margin: '8px 0' }}>
        <button data-testid="pretrain.start" disabled={!ready || active} onClick={startRun}>
          Start
        </button>
        <button data-testid="pretrain.pause" disabled={status !== 'running'} onClick={pauseRun}>
          Pause
        </button>
        <button data-testid="pretrain.resume" disabled={status !== 'paused'} onClick={resumeRun}>
          Resume
        </button>
        <button data-testid="pretrain.stop" disabled={!active} onClick={stopRun}>
          Stop
        </button>
      </div>
      <fieldset disabled={active} style={{ border: '1px solid var(--border)' }}>
        <legend style={{ fontSize: 13 }}>training</legend>
        {TRAIN_FIELDS.map((f) => (
          <FieldInput key={f.key} field={f} value={form.train[f.key]} disabled={active} onChange={(v) => editTrain({ [f.key]: v })} />
        ))}
        <label style={{ display: 'grid', gridTemplateColumns: '120px 100px', alignItems: 'center', gap: 6, fontSize: 13 }} title="a checkpoint is kept in this browser every so many steps, on pause and at the end">
          <span>checkpoint every</span>
          <input type="number" step={1} key={form.checkpointEvery} defaultValue={form.checkpointEvery} disabled={active} style={{ width: 90 }} onBlur={(e) => useStore.getState().setCheckpointEvery(Math.round(Number(e.target.value)))} />
        </label>
        <p data-testid="pretrain.lr-note" style={{ fontSize: 12, color: 'var(--muted)', maxWidth: 240 }}>
          Peak lr = base lr × batch / reference batch = {peak.toExponential(2)} (linear scaling, as the paper).
          {Math.abs(peak - paperPeak) > 1e-12 && ` The paper's 1.5e-3 at 2048 would give ${paperPeak.toExponential(2)}; this preset raises it ${(peak / paperPeak).toFixed(0)}× so a short run shows learning.`}
        </p>
      </fieldset>
      <fieldset disabled={active} style={{ border: '1px solid var(--border)' }}>
        <legend style={{ fontSize: 13 }}>model and objective</legend>
        {MODEL_FIELDS.map((f) => (
          <FieldInput key={f.key} field={f} value={form.model[f.key]} disabled={active} onChange={(v) => editModel({ [f.key]: v })} />
        ))}
      </fieldset>
    </section>
  );
}
