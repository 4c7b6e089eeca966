// The pretraining controls, compact: preset, dataset and the run buttons first, then the recipe in
// groups (schedule, learning rate, masking and objective); the rarely changed optimizer and
// architecture fields are collapsed. Each field shows its unit and the paper's value.
import { FASHION_MNIST } from '../../data/fashionMnist';
import { BUILTIN_DATASETS } from '../../data/shapes';
import { PRESET_IDS, type PresetId } from '../../model/presets';
import { peakLr, PAPER_TRAIN } from '../../train/config';
import { isActive } from '../../protocol/messages';
import { useStore } from '../store';
import { pauseRun, resumeRun, startRun, stopRun } from '../workerClient';
import { FieldInput } from './FieldInput';
import { TokenizerChoice } from './TokenizerChoice';
import { MODEL_FIELDS, TRAIN_FIELDS, type Field } from './fields';

export function PretrainPanel() {
  const form = useStore((s) => s.form);
  const datasets = useStore((s) => s.datasets);
  const status = useStore((s) => s.run?.status ?? null);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const { choosePreset, editModel, editTrain } = useStore.getState();
  const active = status !== null && isActive(status);
  const peak = peakLr(form.train);
  const paperPeak = peakLr({ ...PAPER_TRAIN, batchSize: form.train.batchSize });
  const train = (group: Field<string>['group']) =>
    TRAIN_FIELDS.filter((f) => f.group === group).map((f) => (
      <FieldInput key={f.key} field={f} value={form.train[f.key]} disabled={active} onChange={(v) => editTrain({ [f.key]: v })} />
    ));
  const model = (group: Field<string>['group']) =>
    MODEL_FIELDS.filter((f) => f.group === group).map((f) => (
      <FieldInput key={f.key} field={f} value={form.model[f.key]} disabled={active} onChange={(v) => editModel({ [f.key]: v })} />
    ));
  return (
    <section className="controls" aria-label="pretraining recipe">
      <fieldset>
        <legend>Run</legend>
        <div className="field">
          <label htmlFor="pretrain-preset">preset</label>
          <select
            id="pretrain-preset"
            data-testid="pretrain.preset"
            value={form.presetId}
            disabled={active}
            onChange={(e) => choosePreset(e.target.value as PresetId)}
            style={{ width: 'auto', gridColumn: 'span 2' }}
          >
            {PRESET_IDS.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="pretrain-dataset">dataset</label>
          <select
            id="pretrain-dataset"
            data-testid="pretrain.dataset"
            value={form.dataset}
            disabled={active}
            onChange={(e) => useStore.getState().chooseDataset(e.target.value)}
            style={{ width: 'auto', gridColumn: 'span 2', maxWidth: 200 }}
          >
            {BUILTIN_DATASETS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.id} (embedded{d.difficulty === 'hard' ? ', hard' : ''})
              </option>
            ))}
            <option value={FASHION_MNIST.id}>{FASHION_MNIST.label}</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.trainSize} images{d.classes.length ? '' : ', unlabelled'})
              </option>
            ))}
          </select>
        </div>
        <p className="hint" style={{ margin: '6px 0' }}>
          ViT width {form.model.embedDim}, depth {form.model.depth}, {form.model.numHeads} heads, {form.model.imgSize} px images in {form.model.patchSize} px
          patches.
        </p>
        <div className="button-row">
          <button data-testid="pretrain.start" disabled={!ready || active} onClick={() => void startRun()}>
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
          <span className="hint">
            <kbd>Space</kbd> pauses / resumes
          </span>
        </div>
      </fieldset>
      <fieldset disabled={active}>
        <legend>Schedule</legend>
        {train('schedule')}
        <div className="field" title="a checkpoint is kept in this browser every so many steps, on pause and at the end">
          <label htmlFor="pretrain-checkpoint-every">checkpoint every</label>
          <span>
            <input
              id="pretrain-checkpoint-every"
              type="number"
              step={1}
              key={form.checkpointEvery}
              defaultValue={form.checkpointEvery}
              disabled={active}
              onBlur={(e) => useStore.getState().setCheckpointEvery(Math.round(Number(e.target.value)))}
            />
          </span>
          <span className="hint">steps; also on pause and at the end</span>
        </div>
      </fieldset>
      <fieldset disabled={active}>
        <legend>Learning rate</legend>
        {train('lr')}
        <p data-testid="pretrain.lr-note" className="hint" style={{ margin: '6px 0 0' }}>
          Peak lr = base lr × batch / reference batch = {peak.toExponential(2)} (linear scaling, as the paper).
          {Math.abs(peak - paperPeak) > 1e-12 &&
            ` The paper's 1.5e-3 at 2048 would give ${paperPeak.toExponential(2)}; this preset raises it ${(peak / paperPeak).toFixed(0)}× so a short run shows learning.`}
        </p>
      </fieldset>
      <fieldset disabled={active}>
        <legend>Masking and objective</legend>
        {model('masking')}
        {form.model.target === 'token' && <TokenizerChoice />}
      </fieldset>
      <details>
        <summary>Optimizer (AdamW)</summary>
        {train('optimizer')}
      </details>
      <details>
        <summary>Architecture</summary>
        {model('architecture')}
      </details>
    </section>
  );
}
