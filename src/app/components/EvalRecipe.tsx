// The evaluation recipe: which readouts run (LIN, ATT, kNN, fine-tuning), the baseline and seeds,
// and each recipe's fields (their numbers built from the Field table in evalFields.ts), with every
// learning rate shown as the official scaling rule computes it.
import type { EvalId } from '../../protocol/messages';
import { DEFAULT_PLATEAU } from '../../train/convergence';
import { ATTENTIVE_FACTOR_BY_PRESET, type LinearReadout, SHORT_RUN_FACTOR } from '../../train/evalDefaults';
import { OFFICIAL_FINE_TUNE, OFFICIAL_PROBE_LR } from '../../train/officialRates';
import { useStore } from '../store';
import { evalProblems } from '../evalValidation';
import { formFor, probedPreset } from '../probeForm';
import { evalField, type EvalFieldKey, evalPatch, evalValue } from './evalFields';
import { FieldProblem, NumberInput } from './FieldInput';

const row = { display: 'grid', gridTemplateColumns: '150px 110px', gap: 6, fontSize: 13, alignItems: 'center' } as const;
const note = { fontSize: 12, color: 'var(--muted)', maxWidth: 300, margin: '2px 0 6px' } as const;

/** A number field of the evaluation form, checked as it is typed: its problem, if any, shows under it. */
export function Num(props: {
  label: string;
  value: number;
  disabled: boolean;
  onChange: (v: number) => void;
  help: string;
  testId?: string;
  problem?: string | null;
}) {
  const id = `eval-${props.label.replace(/\W+/g, '-')}`;
  const problem = props.problem ?? null;
  return (
    <>
      <label style={row} title={props.help}>
        {props.label}
        <NumberInput
          id={id}
          step="any"
          label={props.label}
          testId={props.testId}
          value={props.value}
          disabled={props.disabled}
          problem={problem}
          style={{ width: 90 }}
          onChange={props.onChange}
        />
      </label>
      {problem && (
        <p style={{ ...note, color: 'var(--error)' }}>
          <FieldProblem id={id} problem={problem} testId={`problem.${props.testId ?? id}`} />
        </p>
      )}
    </>
  );
}

const EVALS: { id: EvalId; label: string }[] = [
  { id: 'lin', label: 'LIN' },
  { id: 'att', label: 'ATT' },
  { id: 'knn', label: 'kNN' },
  { id: 'ft', label: 'fine-tune' },
];

/** "0.4 = 1.6 × 64 / 256 (official 0.1: ×16)": the peak rate, its rule, and the short-run factor. */
export function lrRule(base: number, batch: number, ref: number, official: number): string {
  const r = (v: number) => Number(v.toPrecision(3));
  const factor = base / official;
  return `peak lr ${r((base * batch) / ref)} = ${r(base)} × ${batch} / ${ref}${factor !== 1 ? ` (official base ${official}: ×${r(factor)} for a short run)` : ' (official)'}`;
}

export function EvalRecipe({ disabled }: { disabled: boolean }) {
  const raw = useStore((s) => s.probeForm);
  const preset = useStore(probedPreset);
  // The recipe the run would take: ATT's rate is the read preset's own until the user sets one.
  const f = formFor(raw, preset);
  const ownAtt = !raw.attRatePicked && ATTENTIVE_FACTOR_BY_PRESET[preset] !== undefined;
  const { editProbe, editEvaluation } = useStore.getState();
  const e = f.evaluation;
  const ft = e.fineTune;
  const problems = evalProblems(f);
  /** A number field of the recipe, built from its row of the Field table (evalFields.ts); `off` disables it too. */
  const num = (k: EvalFieldKey, off = false) => {
    const field = evalField(k);
    const apply = (v: number) => {
      const p = evalPatch(useStore.getState().probeForm, k, v);
      if (p.form || p.probe) editProbe(p.form ?? {}, p.probe);
      if (p.evaluation) editEvaluation(p.evaluation);
    };
    return (
      <Num
        label={field.label}
        testId={field.testId ?? `eval.${k}`}
        value={evalValue(f, k)}
        disabled={disabled || off}
        onChange={apply}
        help={field.help}
        problem={problems[k]}
      />
    );
  };
  const on = (id: EvalId) => e.evals.includes(id);
  const linear = e.linear ?? 'official';
  const plateau = e.plateau ?? DEFAULT_PLATEAU;
  const toggle = (id: EvalId, v: boolean) => editEvaluation({ evals: EVALS.map((x) => x.id).filter((x) => (x === id ? v : e.evals.includes(x))) });
  return (
    <div>
      <div style={{ display: 'flex', gap: 10, fontSize: 13, margin: '4px 0' }}>
        {EVALS.map((x) => (
          <label key={x.id}>
            <input
              type="checkbox"
              data-testid={`probe.eval.${x.id}`}
              checked={on(x.id)}
              disabled={disabled}
              onChange={(ev) => toggle(x.id, ev.target.checked)}
            />{' '}
            {x.label}
          </label>
        ))}
      </div>
      <label style={row} title="evaluate a random-init encoder of the same preset beside a pretrained one, on the same images and seeds">
        random-init baseline
        <input
          type="checkbox"
          data-testid="probe.baseline"
          checked={e.baseline}
          disabled={disabled}
          onChange={(ev) => editEvaluation({ baseline: ev.target.checked })}
        />
      </label>
      {num('seeds')}
      {num('firstSeed')}
      <details open={on('lin') || on('att')}>
        <summary style={{ fontSize: 13 }}>Probes (LIN, ATT)</summary>
        <label
          style={row}
          title="logistic regression: fitted to convergence (L-BFGS) on standardized frozen features, its L2 chosen by 5-fold cross-validation on the training images. Official recipe: BatchNorm + linear trained by LARS for a fixed number of epochs."
        >
          LIN readout
          <select data-testid="probe.linear" value={linear} disabled={disabled} onChange={(ev) => editEvaluation({ linear: ev.target.value as LinearReadout })}>
            <option value="logistic">logistic (converged)</option>
            <option value="official">official (LARS)</option>
          </select>
        </label>
        {num('attCap')}
        <p style={note} data-testid="probe.att-rule">
          ATT trains until converged: after a one-epoch warmup the rate stays at its peak; when the training loss has not improved by{' '}
          {plateau.minImprovement * 100} % for {plateau.window} epochs the rate drops ×{plateau.factor}, and after {plateau.decays} drops the next plateau ends
          it (at most {plateau.maxEpochs} epochs). The table shows each result&apos;s final training loss and slope.
        </p>
        {num('linEpochs', linear === 'logistic')}
        {num('linWarmup', linear === 'logistic')}
        {num('probeBatch')}
        {num('larsLr')}
        {num('larsBatch')}
        <p style={note} data-testid="probe.lin-lr">
          LIN {lrRule(f.probe.linearBaseLr, f.probe.batchSize, f.probe.linearBaseBatch, OFFICIAL_PROBE_LR.linearBaseLr)}
        </p>
        {num('sgdLr')}
        {num('sgdBatch')}
        <p style={note} data-testid="probe.att-lr">
          ATT {lrRule(f.probe.attentiveBaseLr, f.probe.batchSize, f.probe.attentiveBaseBatch, OFFICIAL_PROBE_LR.attentiveBaseLr)}
          {ownAtt && ` · ${preset}'s own rate, chosen for it on the validation split (other presets: ×${SHORT_RUN_FACTOR.attentive})`}
        </p>
        {num('momentum')}
        <label style={row}>
          linear features
          <select value={f.probe.pooling} disabled={disabled} onChange={(ev) => editProbe({}, { pooling: ev.target.value as 'cls' | 'mean' })}>
            <option value="cls">CLS (official)</option>
            <option value="mean">mean of patches</option>
          </select>
        </label>
        <label
          style={row}
          title="the official attentive probe's LP_BatchNorm is never told it is evaluating: it normalizes each evaluation batch with that batch's statistics"
        >
          ATT BatchNorm at eval
          <select
            data-testid="probe.att-bn"
            value={f.probe.attentiveEvalBn}
            disabled={disabled}
            onChange={(ev) => editProbe({}, { attentiveEvalBn: ev.target.value as 'batch' | 'running' })}
          >
            <option value="batch">batch statistics (official)</option>
            <option value="running">running averages</option>
          </select>
        </label>
        <label style={row}>
          augmentation
          <input type="checkbox" checked={f.augment} disabled={disabled} onChange={(ev) => editProbe({ augment: ev.target.checked })} />
        </label>
      </details>
      <details open={on('knn')}>
        <summary style={{ fontSize: 13 }}>kNN</summary>
        {num('knnK')}
        {num('knnT')}
      </details>
      <details open={on('ft')}>
        <summary style={{ fontSize: 13 }}>Fine-tuning</summary>
        <label style={row} title="the share of the training images whose labels fine-tuning uses (few-labels setting)">
          labelled share
          <select
            data-testid="probe.ft-labels"
            value={ft.labelFraction}
            disabled={disabled}
            onChange={(ev) => editEvaluation({ fineTune: { ...ft, labelFraction: Number(ev.target.value) } })}
          >
            {[1, 0.1, 0.01].map((v) => (
              <option key={v} value={v}>
                {v * 100} %
              </option>
            ))}
          </select>
        </label>
        {num('ftEpochs')}
        {num('ftWarmup')}
        {num('ftBatch')}
        {num('ftLr')}
        {num('ftRefBatch')}
        <p style={note} data-testid="probe.ft-lr">
          FT {lrRule(ft.baseLr, ft.batchSize, ft.baseBatch, OFFICIAL_FINE_TUNE.baseLr)}. The official code uses its --lr as given for its batch of 1024; this
          page scales it linearly to its batch.
        </p>
        {num('ftLayerDecay')}
        {num('ftWeightDecay')}
        {num('ftSmoothing')}
        <label style={row} title="RandomResizedCrop(0.08–1) + flip, as pretraining; no mixup, cutmix or RandAugment here">
          augmentation
          <input type="checkbox" checked={e.fineTuneAugment} disabled={disabled} onChange={(ev) => editEvaluation({ fineTuneAugment: ev.target.checked })} />
        </label>
      </details>
    </div>
  );
}
