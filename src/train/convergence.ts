// When a readout trained by SGD has converged: a plateau rule on the training loss, the way
// ReduceLROnPlateau drives a run to convergence. After warmup the rate stays at its peak; when the
// epoch's training loss has not improved on its best by `minImprovement` (relative) for `window`
// epochs, the rate drops by `factor`; after `decays` drops, the next plateau ends the run, as does
// the cap. Only training loss is read, so no test image takes part in the choice of budget.

export interface PlateauRule {
  /** Epochs without improvement that make a plateau. */
  readonly window: number;
  /** Relative improvement on the best loss that counts, e.g. 0.01 for 1 %. */
  readonly minImprovement: number;
  /** Rate drops before the next plateau stops the run. */
  readonly decays: number;
  /** Rate multiplier at each drop. */
  readonly factor: number;
  /** Epochs at most (the run then says it stopped at the cap, not converged). */
  readonly maxEpochs: number;
}

export const DEFAULT_PLATEAU: PlateauRule = Object.freeze({ window: 3, minImprovement: 0.01, decays: 2, factor: 0.1, maxEpochs: 100 });

export type PlateauAction = 'continue' | 'decay' | 'converged' | 'cap';

/** The rule's state over one run: feed it each epoch's mean training loss. */
export class Plateau {
  private best = Infinity;
  private sinceBest = 0;
  private drops = 0;
  private readonly losses: number[] = [];
  /** The current multiplier of the peak rate. */
  scale = 1;

  constructor(readonly rule: PlateauRule = DEFAULT_PLATEAU) {
    if (!(rule.window >= 1 && rule.maxEpochs >= 1 && rule.minImprovement >= 0 && rule.factor > 0 && rule.factor < 1 && rule.decays >= 0))
      throw new Error(`plateau rule out of range: ${JSON.stringify(rule)}`);
  }

  get epochs(): number {
    return this.losses.length;
  }

  observe(loss: number): PlateauAction {
    this.losses.push(loss);
    if (loss < this.best * (1 - this.rule.minImprovement)) {
      this.best = loss;
      this.sinceBest = 0;
    } else {
      this.best = Math.min(this.best, loss);
      this.sinceBest += 1;
    }
    if (this.sinceBest >= this.rule.window) {
      if (this.drops >= this.rule.decays) return 'converged';
      this.drops += 1;
      this.scale *= this.rule.factor;
      this.sinceBest = 0;
      return 'decay';
    }
    return this.losses.length >= this.rule.maxEpochs ? 'cap' : 'continue';
  }

  /** What a result shows of its training: final loss and its relative change per epoch over the last window. */
  summary(converged: boolean): TrainingFit {
    return lossFit(this.losses, this.rule.window, converged);
  }
}

/** The end of a loss curve: its last value and relative change per epoch over the last `window` epochs. */
export function lossFit(losses: readonly number[], window: number, converged: boolean): TrainingFit {
  const n = losses.length;
  const last = losses[n - 1] ?? NaN;
  const w = Math.min(window, n - 1);
  const slope = w > 0 ? (last - losses[n - 1 - w]!) / (w * Math.abs(last || 1)) : NaN;
  return { epochs: n, finalLoss: last, slope, converged };
}

/** How a trained readout ended: shown beside its result, so a reader sees it had converged. */
export interface TrainingFit {
  readonly epochs: number;
  /** Mean training loss of the last epoch. */
  readonly finalLoss: number;
  /** Relative change of the training loss per epoch over the rule's last window (negative: still falling). */
  readonly slope: number;
  /** True when the rule stopped it (or, for a convex fit, the gradient reached its tolerance); false when a cap or a fixed budget did. */
  readonly converged: boolean;
  /** The L2 penalty cross-validation chose (the logistic-regression readout). */
  readonly l2?: number;
  /** What `epochs` counts: epochs of SGD, or iterations of L-BFGS. */
  readonly unit?: 'epochs' | 'iterations';
}
