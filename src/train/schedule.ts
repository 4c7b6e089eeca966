// Learning rate per step, as the official cosine_scheduler (furnace/utils.py) tabulates it:
// np.linspace(0, peak, W) for the warmup (its last value is the peak), then
// final + ½(peak − final)(1 + cos(π·i/(T − W))) for i = 0 … T − W − 1.
import { type LrSchedule, peakLr } from './config';

/** The official warmup-then-cosine value at `step` of a run of `total` steps. */
export function warmupCosine(step: number, total: number, warmup: number, peak: number, final: number): number {
  if (step < warmup) return warmup === 1 ? 0 : (peak * step) / (warmup - 1);
  const n = total - warmup;
  const i = Math.min(step - warmup, n - 1); // past the end the schedule holds its last value
  return final + 0.5 * (peak - final) * (1 + Math.cos((Math.PI * i) / n));
}

/** The pretraining (and fine-tuning) schedule; the final value is capped at the peak. */
export function lrAt(t: LrSchedule, step: number): number {
  const peak = peakLr(t);
  return warmupCosine(step, t.totalSteps, t.warmupSteps, peak, Math.min(t.minLr, peak));
}
