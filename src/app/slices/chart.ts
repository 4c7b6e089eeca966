// The store's chart slice: how loss curves are drawn, one setting shared by the Pretrain and Compare
// charts (log or linear loss axis, TensorBoard's EMA smoothing) and kept in localStorage, so a
// reload draws them as the user left them. Plain data; the builders read it (charts.ts, compare.ts).
import { MAX_SMOOTHING } from '../smoothing';
import type { AxisScale } from '../ticks';
import type { GetState, SetState } from './types';

export interface ChartSettings {
  /** The loss axis. */
  readonly scale: AxisScale;
  /** TensorBoard's smoothing weight, 0 (none) to 0.99. */
  readonly smoothing: number;
}

export interface ChartSlice {
  chart: ChartSettings;
  setChart(patch: Partial<ChartSettings>): void;
}

export const DEFAULT_CHART: ChartSettings = Object.freeze({ scale: 'log', smoothing: 0 });

const KEY = 'cae-notebook.chart';

/** The settings as kept, each field checked (a damaged or older entry falls back field by field). */
export function parseChart(text: string | null): ChartSettings {
  let v: Partial<Record<keyof ChartSettings, unknown>> = {};
  try {
    v = (JSON.parse(text ?? '{}') as typeof v) ?? {};
  } catch {
    // not JSON: the defaults
  }
  const s = typeof v.smoothing === 'number' && Number.isFinite(v.smoothing) ? Math.min(MAX_SMOOTHING, Math.max(0, v.smoothing)) : DEFAULT_CHART.smoothing;
  return { scale: v.scale === 'linear' || v.scale === 'log' ? v.scale : DEFAULT_CHART.scale, smoothing: s };
}

function load(): ChartSettings {
  try {
    return parseChart(globalThis.localStorage?.getItem(KEY) ?? null);
  } catch {
    return DEFAULT_CHART; // storage blocked: the defaults, not an error
  }
}

export const chartSlice = (set: SetState, get: GetState): ChartSlice => ({
  chart: load(),
  setChart(patch) {
    const chart = parseChart(JSON.stringify({ ...get().chart, ...patch }));
    set({ chart });
    try {
      globalThis.localStorage?.setItem(KEY, JSON.stringify(chart));
    } catch {
      // a full or blocked storage keeps the setting for this page only
    }
  },
});
