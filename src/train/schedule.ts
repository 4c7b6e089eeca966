// Learning rate per step, as the official cosine_scheduler (furnace/utils.py) tabulates it:
// np.linspace(0, peak, W) for the warmup (its last value is the peak), then
// final + ½(peak − final)(1 + cos(π·i/(T − W))) for i = 0 … T − W − 1.
import { type TrainConfig, peakLr } from './config';

export function lrAt(t: TrainConfig, step: number): number {
  const peak = peakLr(t);
  const final = Math.min(t.minLr, peak);
  const W = t.warmupSteps;
  if (step < W) return W === 1 ? 0 : (peak * step) / (W - 1);
  const n = t.totalSteps - W;
  const i = Math.min(step - W, n - 1); // past the end the schedule holds its last value
  return final + 0.5 * (peak - final) * (1 + Math.cos((Math.PI * i) / n));
}
