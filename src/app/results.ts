// The results table's rows and cells: an evaluation run becomes a pretrained row and its random-init
// baseline; every cell is top-1 ± its standard error (± sd over seeds), and the table exports as CSV.
import type { EvalRow, ProbeSpec, ResultId } from '../protocol/messages';
import type { Accuracy } from '../train/accuracy';
import { separation } from '../train/accuracy';
import type { ResultRow } from './runsDb';

export const RESULT_COLUMNS: readonly { id: ResultId; label: string; help: string }[] = [
  {
    id: 'lin',
    label: 'LIN',
    help: 'linear readout of the frozen CLS (or mean-pooled patches): a logistic regression fitted to convergence, L2 by cross-validation on the training images; or the official recipe (BatchNorm + linear, LARS)',
  },
  {
    id: 'att',
    label: 'ATT',
    help: 'attentive probe: one cross-attention block + BatchNorm + linear on the frozen tokens, Nesterov SGD, trained until its training loss plateaus',
  },
  { id: 'knn-cls', label: 'kNN CLS', help: 'weighted 20-nearest-neighbour vote (cosine, T 0.07) on the frozen CLS' },
  { id: 'knn-mean', label: 'kNN mean', help: 'the same on the mean of the patch tokens' },
  { id: 'ft', label: 'FT', help: 'fine-tuning the whole encoder with labels (layer-wise lr decay); from random init: supervised training' },
];

/**
 * The rows an evaluation run adds: the probed encoder's, and its baseline's when it ran one; none
 * for an encoder with no finished seed (a run stopped in its first seed).
 */
export function resultRows(spec: ProbeSpec, result: { rows: readonly EvalRow[]; chance: number }, pretrainSteps: number, dataset: string): ResultRow[] {
  const probed = spec.encoder.kind === 'run' ? spec.encoder.runId : 'random init';
  return result.rows
    .filter((r) => Object.keys(r.results).length > 0)
    .map((r) => ({
      id: r.role === 'probed' ? spec.id : `${spec.id}:baseline`,
      encoder: r.role === 'probed' ? probed : 'random init',
      presetId: spec.presetId,
      pretrainSteps: r.role === 'probed' ? pretrainSteps : 0,
      epochs: spec.epochs,
      createdAt: spec.createdAt,
      dataset,
      role: r.role,
      results: r.results,
      chance: result.chance,
      runOf: spec.id,
      split: spec.split ?? 'test',
      linearReadout: spec.evaluation.linear ?? 'official',
    }));
}

/** A row's results; rows kept before the suite carry LIN and ATT alone, without errors. */
export function rowResults(r: ResultRow): Partial<Record<ResultId, Accuracy>> {
  if (r.results) return r.results;
  const old = (top1: number | undefined): Accuracy | undefined => (top1 === undefined ? undefined : { top1, se: NaN, sd: 0, seeds: 1, valImages: 0 });
  return { lin: old(r.linear), att: old(r.attentive) };
}

const pct = (v: number) => (v * 100).toFixed(1);

/** "62.4 ± 2.2" (± the standard error), with "(sd 1.3, 3 seeds)" when there were several. */
export function cellText(a: Accuracy): string {
  const se = Number.isFinite(a.se) ? ` ± ${pct(a.se)}` : '';
  return `${pct(a.top1)}${se}${a.seeds > 1 ? ` (sd ${pct(a.sd)}, ${a.seeds} seeds)` : ''}`;
}

const sig = (v: number) => Number(v.toPrecision(2));

/**
 * How a trained readout's training ended, in a few words: "converged · 34 ep · loss 0.82, −0.1 %/ep"
 * for ATT, "converged · λ 0.01 · 45 it" for the logistic LIN, "fixed budget · …" when nothing
 * checked convergence, "cap reached · …" when the cap stopped it. Null without a fit.
 */
export function fitText(a: Accuracy): string | null {
  const f = a.fit;
  if (!f) return null;
  if (f.unit === 'iterations') return `${f.converged ? 'converged' : 'not converged'} · λ ${sig(f.l2 ?? NaN)} · ${f.epochs} it`;
  const state = f.converged ? 'converged' : 'stopped';
  const slope = Number.isFinite(f.slope) ? `, ${f.slope > 0 ? '+' : ''}${sig(f.slope * 100)} %/ep` : '';
  return `${state} · ${f.epochs} ep · loss ${sig(f.finalLoss)}${slope}`;
}

/** How far a pretrained cell stands above its baseline's, in standard errors (null without one). */
export function aboveBaseline(r: ResultRow, rows: readonly ResultRow[], id: ResultId): number | null {
  if (r.role !== 'probed' || !r.runOf) return null;
  const base = rows.find((b) => b.runOf === r.runOf && b.role === 'baseline');
  const a = r.results?.[id];
  const b = base?.results?.[id];
  return a && b ? separation(a, b) : null;
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break (\n or \r); text that a
 * spreadsheet would run as a formula (=, +, -, @, tab or CR first; names come from folder names)
 * gets a leading apostrophe. Numbers are written as they are.
 */
export function csvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The results table as CSV, one row per encoder, accuracies and errors in percent. */
export function resultsCsv(rows: readonly ResultRow[]): string {
  const cols = RESULT_COLUMNS.flatMap((c) => [`${c.id}_top1`, `${c.id}_se`, `${c.id}_sd`]);
  const head = ['encoder', 'role', 'preset', 'pretrain_steps', 'probe_epochs', ...cols, 'seeds', 'chance', 'date', 'dataset', 'split', 'lin_readout'];
  const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : Number((v * 100).toFixed(2)));
  const body = rows.map((r) => {
    const res = rowResults(r);
    const seeds = Math.max(0, ...Object.values(res).map((a) => a?.seeds ?? 0));
    const cells = RESULT_COLUMNS.flatMap((c) => [num(res[c.id]?.top1), num(res[c.id]?.se), num(res[c.id]?.sd)]);
    return [
      r.encoder,
      r.role ?? 'probed',
      r.presetId,
      r.pretrainSteps,
      r.epochs,
      ...cells,
      seeds,
      num(r.chance),
      new Date(r.createdAt).toISOString(),
      r.dataset ?? 'shapes',
      r.split ?? 'test',
      r.linearReadout ?? 'official',
    ]
      .map(csvCell)
      .join(',');
  });
  return [head.join(','), ...body].join('\n') + '\n';
}
