// Seeded Gumbel noise for the d-VAE's relaxation (Jang et al. 2017; Maddison et al. 2017): drawn on
// the host from the run's own stream, so a step is a pure function of (weights, batch, noise), the
// same seed gives the same samples, and a checkpoint carries the stream's position.
import { Rng, type RngState } from './random';

export class GumbelNoise {
  private rng: Rng;

  constructor(seed: number | RngState) {
    this.rng = new Rng(seed);
  }

  state(): RngState {
    return this.rng.state();
  }

  /** `count` standard Gumbel samples −log(−log u), u uniform in (0, 1) (never 0 or 1: both logs finite). */
  sample(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const u = (this.rng.nextUint32() + 0.5) / 4294967296;
      out[i] = -Math.log(-Math.log(u));
    }
    return out;
  }
}
