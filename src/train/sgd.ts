// The probes' optimizers, as the official code steps them: LARS for the linear probe
// (linear_util/lars.py: trust ratio on matrices only, no decay or scaling for 1-D parameters) and
// SGD with Nesterov momentum for the attentive probe (torch.optim.SGD, dampening 0).
import * as tf from '@tensorflow/tfjs';

export interface MomentumOptimizer {
  apply(grads: readonly tf.Tensor[], lr: number): void;
  dispose(): void;
}

abstract class WithMomentum implements MomentumOptimizer {
  protected readonly buf: tf.Variable[];
  protected started = false;
  constructor(
    protected readonly vars: readonly tf.Variable[],
    protected readonly momentum: number,
  ) {
    this.buf = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
  }
  abstract apply(grads: readonly tf.Tensor[], lr: number): void;
  dispose(): void {
    tf.dispose(this.buf);
  }
}

export class Lars extends WithMomentum {
  constructor(
    vars: readonly tf.Variable[],
    momentum = 0.9,
    private readonly weightDecay = 0,
    private readonly trust = 0.001,
  ) {
    super(vars, momentum);
  }

  apply(grads: readonly tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      this.vars.forEach((p, i) => {
        let dp = grads[i]!;
        if (p.rank > 1) {
          dp = dp.add(p.mul(this.weightDecay));
          const pn = tf.norm(p);
          const un = tf.norm(dp);
          // q = trust·‖p‖/‖dp‖ where both norms are positive, else 1
          const q = tf.where(tf.logicalAnd(pn.greater(0), un.greater(0)), pn.mul(this.trust).div(un.add(1e-30)), tf.onesLike(pn));
          dp = dp.mul(q);
        }
        const mu = this.buf[i]!.mul(this.momentum).add(dp);
        this.buf[i]!.assign(mu);
        p.assign(p.sub(mu.mul(lr)));
      });
    });
  }
}

export class SgdNesterov extends WithMomentum {
  apply(grads: readonly tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      this.vars.forEach((p, i) => {
        const g = grads[i]!;
        // torch: the buffer starts as the first gradient, then buf = m·buf + g; step along g + m·buf.
        const buf = this.started ? this.buf[i]!.mul(this.momentum).add(g) : g;
        this.buf[i]!.assign(buf);
        p.assign(p.sub(g.add(buf.mul(this.momentum)).mul(lr)));
      });
    });
    this.started = true;
  }
}
