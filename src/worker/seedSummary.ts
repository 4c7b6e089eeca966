// bench:probe's seeds combined (each seed runs in its own process and returns its per-readout
// results, one seed each): mean, sd and SE = max(binomial, sd/√seeds) per encoder and readout, the
// paired pretrained − random-init difference per readout (same seed, same images), and the paired
// ATT − LIN difference of the pretrained encoder (the paper's Table 1 direction).
import type { EvalRow, ResultId } from '../protocol/messages';
import { paired, summarize } from '../train/accuracy';
import type { TrainingFit } from '../train/convergence';

export interface PretrainLine {
  readonly phase: 'pretrain';
  readonly seed: number;
  readonly preset: string;
  readonly dataset: string;
  readonly backend: string;
  readonly target: string;
  readonly steps: number;
  readonly batch: number;
  readonly baseLr: number;
  readonly firstLoss: number;
  readonly lastLoss: number;
  readonly seconds: number;
  readonly imgPerSec: number;
}

export interface SeedResult {
  readonly phase: 'seed';
  readonly seed: number;
  readonly settings: Record<string, string | number | null>;
  readonly pretrain: PretrainLine | null;
  /** Token targets: the line of the tokenizer this seed trained (its steps, time and quality), or null. */
  readonly tokenizer?: object | null;
  readonly rows: readonly EvalRow[];
  readonly chance: number;
  readonly curves: readonly unknown[];
  readonly seconds: number;
  /** CPU seconds the seed's process used (user + system). */
  readonly cpuSeconds?: number;
}

const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

function fitLine(f: TrainingFit | undefined) {
  if (!f) return undefined;
  return {
    epochs: f.epochs,
    unit: f.unit ?? 'epochs',
    finalLoss: r4(f.finalLoss),
    slope: Number.isFinite(f.slope) ? r4(f.slope) : null,
    converged: f.converged,
    l2: f.l2,
  };
}

/** Per-seed values of one readout of one encoder, in seed order, with their fits. */
function column(results: readonly SeedResult[], role: EvalRow['role'], id: ResultId) {
  const acc: number[] = [];
  const fits: TrainingFit[] = [];
  for (const r of results) {
    const a = r.rows.find((row) => row.role === role)?.results[id];
    if (!a) return null;
    acc.push(a.top1);
    if (a.fit) fits.push(a.fit);
  }
  return { acc, fits, valImages: results[0]!.rows[0]!.results[id]?.valImages ?? 0 };
}

export function combineSeeds(results: readonly SeedResult[], o: { quick: boolean; experimentSeeds: number }): object[] {
  if (results.length === 0) return [];
  const s = results[0]!.settings;
  const seeds = results.length;
  const note = seeds === 1 ? 'one seed: the SE is the binomial one alone; no seed spread was measured' : undefined;
  const ids = Object.keys(results[0]!.rows[0]!.results) as ResultId[];
  const lines: object[] = [];
  const roles = results[0]!.rows.map((r) => r.role);
  for (const role of roles)
    for (const id of ids) {
      const c = column(results, role, id);
      if (!c) continue;
      const a = summarize(c.acc, c.valImages, c.fits);
      lines.push({
        encoder: role === 'probed' ? (s.pretrainSteps === 0 ? 'random init' : 'pretrained') : 'random init',
        eval: id,
        top1: r4(a.top1),
        se: r4(a.se),
        sd: r4(a.sd),
        perSeed: a.perSeed!.map(r4),
        seeds,
        valImages: a.valImages,
        chance: r4(results[0]!.chance),
        ...s,
        pretrainSteps: role === 'probed' ? s.pretrainSteps : 0,
        fit: fitLine(a.fit),
        ...(note ? { note } : {}),
        ...(o.quick && seeds < o.experimentSeeds ? { quickSeeds: `ran ${seeds} of the default experiment's ${o.experimentSeeds} seeds` } : {}),
      });
    }
  const pairLine = (compare: string, a: number[], b: number[], valImages: number, extra: object) => {
    const p = paired(a, b, valImages);
    return { compare, ...extra, delta: r4(p.delta), se: r4(p.se), sd: r4(p.sd), z: Math.round(p.z * 100) / 100, seeds: p.seeds, split: s.split };
  };
  if (roles.includes('baseline'))
    for (const id of ids) {
      const a = column(results, 'probed', id);
      const b = column(results, 'baseline', id);
      if (a && b) lines.push(pairLine('pretrained − random init', a.acc, b.acc, a.valImages, { eval: id }));
    }
  for (const role of roles) {
    const att = column(results, role, 'att');
    const lin = column(results, role, 'lin');
    const name = role === 'probed' && s.pretrainSteps !== 0 ? 'pretrained' : 'random init';
    if (att && lin) lines.push(pairLine('ATT − LIN', att.acc, lin.acc, att.valImages, { encoder: name }));
  }
  for (const r of results) for (const c of r.curves) lines.push({ curve: true, seed: r.seed, ...(c as object) });
  return lines;
}
