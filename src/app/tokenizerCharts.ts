// Pure builders of the tokenizer's live numbers (issue 24): the latest values in words, and each
// curve's series for the small line charts (losses, temperature, KL weight, perplexity, dead codes).
import type { TokenizerPoint } from '../protocol/messages';

export interface TokenizerSeries {
  readonly key: keyof TokenizerPoint;
  readonly label: string;
  readonly values: readonly number[];
  readonly last: number | null;
}

const SERIES: readonly { key: keyof TokenizerPoint; label: string }[] = [
  { key: 'total', label: 'loss (ELBO)' },
  { key: 'reconstruction', label: 'reconstruction (MSE)' },
  { key: 'kl', label: 'KL to uniform (nats)' },
  { key: 'temperature', label: 'temperature τ' },
  { key: 'klWeight', label: 'KL weight β' },
  { key: 'perplexity', label: 'codebook perplexity' },
  { key: 'deadCodes', label: 'dead codes' },
];

/** One series per curve, each with its latest value; non-finite values are kept out of the lines. */
export function tokenizerSeries(history: readonly TokenizerPoint[]): TokenizerSeries[] {
  return SERIES.map(({ key, label }) => {
    const values = history.map((p) => p[key]).filter((v) => Number.isFinite(v));
    return { key, label, values, last: values.at(-1) ?? null };
  });
}

/** A number as the live table shows it: 4 significant digits, integers as they are. */
export const shortNumber = (v: number | null): string => (v === null ? '–' : Number.isInteger(v) ? String(v) : v.toPrecision(4));
