// The sweep editor: one or two recipe fields (by their labels) and their values, each value checked
// by the form's rules as it is typed; a paper preset fills the editor instead of starting; the sweep
// starts only after a confirmation that lists its runs and what they will cost on this device.
import { useState } from 'react';
import { duration } from '../defaultExperiment';
import { bytesText, evalEstimate, type Estimate, pretrainEstimate, sweepEstimate } from '../estimates';
import { evalImages, evalSpeedFor, readSpeeds, runSpeedFor } from '../speeds';
import { useStore } from '../store';
import { PAPER_SWEEPS } from '../sweep/presets';
import { combinations, type Knob, type KnobPath, knobValueText, pointLabel, pointRecipe, SWEEP_EVALS, type SweepSpec } from '../sweep/sweep';
import { startSweepFromForms } from '../sweep/sweepClient';
import { buildSweepSpec, knobProblem, parseValues, sweepableFields } from '../sweep/sweepForm';
import { fieldLabel } from '../validation';

interface KnobText {
  readonly path: KnobPath;
  readonly text: string;
}

/** The sweep's points with each one's estimate, and the whole sweep's. */
function estimateOf(spec: SweepSpec, backend: string | null): { points: { label: string; run: Estimate; probe: Estimate }[]; total: Estimate } {
  const speeds = readSpeeds();
  const run = runSpeedFor(speeds.runs, spec.base.presetId, backend);
  const probeSpeed = evalSpeedFor(speeds.evals, spec.base.presetId, backend, SWEEP_EVALS);
  const p = spec.probe;
  const images = evalImages({ trainImages: p.trainImages, valImages: p.valImages, seeds: p.evaluation.seeds, baseline: false, random: false });
  const points = combinations(spec.knobs).map((values) => {
    const r = pointRecipe(spec, values);
    return {
      label: pointLabel(spec, { values }),
      run: pretrainEstimate({ presetId: spec.base.presetId, model: r.model, steps: r.train.totalSteps, batchSize: r.train.batchSize, speed: run }),
      probe: evalEstimate({ presetId: spec.base.presetId, images, encoders: 1, speed: probeSpeed }),
    };
  });
  return { points, total: sweepEstimate(points) };
}

export function SweepEditor(props: { running: boolean }) {
  const form = useStore((s) => s.form);
  const backend = useStore((s) => s.backend?.kind ?? null);
  const probeForm = useStore((s) => s.probeForm);
  const datasets = useStore((s) => s.datasets);
  const [knobs, setKnobs] = useState<KnobText[]>([{ path: 'model.alignment', text: 'on, off' }]);
  const [name, setName] = useState('');
  const [confirm, setConfirm] = useState<SweepSpec | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fields = sweepableFields(form);
  const problems = knobs.map((k) => knobProblem(k.path, k.text, form));
  const edit = (i: number, patch: Partial<KnobText>) => {
    setKnobs(knobs.map((x, j) => (j === i ? { ...x, ...patch } : x)));
    setName(''); // a hand-edited sweep is named by its fields
    setError(null);
    setConfirm(null);
  };
  const fill = (ks: readonly Knob[], label: string) => {
    setKnobs(ks.map((k) => ({ path: k.path, text: k.values.map(knobValueText).join(', ') })));
    setName(label);
    setError(null);
    setConfirm(null);
  };
  // The spec the editor describes now (the estimate is of this, and the dialog starts this).
  // Its id and time are given when it starts (startSweepFromForms).
  const parsed = () => knobs.map((k) => ({ path: k.path, values: parseValues(k.path, k.text, form) }));
  const spec = problems.some(Boolean) ? null : buildSweepSpec({ name, knobs: parsed(), form, probeForm, datasets, now: 0, id: 'preview' });
  const estimate = spec !== null && typeof spec !== 'string' ? estimateOf(spec, backend) : null;
  const reason = problems.find(Boolean) ?? (typeof spec === 'string' ? spec : null);
  return (
    <>
      <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap', fontSize: 13 }}>
        {PAPER_SWEEPS.map((p) => (
          <button
            key={p.id}
            data-testid={`sweep.preset.${p.id}`}
            title={`${p.paper} Fills the editor below; nothing starts yet.`}
            onClick={() => fill(p.knobs, p.label)}
          >
            {p.label}
          </button>
        ))}
      </div>
      <div style={{ display: 'grid', gap: 4, fontSize: 13, marginTop: 8 }}>
        {knobs.map((k, i) => (
          <span key={i}>
            <label>
              field {i + 1}{' '}
              <select data-testid={`sweep.field.${i}`} value={k.path} onChange={(e) => edit(i, { path: e.target.value as KnobPath })}>
                {fields.map((f) => (
                  <option key={f} value={f}>
                    {fieldLabel(f)}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              values{' '}
              <input
                data-testid={`sweep.values.${i}`}
                style={{ width: 160 }}
                value={k.text}
                aria-invalid={problems[i] ? true : undefined}
                aria-describedby={problems[i] ? `sweep-problem-${i}` : undefined}
                onChange={(e) => edit(i, { text: e.target.value })}
              />
            </label>
            {i === 1 && (
              <button aria-label="remove the second field" onClick={() => setKnobs(knobs.slice(0, 1))}>
                ×
              </button>
            )}
            {problems[i] && (
              <span id={`sweep-problem-${i}`} data-testid={`sweep.problem.${i}`} style={{ color: 'var(--error)', marginLeft: 6 }}>
                {problems[i]}
              </span>
            )}
          </span>
        ))}
        <span>
          {knobs.length === 1 && <button onClick={() => setKnobs([...knobs, { path: 'model.maskRatio', text: '0.25, 0.5' }])}>add a second field</button>}{' '}
          <button
            data-testid="sweep.start"
            disabled={props.running || reason !== null}
            onClick={() => (spec && typeof spec !== 'string' ? setConfirm(spec) : setError(reason))}
          >
            start sweep ({estimate?.points.length ?? '…'} runs)…
          </button>
        </span>
        {reason && !props.running && (
          <span data-testid="sweep.start-reason" style={{ color: 'var(--error)' }}>
            The sweep cannot start. {reason}
          </span>
        )}
        <span data-testid="sweep.estimate" className="hint">
          {estimate ? estimate.total.text : 'No estimate until every value is valid.'}
        </span>
        {error && (
          <span role="alert" data-testid="sweep.error" style={{ color: 'var(--error)' }}>
            {error}
          </span>
        )}
      </div>
      {confirm && estimate && (
        <SweepConfirm
          spec={confirm}
          estimate={estimate}
          onCancel={() => setConfirm(null)}
          onStart={() => {
            setConfirm(null);
            setError(startSweepFromForms(parsed(), name));
          }}
        />
      )}
    </>
  );
}

/** The confirmation before a sweep: its runs, each one's recipe change and cost, and the total. */
function SweepConfirm(props: { spec: SweepSpec; estimate: ReturnType<typeof estimateOf>; onCancel: () => void; onStart: () => void }) {
  const { spec, estimate } = props;
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="sweep-confirm-title"
      data-testid="sweep.confirm"
      onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      style={{ border: '1px solid var(--note-border)', background: 'var(--note-bg)', borderRadius: 4, padding: '8px 12px', marginTop: 8, fontSize: 13 }}
    >
      <h3 id="sweep-confirm-title" style={{ fontSize: 15, margin: '0 0 4px' }}>
        Start the sweep “{spec.name}”?
      </h3>
      <p style={{ margin: '2px 0' }}>
        {estimate.points.length} pretraining runs of {spec.base.presetId} on {spec.base.dataset} (the Pretrain view's recipe: {spec.base.train.totalSteps} steps
        × {spec.base.train.batchSize} images, unless swept), one after another, each then probed with LIN and ATT on {spec.probe.trainImages} /{' '}
        {spec.probe.valImages} images:
      </p>
      <ol data-testid="sweep.confirm.runs" style={{ margin: '4px 0', paddingLeft: 20 }}>
        {estimate.points.map((p) => (
          <li key={p.label}>
            {p.label}: pretraining {p.run.seconds !== null ? `about ${duration(p.run.seconds)}` : 'time unknown until the first steps'}, storage about{' '}
            {bytesText(p.run.bytes)}
          </li>
        ))}
      </ol>
      <p data-testid="sweep.confirm.estimate" style={{ margin: '2px 0' }}>
        {estimate.total.text}
      </p>
      <button data-testid="sweep.confirm.start" autoFocus onClick={props.onStart}>
        Start {estimate.points.length} runs
      </button>{' '}
      <button data-testid="sweep.confirm.cancel" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
