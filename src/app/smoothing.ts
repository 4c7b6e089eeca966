// TensorBoard's smoothing of scalar curves: an exponential moving average debiased for its start
// (tensorboard/plugins/scalar/vz_line_chart2/line-chart.ts, `resmoothDataset`), so the first points
// are not pulled towards zero. Weight 0 leaves the curve as it is; 0.99 averages over ~100 points.

/** The largest weight the slider offers: beyond it a curve barely moves. */
export const MAX_SMOOTHING = 0.99;

/** The debiased EMA of `values`; gaps (null, NaN, ±Inf) stay gaps and do not enter the average. */
export function ema(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(MAX_SMOOTHING, Math.max(0, Number.isFinite(weight) ? weight : 0));
  if (w === 0) return [...values];
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    n++;
    return last / (1 - w ** n);
  });
}
