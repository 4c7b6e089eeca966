// Table 8 in miniature from bench:probe's JSON lines: for each evaluation, the pixel-target and the
// token-target encoders and the random-init baseline (mean ± SE over seeds), each target's paired
// difference from random init, and tokens − pixels paired seed by seed. The pairing is valid because
// a seed gives both targets the same init, the same pretraining images and the same test images
// (bench/probeSeed.ts); the lines must therefore hold the same seeds, 0…S−1, in order.
//   npm run bench:targets -- --pixels a.jsonl[,b.jsonl] --tokens c.jsonl[,d.jsonl] [--seeds N] [--json]
// Several files per target are read as one (e.g. LIN/ATT/kNN from one run, FT from another).
// Prints a Markdown table and, with --json, one JSON line per evaluation.
import { arg, run } from './cli';
import { type Accuracy, paired, summarize } from '../src/train/accuracy';
import { readResultLines, type ResultLine } from './resultLines';

const ORDER = ['lin', 'att', 'knn-cls', 'knn-mean', 'ft'];
const NAMES: Record<string, string> = { lin: 'LIN', att: 'ATT', 'knn-cls': 'kNN CLS', 'knn-mean': 'kNN mean', ft: 'FT' };

/** `--seeds N`: only seeds 0…N−1 (a run with more seeds compared with one with fewer). */
const first = Number(arg('seeds', '1000'));

/** The result lines of `files` by "encoder/eval"; a later file's line replaces an earlier one's. */
function results(files: string): Map<string, ResultLine> {
  const out = new Map<string, ResultLine>();
  for (const f of files.split(','))
    for (const r of readResultLines(f)) {
      if (!r.perSeed) throw new Error(`${f}: a result line without per-seed values (${r.encoder}, ${r.eval})`);
      out.set(`${r.encoder}/${r.eval}`, { ...r, perSeed: r.perSeed.slice(0, first) });
    }
  return out;
}

const pct = (a: Accuracy) => `${(a.top1 * 100).toFixed(1)} ± ${(a.se * 100).toFixed(1)}`;
const diff = (d: ReturnType<typeof paired>) =>
  `${d.delta >= 0 ? '+' : '−'}${Math.abs(d.delta * 100).toFixed(1)}, ${d.z >= 0 ? '+' : '−'}${Math.abs(d.z).toFixed(1)} SE`;

run(async () => {
  const pixels = results(arg('pixels', ''));
  const tokens = results(arg('tokens', ''));
  const rows: string[] = [
    '| readout | pixels | tokens | random init | pixels − random init | tokens − random init | tokens − pixels (paired) | seeds |',
    '| ------- | ------ | ------ | ----------- | -------------------- | -------------------- | ------------------------ | ----- |',
  ];
  for (const ev of ORDER) {
    const p = pixels.get(`pretrained/${ev}`);
    const t = tokens.get(`pretrained/${ev}`);
    // The baseline is the same encoder for both targets, seed by seed: take the pixel run's, and
    // check the token run's agrees where it has one.
    const r = pixels.get(`random init/${ev}`) ?? tokens.get(`random init/${ev}`);
    if (!p || !t || !r) continue;
    const other = tokens.get(`random init/${ev}`);
    if (other && other.perSeed.some((v, i) => Math.abs(v - r.perSeed[i]!) > 1e-9))
      throw new Error(`${ev}: the random-init baselines of the two runs differ (${r.perSeed} against ${other.perSeed}): not the same seeds or images`);
    const seeds = p.perSeed.length;
    if (t.perSeed.length !== seeds || r.perSeed.length !== seeds) throw new Error(`${ev}: ${seeds}, ${t.perSeed.length} and ${r.perSeed.length} seeds`);
    const n = p.valImages;
    const [ps, ts, rs] = [summarize(p.perSeed, n), summarize(t.perSeed, n), summarize(r.perSeed, n)];
    const [pr, tr, tp] = [paired(p.perSeed, r.perSeed, n), paired(t.perSeed, r.perSeed, n), paired(t.perSeed, p.perSeed, n)];
    rows.push(`| ${NAMES[ev]} | ${pct(ps)} | ${pct(ts)} | ${pct(rs)} | ${diff(pr)} | ${diff(tr)} | ${diff(tp)} | ${seeds} |`);
    if (process.argv.includes('--json'))
      console.log(
        JSON.stringify({ eval: ev, split: p.split, seeds, pixels: ps, tokens: ts, randomInit: rs, pixelsVsRandom: pr, tokensVsRandom: tr, tokensVsPixels: tp }),
      );
  }
  console.log(rows.join('\n'));
});
