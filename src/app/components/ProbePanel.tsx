// The evaluation panel: a frozen encoder read four ways (linear and attentive probes side by side,
// kNN, fine-tuning) beside a random-init baseline, their curves, the results table and the attention
// maps that explain LIN versus ATT.
import { useState } from 'react';
import { EMBEDDED_DATASETS } from '../../data/embedded';
import { EncoderOptions } from './EncoderOptions';
import { EvalRecipe, Num } from './EvalRecipe';
import { isActive } from '../../protocol/messages';
import { useStore } from '../store';
import { startProbe, stopProbe } from '../workerClient';
import { AttentionMaps } from './AttentionMaps';
import { DefaultExperimentNote } from './DefaultExperimentNote';
import { evalProblems, evalStartReason } from '../evalValidation';
import { EvalProgress } from './EvalProgress';
import { ProbeStartInfo } from './ProbeStartInfo';
import { ProbeChart } from './ProbeChart';
import { ResultsTable } from './ResultsTable';

const row = { display: 'grid', gridTemplateColumns: '150px 110px', gap: 6, fontSize: 13, alignItems: 'center' } as const;

export function ProbePanel() {
  const f = useStore((s) => s.probeForm);
  const presetId = useStore((s) => s.form.presetId);
  const datasets = useStore((s) => s.datasets);
  const chosen = datasets.find((d) => d.id === f.dataset);
  const probe = useStore((s) => s.probe);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const edit = useStore.getState().editProbe;
  const active = probe !== null && isActive(probe.status);
  // Why the last Start was refused, one reason per line; shown beside Start, gone once the form changes.
  const [refusal, setRefusal] = useState<{ form: typeof f; text: string } | null>(null);
  const refused = refusal?.form === f ? refusal.text : null;
  const start = async () => {
    const text = await startProbe();
    setRefusal(text ? { form: useStore.getState().probeForm, text } : null);
  };
  const problems = evalProblems(f);
  return (
    <section>
      <h2 style={{ fontSize: 17 }}>Evaluate a frozen encoder: linear, attentive, kNN, fine-tuning</h2>
      <div className="probe-layout">
        <div className="probe-form">
          <label style={row}>
            encoder
            <select data-testid="probe.encoder" value={f.encoder} disabled={active} onChange={(e) => edit({ encoder: e.target.value })}>
              <option value="random">random init ({presetId})</option>
              <EncoderOptions />
            </select>
          </label>
          {!f.encoderPicked && (
            <p style={{ fontSize: 12, color: 'var(--muted)', margin: '2px 0 6px' }} data-testid="probe.encoder-follows">
              Follows your newest run with a checkpoint until you pick one.
            </p>
          )}
          <label style={row}>
            dataset
            <select data-testid="probe.dataset" value={f.dataset} disabled={active} onChange={(e) => edit({ dataset: e.target.value })}>
              {EMBEDDED_DATASETS.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.classes.length ? `${d.classes.length} classes` : 'no labels'})
                </option>
              ))}
            </select>
          </label>
          {chosen && chosen.classes.length === 0 && (
            <p data-testid="probe.needs-labels" style={{ fontSize: 12, color: 'var(--error)', maxWidth: 280 }}>
              Evaluation needs labels: {chosen.name} has none (a flat folder). Import a folder with one subfolder per class, or choose another dataset.
            </p>
          )}
          <Num
            label="training images"
            value={f.trainImages}
            disabled={active}
            problem={problems.trainImages}
            onChange={(v) => edit({ trainImages: v })}
            help="labelled images the probes, kNN and fine-tuning train on"
          />
          <Num
            label="test images"
            value={f.valImages}
            disabled={active}
            problem={problems.valImages}
            onChange={(v) => edit({ valImages: v })}
            help="the images top-1 is read on; their number sets the binomial standard error"
          />
          <label
            style={{ display: 'grid', gridTemplateColumns: '150px 110px', gap: 6, fontSize: 13, alignItems: 'center' }}
            title="test: the dataset's held-out split, which no default was chosen on. Validation: carved from the training images, for choosing settings without touching the test split."
          >
            read results on
            <select data-testid="probe.split" value={f.split} disabled={active} onChange={(ev) => edit({ split: ev.target.value as 'test' | 'val' })}>
              <option value="test">test (held out)</option>
              <option value="val">validation</option>
            </select>
          </label>
          <EvalRecipe disabled={active} />
          <DefaultExperimentNote />
          {/* Start, its refusal and the progress stay in view at the bottom of the form while it scrolls. */}
          <div className="probe-actions">
            <div className="button-row">
              <button
                data-testid="probe.start"
                disabled={!ready || active || (chosen !== undefined && chosen.classes.length === 0) || evalStartReason(problems) !== null}
                onClick={() => void start()}
              >
                Start evaluation
              </button>
              <button data-testid="probe.stop" disabled={!active} onClick={stopProbe}>
                Stop
              </button>
            </div>
            <ProbeStartInfo problems={problems} active={active} />
            {refused && (
              <div data-testid="probe.error" role="alert" className="probe-error">
                <ul>
                  {refused.split('\n').map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </div>
            )}
            {probe && (
              <p data-testid="probe.status" role="status" style={{ fontSize: 13, margin: '6px 0 0' }}>
                {probe.status}
                {active && probe.progress && ` · ${probe.progress}`} · features {probe.features === 'cached' ? 'cached once' : 'computed per batch'}
                {probe.message && <span style={{ color: 'var(--error)' }}> · {probe.message}</span>}
              </p>
            )}
            <EvalProgress />
          </div>
        </div>
        <div className="probe-live">
          <ProbeChart />
          <ResultsTable />
        </div>
      </div>
      <AttentionMaps />
    </section>
  );
}
