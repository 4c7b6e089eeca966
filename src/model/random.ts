// Seeded random numbers for everything random in a run (init, masks, drop path, data order).
// sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state that serialize
// as four uint32s, so a checkpoint can carry the exact position of every stream.

export type RngState = readonly [number, number, number, number];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator seeded from one integer, or restored from a saved state. */
  constructor(seed: number | RngState) {
    if (typeof seed === 'number') {
      // splitmix32 spreads the seed over the four words so nearby seeds give unrelated streams.
      let s = seed >>> 0;
      const next = () => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
      };
      this.a = next();
      this.b = next();
      this.c = next();
      this.d = next();
      for (let i = 0; i < 12; i++) this.nextUint32();
    } else {
      [this.a, this.b, this.c, this.d] = seed.map((x) => x >>> 0) as unknown as [number, number, number, number];
    }
  }

  state(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Python's random.uniform(a, b) = a + (b − a)·U, also when a > b. */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Python's random.randint(lo, hi): an integer in [lo, hi], both bounds inclusive. */
  randint(lo: number, hi: number): number {
    if (hi < lo) throw new Error(`randint: empty range [${lo}, ${hi}]`);
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal by Box–Muller (one value per call; simple beats fast here). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log stays finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }

  /** A new independent stream, derived deterministically from this one. */
  fork(): Rng {
    return new Rng(this.nextUint32() ^ Math.imul(this.nextUint32(), 0x27d4eb2f));
  }
}
