// Plotly, loaded when the first chart draws rather than with the page: it is most of the page's
// JavaScript, and the basic build (scatter, bar, pie) is enough, since every chart here is lines.
import type PlotlyApi from 'plotly.js-basic-dist-min';

export type Plotly = typeof PlotlyApi;

let loading: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  loading ??= import('plotly.js-basic-dist-min').then((m) => m.default);
  return loading;
}

/**
 * Loads plotly once the page is idle, so evaluating its megabyte of script (one long task) happens
 * while the worker starts rather than in the middle of the first training run.
 */
export function preloadPlotlyWhenIdle(): void {
  const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 2000));
  idle(() => void loadPlotly());
}
