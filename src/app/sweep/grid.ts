// The sweep's results grid: one row per point with its final losses, both probes' top-1, images seen,
// time and run, as the page shows it and as CSV (accuracies in percent; cells quoted and formula-leading text defused as in the results table).
import { csvCell } from '../results';
import { pointLabel, type SweepState } from './sweep';

export interface GridRow {
  readonly index: number;
  readonly label: string;
  readonly values: readonly string[];
  readonly status: string;
  readonly total: number | null;
  readonly reconstruction: number | null;
  readonly alignment: number | null;
  /** Top-1 in percent ± its standard error. */
  readonly lin: { top1: number; se: number } | null;
  readonly att: { top1: number; se: number } | null;
  readonly imagesSeen: number;
  readonly seconds: number;
  readonly runId: string | null;
  readonly message: string | null;
}

const pct = (a: { top1: number; se: number } | null) => (a ? { top1: 100 * a.top1, se: 100 * a.se } : null);

export function gridRows(s: SweepState): GridRow[] {
  return s.points.map((p, index) => ({
    index,
    label: pointLabel(s.spec, p),
    values: p.values.map(String),
    status: p.status,
    total: p.losses?.total ?? null,
    reconstruction: p.losses?.reconstruction ?? null,
    alignment: p.losses?.alignment ?? null,
    lin: pct(p.lin),
    att: pct(p.att),
    imagesSeen: p.imagesSeen,
    seconds: Math.round(p.seconds),
    runId: p.runId,
    message: p.message,
  }));
}

export function gridCsv(s: SweepState): string {
  const knobs = s.spec.knobs.map((k) => k.path);
  const head = [
    ...knobs,
    'status',
    'total_loss',
    'reconstruction_loss',
    'alignment_loss',
    'lin_top1',
    'lin_se',
    'att_top1',
    'att_se',
    'images_seen',
    'seconds',
    'run',
    'message',
  ];
  const num = (v: number | null | undefined, digits = 4) => (v == null || !Number.isFinite(v) ? '' : Number(v.toFixed(digits)));
  const lines = gridRows(s).map((r) =>
    [
      ...s.points[r.index]!.values.map((v) => (typeof v === 'number' ? v : String(v))),
      r.status,
      num(r.total),
      num(r.reconstruction),
      num(r.alignment),
      num(r.lin?.top1, 2),
      num(r.lin?.se, 2),
      num(r.att?.top1, 2),
      num(r.att?.se, 2),
      r.imagesSeen,
      r.seconds,
      r.runId ?? '',
      r.message ?? '',
    ]
      .map(csvCell)
      .join(','),
  );
  return [head.map(csvCell).join(','), ...lines].join('\n') + '\n';
}
