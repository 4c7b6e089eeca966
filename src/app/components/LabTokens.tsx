// The lab's token panels (issue 24): the image's token map (each code a colour, hover shows the
// code), the tokenizer's reconstruction from those codes, and for a token-target model its predicted
// codes of the masked patches decoded through the tokenizer beside the true codes' decoding, with
// the share of masked patches whose code was predicted exactly.
import { useState } from 'react';
import type { TokenLabView } from '../../protocol/messages';
import { chooseLabTokenizer, labTokenizer } from '../labClient';
import { useStore } from '../store';
import { tokenizerChoices } from '../tokenizers';
import { ImageCanvas } from './ImageCanvas';

const SIDE = 160;

/** The token map with the code under the pointer named. */
function TokenMap(props: { t: TokenLabView; size: number }) {
  const { t, size } = props;
  const [hover, setHover] = useState<number | null>(null);
  const cell = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const i = Math.floor(((e.clientY - r.top) / r.height) * t.grid);
    const j = Math.floor(((e.clientX - r.left) / r.width) * t.grid);
    return i >= 0 && j >= 0 && i < t.grid && j < t.grid ? i * t.grid + j : null;
  };
  const k = hover;
  return (
    <figure style={{ margin: 0, width: SIDE, fontSize: 12 }}>
      <div data-testid="lab.token-map" onMouseMove={(e) => setHover(cell(e))} onMouseLeave={() => setHover(null)} style={{ width: SIDE, height: SIDE }}>
        <ImageCanvas rgba={t.tokenMap} size={size} scale={SIDE / size} testId="lab.token-map.canvas" />
      </div>
      <figcaption data-testid="lab.token-hover">
        {k === null
          ? `token map, ${t.grid}×${t.grid} codes (colour = code; point at a patch)`
          : `patch ${k} (row ${Math.floor(k / t.grid)}, column ${k % t.grid}): code ${t.codes[k]}` +
            (t.predictedCodes && t.predictedCodes[k]! >= 0 ? `, predicted ${t.predictedCodes[k]}` : '')}
      </figcaption>
    </figure>
  );
}

/** A decoded panel, or in its place the reason there is none. */
function Decoded(props: { rgba: Uint8ClampedArray | null; size: number; testId: string; label: string; missing: string }) {
  if (!props.rgba)
    return (
      <p className="hint" style={{ width: SIDE }} data-testid={props.testId} data-empty="true">
        {props.missing}
      </p>
    );
  return (
    <figure style={{ margin: 0, width: SIDE, fontSize: 12 }}>
      <ImageCanvas rgba={props.rgba} size={props.size} scale={SIDE / props.size} testId={props.testId} />
      <figcaption>{props.label}</figcaption>
    </figure>
  );
}

export function LabTokens(props: { t: TokenLabView; size: number }) {
  const { t, size } = props;
  return (
    <section data-testid="lab.tokens" aria-label="token panels">
      <h4 style={{ fontSize: 14, margin: '10px 0 4px' }}>Tokens under {t.tokenizer}</h4>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 10 }}>
        <TokenMap t={t} size={size} />
        <Decoded
          rgba={t.decoded}
          size={t.size}
          testId="lab.token-decoded"
          label="the tokenizer's reconstruction from the image's codes (= true codes decoded)"
          missing={`No decoding: ${t.noDecoder}`}
        />
        <Decoded
          rgba={t.predicted}
          size={t.size}
          testId="lab.token-predicted"
          label="the model's predicted codes of the masked patches (visible ones true), decoded by the tokenizer"
          missing={
            t.predictedCodes
              ? 'The predicted codes are in the token map (point at a masked patch); this tokenizer cannot decode them.'
              : 'Predicted codes appear for a token-target model with some patches masked.'
          }
        />
      </div>
      {t.exact !== null && (
        <p data-testid="lab.token-exact" style={{ fontSize: 13 }}>
          Exact codes: {(t.exact * 100).toFixed(1)} % of the masked patches (chance with K codes used equally: 1/K).
        </p>
      )}
    </section>
  );
}

/** The lab's tokenizer choice: a token-target model shows its own; other models any that fits. */
export function LabTokenizerChoice() {
  const lab = useStore((s) => s.lab);
  const kept = useStore((s) => s.tokenizers);
  const held = useStore((s) => s.heldTokenizers);
  const own = useStore(() => labTokenizer(lab.model));
  const ownIsRun = own !== '' && own !== lab.tokenizer;
  return (
    <>
      <label>
        tokenizer{' '}
        <select data-testid="lab.tokenizer" value={ownIsRun ? own : lab.tokenizer} disabled={ownIsRun} onChange={(e) => chooseLabTokenizer(e.target.value)}>
          <option value="">none</option>
          {tokenizerChoices(kept, held).map((t) => (
            <option key={t.id} value={t.id}>
              {t.id} (K={t.model.vocabSize})
            </option>
          ))}
        </select>
      </label>
      {ownIsRun && <span className="hint">the run's own tokenizer</span>}
      {lab.tokenizerFailure && (
        <span role="alert" data-testid="lab.tokenizer-failure" style={{ fontSize: 12 }}>
          {lab.tokenizerFailure}
        </span>
      )}
    </>
  );
}
