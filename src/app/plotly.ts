// Plotly, loaded when the first plotly chart draws rather than with the page: it is most of the
// page's JavaScript, and the basic build (scatter, bar, pie) is enough, since every chart here is
// lines. The default view needs none (the live loss chart is plain SVG), so evaluating plotly (one
// long task of one to three seconds on the test machine) happens when a Probe, Compare or Lab chart
// first draws, not while the first run trains.
import type PlotlyApi from 'plotly.js-basic-dist-min';

export type Plotly = typeof PlotlyApi;

let loading: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  loading ??= import('plotly.js-basic-dist-min').then((m) => m.default);
  return loading;
}
