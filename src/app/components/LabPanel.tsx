// The image lab: upload an image (file, drop or paste), crop it, mask it (block-wise, random or
// painted), and see what a model reconstructs: the current run, a kept or imported checkpoint, or
// random init. Bad files are refused with a message and change nothing else.
import { EncoderOptions } from './EncoderOptions';
import { useEffect, useMemo, useRef } from 'react';
import { chooseCompareModel, chooseLabModel, hasCurrentRun, labInput, labModelConfig, openLabFile, requestLabView, syncLabMask } from '../labClient';
import { maskCount, type LabMaskKind } from '../labMask';
import { isActive } from '../../protocol/messages';
import { runTitle } from '../runNames';
import { useStore } from '../store';
import { CropEditor } from './CropEditor';
import { FeatureMaps } from './FeatureMaps';
import { LabCompare } from './LabCompare';
import { LabViews } from './LabViews';
import { LabTokenizerChoice } from './LabTokens';
import { MaskCanvas } from './MaskCanvas';

const note = { fontSize: 12, padding: '4px 8px', borderRadius: 4, margin: '4px 0' } as const;
/** How often a view of the current run follows its training, at most. */
const FOLLOW_MS = 3000;

/** The models the lab can show: random init of the form's preset, the current run, the encoders. */
function ModelOptions() {
  const run = useStore((s) => s.run);
  const form = useStore((s) => s.form);
  const chosen = useStore((s) => s.lab.model);
  const sweeps = useStore((s) => s.sweeps);
  const kept = useStore((s) => s.runs);
  // The page's run is listed once: as its live model (while it trains, and after, where the lab
  // follows it), not again among the kept runs, unless one of those entries is the one chosen.
  const current = hasCurrentRun() && run ? run : null;
  return (
    <>
      <option value="random">
        random init ({form.presetId}, seed {form.train.seed})
      </option>
      {current && (
        <option value="current">
          {`${runTitle({ spec: current.spec, name: kept.find((r) => r.spec.id === current.spec.id)?.name }, sweeps)} · ${
            isActive(current.status) && current.status !== 'paused' ? 'live' : `this page's run, step ${current.step}`
          } · ${current.spec.id}`}
        </option>
      )}
      <EncoderOptions except={current && chosen !== current.spec.id ? current.spec.id : undefined} />
    </>
  );
}

export function LabPanel() {
  const lab = useStore((s) => s.lab);
  const encoders = useStore((s) => s.encoders);
  const runs = useStore((s) => s.runs);
  const run = useStore((s) => s.run);
  const form = useStore((s) => s.form);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const edit = useStore.getState().editLab;
  const config = labModelConfig(lab.model);
  const S = config?.imgSize ?? 0;
  // labInput reads the lab's image and crop from the store: they are this memo's inputs.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const image01 = useMemo(() => (S ? labInput(S) : null), [lab.image, lab.crop, S]);

  // The mask follows the model's grid and the generator's settings; then the panels follow everything.
  useEffect(() => syncLabMask(), [lab.model, lab.maskKind, lab.ratio, lab.seed, form.model, encoders, runs]);
  useEffect(() => {
    if (ready) requestLabView();
  }, [ready, lab.image, lab.crop, lab.mask, lab.model, form.model, form.train.seed]);
  // On the current run, the panels follow its training (between steps, in the worker).
  const step = run?.step ?? 0;
  const followed = useRef(0);
  useEffect(() => {
    if (lab.model !== 'current' || !ready || Date.now() - followed.current < FOLLOW_MS) return;
    followed.current = Date.now();
    requestLabView();
  }, [step, lab.model, ready]);
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const f = [...(e.clipboardData?.files ?? [])][0];
      if (f) void openLabFile(f);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, []);

  return (
    <section
      data-testid="lab"
      data-busy={lab.busy}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const f = e.dataTransfer.files[0];
        if (f) void openLabFile(f);
      }}
    >
      <h2 style={{ fontSize: 17 }}>Image lab: what a model reconstructs from your image</h2>
      <label style={{ fontSize: 13 }}>
        Image (or drop one here, or paste):{' '}
        <input
          data-testid="lab.upload"
          type="file"
          accept="image/*,.svg"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void openLabFile(f);
            e.target.value = '';
          }}
        />
      </label>
      {lab.opening && <span style={{ fontSize: 12, color: 'var(--muted)' }}> opening {lab.opening}…</span>}
      {lab.refusal && (
        <div data-testid="lab.message" role="alert" style={{ ...note, background: 'var(--error-bg)', border: '1px solid var(--error-border)' }}>
          {lab.refusal}{' '}
          <button aria-label="dismiss" onClick={() => edit({ refusal: null })}>
            ×
          </button>
        </div>
      )}
      {lab.image && lab.image.notes.length > 0 && (
        <div data-testid="lab.notes" style={{ ...note, background: 'var(--info-bg)', border: '1px solid var(--info-border)' }}>
          {lab.image.notes.join(' ')}
        </div>
      )}
      <div style={{ display: 'flex', gap: 20, flexWrap: 'wrap', alignItems: 'flex-start', marginTop: 8 }}>
        <div style={{ fontSize: 13, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 6, width: 260, maxWidth: '100%' }}>
          <label>
            model{' '}
            <select data-testid="lab.model" value={lab.model} onChange={(e) => void chooseLabModel(e.target.value)}>
              <ModelOptions />
            </select>
          </label>
          {!lab.modelPicked && (
            <span data-testid="lab.model-follows" style={{ fontSize: 12, color: 'var(--muted)' }}>
              Follows your newest run (live while it trains) until you pick one.
            </span>
          )}
          <label>
            compare with{' '}
            <select data-testid="lab.compare-model" value={lab.compareModel} onChange={(e) => void chooseCompareModel(e.target.value)}>
              <option value="">nothing</option>
              <ModelOptions />
            </select>
          </label>
          <LabTokenizerChoice />
          <label>
            mask{' '}
            <select data-testid="lab.mask-kind" value={lab.maskKind} onChange={(e) => edit({ maskKind: e.target.value as LabMaskKind })}>
              <option value="block">block-wise random</option>
              <option value="random">uniform random</option>
              <option value="paint">painted</option>
            </select>
          </label>
          {lab.maskKind !== 'paint' && (
            <>
              <label>
                mask ratio {lab.ratio.toFixed(2)}{' '}
                <input
                  data-testid="lab.ratio"
                  type="range"
                  min={0.05}
                  max={0.95}
                  step={0.05}
                  value={lab.ratio}
                  onChange={(e) => edit({ ratio: Number(e.target.value) })}
                />
              </label>
              <span>
                mask seed{' '}
                <input
                  data-testid="lab.seed"
                  aria-label="mask seed"
                  type="number"
                  style={{ width: 70 }}
                  value={lab.seed}
                  onChange={(e) => edit({ seed: Math.trunc(Number(e.target.value)) || 0 })}
                />{' '}
                <button data-testid="lab.new-seed" onClick={() => edit({ seed: lab.seed + 1 })}>
                  new seed
                </button>
              </span>
            </>
          )}
          <span data-testid="lab.mask-count">
            {maskCount(lab.mask)} of {lab.grid * lab.grid} patches masked{' '}
            <button data-testid="lab.mask-clear" onClick={() => edit({ maskKind: 'paint', mask: new Uint8Array(lab.grid * lab.grid) })}>
              clear
            </button>{' '}
            <button data-testid="lab.refresh" disabled={!ready} onClick={requestLabView}>
              refresh
            </button>
          </span>
          <span style={{ fontSize: 12, color: 'var(--muted)' }}>Click patches on the grid to mask or unmask them; drag to paint.</span>
          {lab.image && lab.crop && <CropEditor image={lab.image} crop={lab.crop} />}
        </div>
        <MaskCanvas image={image01} size={S || 1} grid={lab.grid || 1} mask={lab.mask} />
        <div style={{ flex: 1, minWidth: 'min(420px, 100%)' }}>
          {!lab.image && <p style={{ color: 'var(--muted)', fontSize: 13 }}>Upload an image to see the model's reconstructions.</p>}
          {lab.failure && (
            <p data-testid="lab.failure" style={{ color: 'var(--error)', fontSize: 13 }}>
              {lab.failure}
            </p>
          )}
          {lab.image && lab.view && <LabViews view={lab.view} />}
          {lab.compareFailure && (
            <p data-testid="lab.compare.failure" style={{ color: 'var(--error)', fontSize: 13 }}>
              {lab.compareFailure}
            </p>
          )}
          {lab.image && lab.view && lab.compareView && <LabCompare left={lab.view} right={lab.compareView} />}
          {lab.busy && <p style={{ fontSize: 12, color: 'var(--muted)' }}>reconstructing…</p>}
        </div>
      </div>
      <FeatureMaps />
    </section>
  );
}
