// The pretraining form's tokenizer, for token targets (issue 24): the notebook's tokenizers, each
// marked with whether its grid fits the preset, and the reason in words when it does not.
import { useStore } from '../store';
import { tokenizerChoices, tokenizerMismatch } from '../tokenizers';

export function TokenizerChoice() {
  const form = useStore((s) => s.form);
  const kept = useStore((s) => s.tokenizers);
  const held = useStore((s) => s.heldTokenizers);
  const choices = tokenizerChoices(kept, held);
  const chosen = choices.find((t) => t.id === form.tokenizer);
  const why = chosen ? tokenizerMismatch(chosen.id, chosen.model, form.model) : null;
  return (
    <div data-testid="pretrain.tokenizer-choice">
      <div className="field">
        <label htmlFor="pretrain-tokenizer">tokenizer</label>
        <select
          id="pretrain-tokenizer"
          data-testid="pretrain.tokenizer"
          value={form.tokenizer ?? ''}
          onChange={(e) => useStore.getState().chooseTokenizer(e.target.value || undefined)}
          style={{ width: 'auto', gridColumn: 'span 2', maxWidth: 220 }}
        >
          <option value="">choose one…</option>
          {choices.map((t) => {
            const g = t.model.imgSize / t.model.downsample;
            const fits = tokenizerMismatch(t.id, t.model, form.model) === null;
            return (
              <option key={t.id} value={t.id}>
                {t.id} ({g}×{g}, K={t.model.vocabSize}, step {t.step}){fits ? '' : ': does not fit'}
              </option>
            );
          })}
        </select>
      </div>
      {choices.length === 0 && <p className="hint">No tokenizer yet: train one in the Tokenizer view.</p>}
      {why && (
        <p className="hint" role="alert" data-testid="pretrain.tokenizer-mismatch">
          This tokenizer does not fit: {why}.
        </p>
      )}
      {chosen && !why && (
        <p className="hint">
          The decoder predicts one of {chosen.model.vocabSize} codes per masked patch (cross-entropy), the codes of the same augmented crop.
        </p>
      )}
    </div>
  );
}
