// The evaluation recipe: which readouts run (LIN, ATT, kNN, fine-tuning), the baseline and seeds,
// and each recipe's fields, with every learning rate shown as the official scaling rule computes it.
import type { EvalId } from '../../protocol/messages';
import { DEFAULT_PLATEAU } from '../../train/convergence';
import type { LinearReadout } from '../../train/evalDefaults';
import { OFFICIAL_FINE_TUNE, OFFICIAL_PROBE_LR } from '../../train/officialRates';
import { useStore } from '../store';

const row = { display: 'grid', gridTemplateColumns: '150px 110px', gap: 6, fontSize: 13, alignItems: 'center' } as const;
const note = { fontSize: 12, color: 'var(--muted)', maxWidth: 300, margin: '2px 0 6px' } as const;

export function Num(props: { label: string; value: number; disabled: boolean; onChange: (v: number) => void; help: string; testId?: string }) {
  return (
    <label style={row} title={props.help}>
      {props.label}
      <input
        type="number"
        step="any"
        aria-label={props.label}
        data-testid={props.testId}
        key={props.value}
        defaultValue={props.value}
        disabled={props.disabled}
        style={{ width: 90 }}
        onBlur={(e) => props.onChange(Number(e.target.value))}
      />
    </label>
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
  const f = useStore((s) => s.probeForm);
  const { editProbe, editEvaluation } = useStore.getState();
  const e = f.evaluation;
  const ft = e.fineTune;
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
      <Num
        label="seeds"
        testId="probe.seeds"
        value={e.seeds}
        disabled={disabled}
        onChange={(v) => editEvaluation({ seeds: Math.round(v) })}
        help="repeat with seeds s, s+1, …: images, probe init and order change; mean ± sd"
      />
      <Num
        label="first seed"
        value={f.probe.seed}
        disabled={disabled}
        onChange={(v) => editProbe({}, { seed: Math.round(v) })}
        help="first seed: the images drawn, the probes' init and data order"
      />
      <details open={on('lin') || on('att')}>
        <summary style={{ fontSize: 13 }}>Probes (LIN, ATT)</summary>
        <label
          style={row}
          title="logistic regression: fitted to convergence (L-BFGS) on standardized frozen features, its L2 chosen by 5-fold cross-validation on the training images. Official recipe: BatchNorm + linear trained by LARS for a fixed number of epochs."
        >
          LIN readout
          <select data-testid="probe.linear" value={linear} disabled={disabled} onChange={(ev) => editEvaluation({ linear: ev.target.value as LinearReadout })}>
            <option value="logistic">logistic regression (converged)</option>
            <option value="official">official recipe (LARS)</option>
          </select>
        </label>
        <Num
          label="ATT epoch cap"
          testId="probe.att-cap"
          value={plateau.maxEpochs}
          disabled={disabled}
          onChange={(v) => editEvaluation({ plateau: { ...plateau, maxEpochs: Math.round(v) } })}
          help="ATT trains until its training loss stops improving, at most this many epochs"
        />
        <p style={note} data-testid="probe.att-rule">
          ATT trains until converged: after a one-epoch warmup the rate stays at its peak; when the training loss has not improved by{' '}
          {plateau.minImprovement * 100} % for {plateau.window} epochs the rate drops ×{plateau.factor}, and after {plateau.decays} drops the next plateau ends
          it (at most {plateau.maxEpochs} epochs). The table shows each result&apos;s final training loss and slope.
        </p>
        <Num
          label="LIN epochs"
          value={f.epochs}
          disabled={disabled || linear === 'logistic'}
          onChange={(v) => editProbe({ epochs: Math.round(v) })}
          help="passes over the training images for LIN's official recipe"
        />
        <Num
          label="warmup epochs"
          value={f.warmupEpochs}
          disabled={disabled || linear === 'logistic'}
          onChange={(v) => editProbe({ warmupEpochs: v })}
          help="LIN's official recipe: linear warmup, then cosine to 0 (official: 10 of 90 epochs)"
        />
        <Num
          label="probe batch"
          value={f.probe.batchSize}
          disabled={disabled}
          onChange={(v) => editProbe({}, { batchSize: Math.round(v) })}
          help="images per probe step"
        />
        <Num
          label="LARS base lr"
          value={f.probe.linearBaseLr}
          disabled={disabled}
          onChange={(v) => editProbe({}, { linearBaseLr: v })}
          help="linear probe, LARS (momentum 0.9, trust 0.001, no decay); official blr 0.1"
        />
        <Num
          label="LARS ref. batch"
          value={f.probe.linearBaseBatch}
          disabled={disabled}
          onChange={(v) => editProbe({}, { linearBaseBatch: Math.round(v) })}
          help="lr = base × batch / reference batch (official 256)"
        />
        <p style={note} data-testid="probe.lin-lr">
          LIN {lrRule(f.probe.linearBaseLr, f.probe.batchSize, f.probe.linearBaseBatch, OFFICIAL_PROBE_LR.linearBaseLr)}
        </p>
        <Num
          label="SGD base lr"
          value={f.probe.attentiveBaseLr}
          disabled={disabled}
          onChange={(v) => editProbe({}, { attentiveBaseLr: v })}
          help="attentive probe, SGD with Nesterov momentum 0.9, no decay; official 0.4 at 8192"
        />
        <Num
          label="SGD ref. batch"
          value={f.probe.attentiveBaseBatch}
          disabled={disabled}
          onChange={(v) => editProbe({}, { attentiveBaseBatch: Math.round(v) })}
          help="lr = base × batch / reference batch (official 8192)"
        />
        <p style={note} data-testid="probe.att-lr">
          ATT {lrRule(f.probe.attentiveBaseLr, f.probe.batchSize, f.probe.attentiveBaseBatch, OFFICIAL_PROBE_LR.attentiveBaseLr)}
        </p>
        <Num
          label="momentum"
          value={f.probe.momentum}
          disabled={disabled}
          onChange={(v) => editProbe({}, { momentum: v })}
          help="both optimizers (official 0.9)"
        />
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
        <Num
          label="k"
          value={e.knn.k}
          disabled={disabled}
          onChange={(v) => editEvaluation({ knn: { ...e.knn, k: Math.round(v) } })}
          help="neighbours that vote (DINO: 20)"
        />
        <Num
          label="temperature"
          value={e.knn.temperature}
          disabled={disabled}
          onChange={(v) => editEvaluation({ knn: { ...e.knn, temperature: v } })}
          help="vote weight exp(cosine / T) (DINO: 0.07)"
        />
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
        <Num
          label="fine-tune epochs"
          value={e.fineTuneEpochs}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTuneEpochs: Math.round(v) })}
          help="budget in steps: this many passes over the whole training split, whatever share of it is labelled"
        />
        <Num
          label="fine-tune warmup epochs"
          value={e.fineTuneWarmupEpochs}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTuneWarmupEpochs: v })}
          help="linear warmup, then cosine (official ViT-S: 20 of 200)"
        />
        <Num
          label="fine-tune batch"
          value={ft.batchSize}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTune: { ...ft, batchSize: Math.round(v) } })}
          help="images per fine-tuning step"
        />
        <Num
          label="AdamW base lr"
          value={ft.baseLr}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTune: { ...ft, baseLr: v } })}
          help="official CAEv2 ViT-S: 4e-4 for 1024 images a step"
        />
        <Num
          label="ref. batch"
          value={ft.baseBatch}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTune: { ...ft, baseBatch: Math.round(v) } })}
          help="lr = base × batch / reference batch"
        />
        <p style={note} data-testid="probe.ft-lr">
          FT {lrRule(ft.baseLr, ft.batchSize, ft.baseBatch, OFFICIAL_FINE_TUNE.baseLr)}. The official code uses its --lr as given for its batch of 1024; this
          page scales it linearly to its batch.
        </p>
        <Num
          label="layer decay"
          value={ft.layerDecay}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTune: { ...ft, layerDecay: v } })}
          help="block i's lr × decay^(depth−i) (official ViT-S 0.75)"
        />
        <Num
          label="weight decay"
          value={ft.weightDecay}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTune: { ...ft, weightDecay: v } })}
          help="AdamW (official 0.05)"
        />
        <Num
          label="label smoothing"
          value={ft.labelSmoothing}
          disabled={disabled}
          onChange={(v) => editEvaluation({ fineTune: { ...ft, labelSmoothing: v } })}
          help="official 0.1"
        />
        <label style={row} title="RandomResizedCrop(0.08–1) + flip, as pretraining; no mixup, cutmix or RandAugment here">
          augmentation
          <input type="checkbox" checked={e.fineTuneAugment} disabled={disabled} onChange={(ev) => editEvaluation({ fineTuneAugment: ev.target.checked })} />
        </label>
      </details>
    </div>
  );
}
