// Readouts against pretraining images, from bench:probe's JSON lines: one panel per readout, the
// pretrained encoder and the random-init baseline (same seeds, same images) with ± SE bars, written
// as a standalone SVG for docs/. Each input file is one bench:probe run (one budget). Runs of
// different models (preset and `--model` overrides) are drawn as separate series, in their own
// colours and markers, so one figure shows the encoder-size axis too.
//   npm run plot:budget -- OUT.svg "TITLE" RUN1.jsonl RUN2.jsonl ...   (a run may be A.jsonl+B.jsonl: see read)
import { readFileSync, writeFileSync } from 'node:fs';

interface Line {
  encoder?: string;
  eval?: string;
  top1: number;
  se: number;
  seeds: number;
  pretrainSteps: number | null;
  preset: string;
  model?: string | null;
  dataset: string;
  split: string;
}

const READOUTS = [
  ['lin', 'LIN (logistic regression)'],
  ['att', 'ATT (to convergence)'],
  ['knn-cls', 'kNN on CLS'],
  ['knn-mean', 'kNN on mean patches'],
] as const;

/**
 * One run: its results, batch and steps (pretraining images = steps × batch) and the model's name.
 * A run is a file, or `A.jsonl+B.jsonl` for one whose readouts were re-read later from its saved
 * checkpoints (B's results replace A's for the same encoder and readout, e.g. ATT at another rate).
 */
function read(file: string): { points: Line[]; batch: number; steps: number; model: string } {
  const lines = file
    .split('+')
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const pre = lines.find((l) => l.phase === 'pretrain');
  const results = lines.filter((l) => typeof l.encoder === 'string' && typeof l.eval === 'string' && typeof l.top1 === 'number') as unknown as Line[];
  const points = results.filter((p, i) => !results.slice(i + 1).some((q) => q.encoder === p.encoder && q.eval === p.eval));
  const steps = Number(points.find((p) => p.encoder === 'pretrained')?.pretrainSteps ?? 0);
  const batch = Number(pre?.batch ?? (points[0] as unknown as { pretrainBatch?: number }).pretrainBatch ?? NaN);
  if (!(batch > 0)) throw new Error(`${file}: no pretraining batch (a pretrain line or pretrainBatch)`);
  const p0 = points[0];
  if (!p0) throw new Error(`${file}: no result lines`);
  return { points, batch, steps, model: p0.model ? `${p0.preset} (${p0.model})` : p0.preset };
}

/** Colours of one model's pretrained and random-init series, and its marker; the first model keeps red and blue. */
const STYLES = [
  { colors: ['#d62728', '#1f77b4'], square: false },
  { colors: ['#ff7f0e', '#2ca02c'], square: true },
  { colors: ['#9467bd', '#17becf'], square: false },
] as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function main(): void {
  const [out, title, ...files] = process.argv.slice(2);
  if (!out || !title || files.length === 0) throw new Error('usage: plot:budget OUT.svg "TITLE" RUN.jsonl ...');
  const runs = files.map(read);
  const models = [...new Set(runs.map((r) => r.model))];
  const xs = runs.map((r) => r.steps * r.batch);
  const xMax = Math.max(...xs) * 1.08 || 1;
  const W = 250;
  const H = 200;
  const m = { l: 42, r: 10, t: 28, b: 34 };
  const panel = (k: number, id: string, label: string) => {
    const series = models.flatMap((model, mi) =>
      ['pretrained', 'random init'].map((enc, s) => ({
        style: STYLES[mi % STYLES.length]!,
        s,
        // Models side by side at a shared budget, a few pixels apart, so their bars do not hide each other.
        dx: (mi - (models.length - 1) / 2) * 5,
        pts: runs
          .map((r, i) => ({ x: xs[i]!, model: r.model, p: r.points.find((p) => p.eval === id && p.encoder === enc) }))
          .filter((v): v is { x: number; model: string; p: Line } => v.p !== undefined && v.model === model)
          .sort((a, b) => a.x - b.x),
      })),
    );
    const all = series.flatMap((v) => v.pts).flatMap((v) => [v.p.top1 - v.p.se, v.p.top1 + v.p.se]);
    const y0 = Math.max(0, Math.floor(Math.min(...all, 0.1) * 10) / 10);
    const y1 = Math.min(1, Math.ceil(Math.max(...all, 0.2) * 10) / 10);
    const X = (x: number) => m.l + (x / xMax) * (W - m.l - m.r);
    const Y = (y: number) => m.t + (1 - (y - y0) / (y1 - y0)) * (H - m.t - m.b);
    const ox = k * W;
    const parts: string[] = [`<g transform="translate(${ox},0)">`, `<text x="${W / 2}" y="16" text-anchor="middle" font-size="12">${esc(label)}</text>`];
    parts.push(
      `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#888"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#888"/>`,
    );
    // Ticks at whole multiples of 5 or 10 points: at least three on any range.
    const step = y1 - y0 <= 0.3 ? 0.05 : 0.1;
    for (let y = y0; y <= y1 + 1e-9; y += step)
      parts.push(`<text x="${m.l - 4}" y="${Y(y) + 3}" text-anchor="end" font-size="9">${Math.round(y * 100)}</text>`);
    for (const x of [...new Set(xs)])
      parts.push(`<text x="${X(x)}" y="${H - m.b + 12}" text-anchor="middle" font-size="9">${x >= 1000 ? `${Math.round(x / 1000)}k` : x}</text>`);
    parts.push(`<text x="${W / 2}" y="${H - 4}" text-anchor="middle" font-size="9">pretraining images</text>`);
    for (const { style, s, dx, pts } of series) {
      const color = style.colors[s]!;
      const dash = s === 1 ? ' stroke-dasharray="4 3"' : '';
      if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}"${dash} points="${pts.map((v) => `${X(v.x) + dx},${Y(v.p.top1)}`).join(' ')}"/>`);
      for (const v of pts) {
        const tip = `<title>${esc(v.model)}, ${v.p.encoder}: ${(v.p.top1 * 100).toFixed(1)} ± ${(v.p.se * 100).toFixed(1)} (${v.p.seeds} seeds)</title>`;
        const cx = X(v.x) + dx;
        const cy = Y(v.p.top1);
        parts.push(
          `<line x1="${cx}" x2="${cx}" y1="${Y(v.p.top1 - v.p.se)}" y2="${Y(v.p.top1 + v.p.se)}" stroke="${color}"/>`,
          style.square
            ? `<rect x="${cx - 2.5}" y="${cy - 2.5}" width="5" height="5" fill="${color}">${tip}</rect>`
            : `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}">${tip}</circle>`,
        );
      }
    }
    parts.push('</g>');
    return parts.join('');
  };
  const first = runs[0]!.points[0]!;
  const seeds = Math.min(...runs.flatMap((r) => r.points.map((p) => p.seeds)));
  // One legend row per model (named only when there are several), then the figure's caption.
  const rows = models.map((model, mi) => {
    const y = H + 14 + mi * 16;
    const [c0, c1] = STYLES[mi % STYLES.length]!.colors;
    const name = models.length > 1 ? `${model}: ` : '';
    return `<line x1="10" x2="30" y1="${y}" y2="${y}" stroke="${c0}"/><text x="34" y="${y + 4}">${esc(name)}pretrained</text><line x1="${110 + name.length * 6}" x2="${130 + name.length * 6}" y1="${y}" y2="${y}" stroke="${c1}" stroke-dasharray="4 3"/><text x="${134 + name.length * 6}" y="${y + 4}">random init (same seeds and images)</text>`;
  });
  const what = models.length > 1 ? '' : `${first.preset} on `;
  const caption = `<text x="${models.length > 1 ? 10 : 380}" y="${models.length > 1 ? H + 14 + models.length * 16 + 4 : H + 18}">${esc(title)} · ${esc(what)}${first.dataset} · ${first.split} split · ± SE over ${seeds}+ seeds · top-1 %</text>`;
  const legend = `<g font-size="11">${rows.join('')}${caption}</g>`;
  const height = H + 26 + (models.length > 1 ? models.length * 16 : 0);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W * READOUTS.length}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/>${READOUTS.map(([id, label], k) => panel(k, id, label)).join('')}${legend}</svg>\n`;
  writeFileSync(out, svg);
  console.log(`wrote ${out}: ${runs.length} runs, ${models.length} model${models.length > 1 ? 's' : ''}`);
}

main();
