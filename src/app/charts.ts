// Pure chart builders: history in, traces out (drawn by ./lineChart.ts for the live loss chart, by
// plotly elsewhere). Long histories are thinned to a fixed number of points per trace so a redraw
// stays far below a frame's budget.
import type { StepPoint } from '../protocol/messages';
import { ema } from './smoothing';

/** Plotly's dash names; the SVG chart draws them with `dashArray`. */
export type Dash = 'solid' | 'dash' | 'dot' | 'dashdot' | 'longdash' | 'longdashdot';

export interface Trace {
  x: number[];
  y: (number | null)[];
  name: string;
  type: 'scatter';
  mode: 'lines' | 'lines+markers';
  yaxis?: 'y2';
  line?: { width?: number; dash?: Dash; color?: string };
  marker?: { size?: number; color?: string };
}

/** SVG stroke-dasharray of a dash (pixels), undefined for a solid line. */
export function dashArray(dash: Dash | undefined): string | undefined {
  return { solid: undefined, dash: '7 4', dot: '2 3', dashdot: '8 3 2 3', longdash: '14 5', longdashdot: '14 4 2 4' }[dash ?? 'solid'];
}

/**
 * Markers on traces a line cannot draw: a series with one point (a 1-epoch probe) is otherwise an
 * empty chart, since a line needs two.
 */
export function markLonePoints<T extends Trace>(traces: readonly T[]): T[] {
  return traces.map((t) =>
    t.y.filter((v) => v !== null && Number.isFinite(v)).length <= 1 ? { ...t, mode: 'lines+markers', marker: { size: 8, color: t.line?.color } } : t,
  );
}

/**
 * How the loss chart tells its series apart, by dash as well as colour: with the alignment loss off,
 * total and reconstruction are the same curve, and the dashed one over the solid one shows both.
 */
export const LOSS_STYLE = {
  total: { width: 2, color: '#1f77b4', dash: 'solid' },
  reconstruction: { width: 1.5, color: '#ff7f0e', dash: 'dash' },
  alignment: { width: 1.5, color: '#2ca02c', dash: 'dashdot' },
  'learning rate': { width: 1, color: '#7f7f7f', dash: 'dot' },
} as const satisfies Record<string, Trace['line']>;

export const MAX_POINTS = 600;

/** Every k-th point (always keeping the last) so at most `max` remain. */
export function thin<T>(xs: readonly T[], max = MAX_POINTS): T[] {
  if (xs.length <= max) return [...xs];
  const k = Math.ceil(xs.length / max);
  const out = xs.filter((_, i) => i % k === 0);
  if (out.at(-1) !== xs.at(-1)) out.push(xs.at(-1)!);
  return out;
}

/**
 * Total, reconstruction and alignment loss against step, smoothed by TensorBoard's EMA at `smoothing`
 * (over every point, before thinning); the learning rate, never smoothed, on a second axis.
 */
export function lossTraces(history: readonly StepPoint[], smoothing = 0): Trace[] {
  const keep = thin(history.map((_, i) => i));
  const x = keep.map((i) => history[i]!.step);
  const series = (name: keyof typeof LOSS_STYLE, values: (number | null)[], yaxis?: 'y2'): Trace => {
    const y = yaxis ? values : ema(values, smoothing);
    return { x, y: keep.map((i) => y[i]!), name, type: 'scatter', mode: 'lines', ...(yaxis ? { yaxis } : {}), line: { ...LOSS_STYLE[name] } };
  };
  const traces: Trace[] = [
    series(
      'total',
      history.map((p) => p.total),
    ),
    series(
      'reconstruction',
      history.map((p) => p.reconstruction),
    ),
  ];
  if (history.some((p) => p.alignment !== null))
    traces.push(
      series(
        'alignment',
        history.map((p) => p.alignment ?? NaN),
      ),
    );
  traces.push(
    series(
      'learning rate',
      history.map((p) => p.lr),
      'y2',
    ),
  );
  return markLonePoints(traces);
}

/** "3m 20s" style durations for the time left. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
