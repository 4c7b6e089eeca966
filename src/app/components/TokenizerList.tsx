// The tokenizers kept in this browser (issue 24): each with its grid, K, step and perplexity, and
// Resume, Export (.safetensors), Delete; Import takes a tokenizer file.
import { isActive } from '../../protocol/messages';
import { useStore } from '../store';
import { continueTokenizer, exportTokenizer, importTokenizerFile, removeTokenizer } from '../tokenizerClient';
import { shortNumber } from '../tokenizerCharts';

export function TokenizerList() {
  const list = useStore((s) => s.tokenizers);
  const run = useStore((s) => s.tokenizerRun);
  const busy = run !== null && (run.status === 'starting' || run.status === 'running');
  return (
    <section aria-label="kept tokenizers" data-testid="tokenizer.list">
      <h3 style={{ fontSize: 15 }}>Kept tokenizers</h3>
      {list.length === 0 && <p className="hint">None yet.</p>}
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {list.map((t) => {
          const g = t.spec.model.imgSize / t.spec.model.downsample;
          // A record left active by a page that is gone was interrupted.
          const status = run?.spec.id === t.spec.id ? run.status : isActive(t.status) ? 'interrupted' : t.status;
          return (
            <li key={t.spec.id} data-testid="tokenizer.item" data-id={t.spec.id} style={{ marginBottom: 6 }}>
              <strong>{t.spec.id}</strong>{' '}
              <span className="hint">
                {t.spec.model.kind === 'dalle-encoder' ? "DALL-E's encoder (codes only, no decoder)" : t.spec.presetId} · {g}×{g} codes of{' '}
                {t.spec.model.imgSize} px · K={t.spec.model.vocabSize} · {stateWords(t.spec.presetId === 'imported', t.spec.model.kind, status, t.step)}
                {t.latest && ` · perplexity ${shortNumber(t.latest.perplexity)}, reconstruction ${shortNumber(t.latest.reconstruction)}`}
              </span>{' '}
              <button disabled={busy || !t.checkpoint || status === 'done'} onClick={() => continueTokenizer(t.spec.id)}>
                Resume
              </button>{' '}
              <button data-testid="tokenizer.export" disabled={!t.checkpoint} onClick={() => exportTokenizer(t.spec.id)}>
                Export
              </button>{' '}
              <button disabled={run?.spec.id === t.spec.id && busy} onClick={() => void removeTokenizer(t.spec.id)}>
                Delete
              </button>
            </li>
          );
        })}
      </ul>
      <label className="hint">
        Import a tokenizer (.safetensors){' '}
        <input
          type="file"
          accept=".safetensors"
          data-testid="tokenizer.import"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void importTokenizerFile(f);
            e.target.value = '';
          }}
        />
      </label>
    </section>
  );
}

/** How far a kept tokenizer got: a file's is "imported" (DALL-E's encoder has no training steps to name). */
function stateWords(imported: boolean, kind: string | undefined, status: string, step: number): string {
  if (kind === 'dalle-encoder') return 'imported';
  return imported ? `imported, trained to step ${step}` : `${status} at step ${step}`;
}
