// The pretraining controls, compact: preset, dataset and the run buttons first, then the recipe in
// groups (schedule, learning rate, masking and objective); the rarely changed optimizer and
// architecture fields are collapsed. Each field shows its unit and the paper's value.
import type { PresetId } from '../../model/presets';
import { isActive } from '../../protocol/messages';
import { useStore } from '../store';
import { missingDataset } from '../specs';
import { formProblems, startReason } from '../validation';
import { pauseRun, resumeRun, startRun, stopRun } from '../workerClient';
import { PresetOptions, TrainingDatasetOptions } from './RecipeOptions';
import { FieldInput, FieldProblem, NumberInput } from './FieldInput';
import { LrNote } from './LrNote';
import { PretrainEstimate } from './PretrainEstimate';
import { TokenizerChoice } from './TokenizerChoice';
import { MODEL_FIELDS, TRAIN_FIELDS, type Field } from './fields';

export function PretrainPanel() {
  const form = useStore((s) => s.form);
  const datasets = useStore((s) => s.datasets);
  const status = useStore((s) => s.run?.status ?? null);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const { choosePreset, editModel, editTrain } = useStore.getState();
  const active = status !== null && isActive(status);
  // Checked as the user types, by the model's and trainer's own rules (../validation.ts).
  const problems = formProblems(form, datasets, missingDataset);
  const reason = startReason(problems);
  const train = (group: Field<string>['group']) =>
    TRAIN_FIELDS.filter((f) => f.group === group).map((f) => (
      <FieldInput
        key={f.key}
        field={f}
        value={form.train[f.key]}
        disabled={active}
        problem={problems.train[f.key]}
        onChange={(v) => editTrain({ [f.key]: v })}
      />
    ));
  const model = (group: Field<string>['group']) =>
    MODEL_FIELDS.filter((f) => f.group === group).map((f) => (
      <FieldInput
        key={f.key}
        field={f}
        value={form.model[f.key]}
        disabled={active}
        problem={problems.model[f.key]}
        onChange={(v) => editModel({ [f.key]: v })}
      />
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
            <PresetOptions />
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
            <TrainingDatasetOptions />
          </select>
        </div>
        <p className="hint" style={{ margin: '6px 0' }}>
          ViT width {form.model.embedDim}, depth {form.model.depth}, {form.model.numHeads} heads, {form.model.imgSize} px images in {form.model.patchSize} px
          patches.
        </p>
        <div className="button-row">
          <button data-testid="pretrain.start" disabled={!ready || active || reason !== null} onClick={() => void startRun()}>
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
        {reason && !active && (
          <p data-testid="pretrain.start-reason" style={{ color: 'var(--error)', fontSize: 12, margin: '4px 0' }}>
            {reason}
          </p>
        )}
        {!active && <PretrainEstimate />}
      </fieldset>
      <fieldset disabled={active}>
        <legend>Schedule</legend>
        {train('schedule')}
        <div className="field" title="a checkpoint is kept in this browser every so many steps, on pause and at the end">
          <label htmlFor="pretrain-checkpoint-every">checkpoint every</label>
          <span>
            <NumberInput
              id="pretrain-checkpoint-every"
              step={1}
              value={form.checkpointEvery}
              disabled={active}
              problem={problems.checkpointEvery}
              onChange={(v) => useStore.getState().setCheckpointEvery(v)}
            />
          </span>
          {problems.checkpointEvery ? (
            <FieldProblem id="pretrain-checkpoint-every" problem={problems.checkpointEvery} testId="problem.checkpointEvery" />
          ) : (
            <span className="hint">steps; also on pause and at the end</span>
          )}
        </div>
      </fieldset>
      <fieldset disabled={active}>
        <legend>Learning rate</legend>
        {train('lr')}
        <LrNote train={form.train} />
      </fieldset>
      <fieldset disabled={active}>
        <legend>Masking and objective</legend>
        {model('masking')}
        {form.model.target === 'token' && <TokenizerChoice />}
      </fieldset>
      {/* A rarely changed group opens when one of its fields has a problem, so the problem is seen. */}
      <details open={TRAIN_FIELDS.some((f) => f.group === 'optimizer' && problems.train[f.key]) || undefined}>
        <summary>Optimizer (AdamW)</summary>
        {train('optimizer')}
      </details>
      <details open={MODEL_FIELDS.some((f) => f.group === 'architecture' && problems.model[f.key]) || undefined}>
        <summary>Architecture</summary>
        {model('architecture')}
      </details>
    </section>
  );
}
