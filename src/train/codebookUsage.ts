// How the tokenizer uses its codebook: the perplexity exp(H) of the hard codes' histogram (K when
// every code is used equally, 1 when one code takes all) and the dead codes, over a sliding window
// of batches, as VQ/d-VAE papers report them.

/** Counts of each code 0…K−1 in `codes`; a code outside the codebook is an error. */
export function codeCounts(codes: ArrayLike<number>, vocabSize: number): Uint32Array {
  const counts = new Uint32Array(vocabSize);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (!(c >= 0 && c < vocabSize)) throw new Error(`code ${c} is outside the codebook of ${vocabSize}`);
    counts[c]! += 1;
  }
  return counts;
}

/** exp of the entropy (nats) of a histogram; 0 for an empty one. */
export function perplexity(counts: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  if (n === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i]! / n;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

export interface UsageStats {
  /** Perplexity of the codes over the window (1 … K). */
  readonly perplexity: number;
  /** Codes not used once in the window. */
  readonly deadCodes: number;
  /** Codes seen in the window (cells, not images). */
  readonly samples: number;
  /** Batches in the window. */
  readonly batches: number;
}

/** Code usage over the last `window` batches. */
export class CodebookUsage {
  private readonly recent: Uint32Array[] = [];
  private readonly total: Uint32Array;

  constructor(
    readonly vocabSize: number,
    readonly window: number,
  ) {
    if (!Number.isInteger(window) || window < 1) throw new Error(`the usage window must be at least one batch, got ${window}`);
    this.total = new Uint32Array(vocabSize);
  }

  /** Adds one batch's hard codes; the oldest batch leaves once the window is full. */
  add(codes: ArrayLike<number>): void {
    const c = codeCounts(codes, this.vocabSize);
    this.recent.push(c);
    for (let k = 0; k < c.length; k++) this.total[k]! += c[k]!;
    if (this.recent.length > this.window) {
      const old = this.recent.shift()!;
      for (let k = 0; k < old.length; k++) this.total[k]! -= old[k]!;
    }
  }

  stats(): UsageStats {
    let dead = 0;
    let samples = 0;
    for (const n of this.total) {
      if (n === 0) dead++;
      samples += n;
    }
    return { perplexity: perplexity(this.total), deadCodes: dead, samples, batches: this.recent.length };
  }

  /** The window's histogram (a copy), for views. */
  counts(): Uint32Array {
    return this.total.slice();
  }
}
