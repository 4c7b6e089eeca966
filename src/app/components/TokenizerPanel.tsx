// The tokenizer's controls (issue 24): the preset it is built for (its grid: one code per patch),
// the codebook size K with the paper's 8192 beside it, width, steps, batch, rate, KL weight, seed,
// dataset, Start/Stop.
import { PRESETS, type PresetId } from '../../model/presets';
import { PresetOptions, TrainingDatasetOptions } from './RecipeOptions';
import { useStore } from '../store';
import { startTokenizer, stopTokenizer } from '../tokenizerClient';
import { PAPER_VOCAB, type TokenizerForm } from '../tokenizers';
import { TokenizerEstimate } from './TokenizerEstimate';

const NUMBERS: readonly { key: keyof TokenizerForm; label: string; hint: string }[] = [
  { key: 'vocabSize', label: 'codebook K', hint: `codes · paper ${PAPER_VOCAB}` },
  { key: 'hiddenDim', label: 'width', hint: 'first conv group · DALL-E 256' },
  { key: 'totalSteps', label: 'tokenizer steps', hint: 'temperature and KL weight anneal to here' },
  { key: 'batchSize', label: 'tokenizer batch', hint: 'images/step' },
  { key: 'baseLr', label: 'learning rate', hint: 'at 64 images, scaled by batch / 64' },
  { key: 'klWeight', label: 'KL weight β', hint: 'to the uniform prior; too much collapses the codes onto one' },
  { key: 'seed', label: 'tokenizer seed', hint: 'init, data order, Gumbel noise' },
  { key: 'checkpointEvery', label: 'save every', hint: 'steps; also at the end' },
];

/** The fields that take whole numbers; the rate and β take any number. */
const INTEGER = new Set<keyof TokenizerForm>(['vocabSize', 'hiddenDim', 'totalSteps', 'batchSize', 'seed', 'checkpointEvery']);

/** A field's number; an empty field is NaN, which the form's check refuses in words (never 0). */
const fieldValue = (key: keyof TokenizerForm, text: string) => {
  const v = text.trim() === '' ? NaN : Number(text);
  return INTEGER.has(key) ? Math.round(v) : v;
};

export function TokenizerPanel() {
  const form = useStore((s) => s.tokenizerForm);
  const status = useStore((s) => s.tokenizerRun?.status ?? null);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const { editTokenizerForm } = useStore.getState();
  const active = status === 'starting' || status === 'running';
  const m = PRESETS[form.presetId];
  const g = m.imgSize / m.patchSize;
  return (
    <section className="controls" aria-label="tokenizer recipe">
      <fieldset>
        <legend>Tokenizer (d-VAE)</legend>
        <div className="field">
          <label htmlFor="tokenizer-preset">for preset</label>
          <select
            id="tokenizer-preset"
            data-testid="tokenizer.preset"
            value={form.presetId}
            disabled={active}
            onChange={(e) => useStore.getState().chooseTokenizerPreset(e.target.value as PresetId)}
            style={{ width: 'auto', gridColumn: 'span 2' }}
          >
            <PresetOptions />
          </select>
        </div>
        <div className="field">
          <label htmlFor="tokenizer-dataset">dataset</label>
          <select
            id="tokenizer-dataset"
            data-testid="tokenizer.dataset"
            value={form.dataset}
            disabled={active}
            onChange={(e) => editTokenizerForm({ dataset: e.target.value })}
            style={{ width: 'auto', gridColumn: 'span 2', maxWidth: 200 }}
          >
            <TrainingDatasetOptions />
          </select>
        </div>
        <p className="hint" style={{ margin: '6px 0' }}>
          {m.imgSize} px images to a {g}×{g} grid of codes, one per {m.patchSize} px patch, so code i is the target of patch i.
        </p>
        {NUMBERS.map((f) => (
          <div className="field" key={f.key}>
            <label htmlFor={`tokenizer-${f.key}`}>{f.label}</label>
            <span>
              <input
                id={`tokenizer-${f.key}`}
                data-testid={`tokenizer.${f.key}`}
                type="number"
                step={INTEGER.has(f.key) ? 1 : 'any'}
                key={String(form[f.key])}
                defaultValue={String(form[f.key])}
                disabled={active}
                onBlur={(e) => editTokenizerForm({ [f.key]: fieldValue(f.key, e.target.value) })}
              />
            </span>
            <span className="hint">{f.hint}</span>
          </div>
        ))}
        <div className="button-row">
          <button data-testid="tokenizer.start" disabled={!ready || active} onClick={startTokenizer}>
            Start
          </button>
          <button data-testid="tokenizer.stop" disabled={!active} onClick={stopTokenizer}>
            Stop
          </button>
        </div>
        {!active && <TokenizerEstimate />}
      </fieldset>
    </section>
  );
}
