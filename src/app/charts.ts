// Pure chart builders: history in, traces out (drawn by ./lineChart.ts for the live loss chart, by
// plotly elsewhere). Long histories are thinned to a fixed number of points per trace so a redraw
// stays far below a frame's budget.
import type { StepPoint } from '../protocol/messages';

export interface Trace {
  x: number[];
  y: (number | null)[];
  name: string;
  type: 'scatter';
  mode: 'lines' | 'lines+markers';
  yaxis?: 'y2';
  line?: { width?: number; dash?: string; color?: string };
}

export const MAX_POINTS = 600;

/** Every k-th point (always keeping the last) so at most `max` remain. */
export function thin<T>(xs: readonly T[], max = MAX_POINTS): T[] {
  if (xs.length <= max) return [...xs];
  const k = Math.ceil(xs.length / max);
  const out = xs.filter((_, i) => i % k === 0);
  if (out.at(-1) !== xs.at(-1)) out.push(xs.at(-1)!);
  return out;
}

/** Total, reconstruction and alignment loss against step; the learning rate on a second axis. */
export function lossTraces(history: readonly StepPoint[]): Trace[] {
  const h = thin(history);
  const x = h.map((p) => p.step);
  const traces: Trace[] = [
    { x, y: h.map((p) => p.total), name: 'total', type: 'scatter', mode: 'lines', line: { width: 2, color: '#1f77b4' } },
    { x, y: h.map((p) => p.reconstruction), name: 'reconstruction', type: 'scatter', mode: 'lines', line: { width: 1, color: '#ff7f0e' } },
  ];
  if (h.some((p) => p.alignment !== null))
    traces.push({ x, y: h.map((p) => p.alignment ?? NaN), name: 'alignment', type: 'scatter', mode: 'lines', line: { width: 1, color: '#2ca02c' } });
  traces.push({
    x,
    y: h.map((p) => p.lr),
    name: 'learning rate',
    type: 'scatter',
    mode: 'lines',
    yaxis: 'y2',
    line: { width: 1, dash: 'dot', color: '#7f7f7f' },
  });
  return traces;
}

/** "3m 20s" style durations for the time left. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
