// Before the tokenizer's Start: its time on this device (from the img/s the last tokenizer of the
// same shape measured here) and the storage its record takes (../jobEstimates.ts).
import { tokenizerEstimate, tokenizerSpeedFor } from '../jobEstimates';
import { readJobSpeeds } from '../jobSpeeds';
import { useStore } from '../store';
import { buildTokenizerSpec } from '../tokenizers';

export function TokenizerEstimate() {
  const form = useStore((s) => s.tokenizerForm);
  const backend = useStore((s) => s.backend?.kind ?? null);
  // Re-read as a run measures its speed, so the estimate follows it.
  useStore((s) => s.tokenizerRun?.imgPerSec);
  const spec = buildTokenizerSpec(form, 'estimate', 0);
  const checked = typeof spec === 'string' ? null : spec;
  const speed = checked ? tokenizerSpeedFor(readJobSpeeds().tokenizers, checked.model, backend) : null;
  const e = tokenizerEstimate({ spec: checked, why: typeof spec === 'string' ? spec : undefined, speed });
  return (
    <p data-testid="tokenizer.estimate" className="hint" style={{ margin: '4px 0' }}>
      {e.text}
    </p>
  );
}
