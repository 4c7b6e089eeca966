// Principal components of patch features, for the lab's feature map (the first three components of
// each patch's encoder output shown as RGB, as DINO and the CAE paper's figures do). Subspace
// iteration on the D×D covariance: only the top few components are needed, D ≤ 768 here, and it is
// exact enough for a picture without an eigen-solver library.

export interface Pca {
  /** Per-feature mean removed before projecting, [D]. */
  readonly mean: Float32Array;
  /** The components, row-major [k, D], unit length, largest variance first. */
  readonly components: Float32Array;
  /** Variance along each component, [k]. */
  readonly variances: Float64Array;
}

/** Top-k principal components of `x` [N, D] (row-major). Signs are fixed: each component's largest entry is positive. */
export function pca(x: Float32Array, n: number, d: number, k = 3, iterations = 200): Pca {
  if (x.length !== n * d) throw new Error(`pca: ${x.length} values are not ${n} rows of ${d}`);
  if (!(k >= 1 && k <= d)) throw new Error(`pca: k = ${k} must be in [1, ${d}]`);
  const mean = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / Math.max(1, n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  // A fixed, dense start (no randomness): column c is cos((c+1)·(j+1)) over the features.
  let q = new Float64Array(d * k);
  for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) q[j * k + c] = Math.cos((c + 1) * (j + 1) + c);
  orthonormalize(q, d, k);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(d * k);
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        const cab = cov[a * d + b]!;
        if (cab === 0) continue;
        for (let c = 0; c < k; c++) next[a * k + c]! += cab * q[b * k + c]!;
      }
    orthonormalize(next, d, k);
    q = next;
  }
  // Rayleigh quotients give the variances; order by them, since subspace iteration only converges the span.
  const variances = Array.from({ length: k }, (_, c) => {
    let s = 0;
    for (let a = 0; a < d; a++) {
      let cq = 0;
      for (let b = 0; b < d; b++) cq += cov[a * d + b]! * q[b * k + c]!;
      s += q[a * k + c]! * cq;
    }
    return s;
  });
  const order = variances.map((v, c) => [v, c] as const).sort((p, r) => r[0] - p[0]);
  const components = new Float32Array(k * d);
  order.forEach(([, c], r) => {
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(q[j * k + c]!) > Math.abs(big)) big = q[j * k + c]!;
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) components[r * d + j] = sign * q[j * k + c]!;
  });
  return { mean, components, variances: Float64Array.from(order.map(([v]) => v)) };
}

/** Modified Gram–Schmidt over the k columns of q [d, k], in place. */
function orthonormalize(q: Float64Array, d: number, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += q[j * k + c]! * q[j * k + p]!;
      for (let j = 0; j < d; j++) q[j * k + c]! -= dot * q[j * k + p]!;
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += q[j * k + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < d; j++) q[j * k + c]! /= norm;
  }
}

/** Rows of `x` [N, D] projected on the components: [N, k]. */
export function project(p: Pca, x: Float32Array, n: number): Float32Array {
  const d = p.mean.length;
  const k = p.components.length / d;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j]! - p.mean[j]!) * p.components[c * d + j]!;
      out[i * k + c] = s;
    }
  return out;
}

/**
 * Projections [N, 3] to RGB bytes [N, 3]: each component min-max scaled to 0–255 over the image, so
 * the picture shows where the components change rather than their absolute size.
 */
export function toRgb(proj: Float32Array, n: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(n * 3);
  for (let c = 0; c < 3; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = proj[i * 3 + c] ?? 0;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) out[i * 3 + c] = Math.round((255 * ((proj[i * 3 + c] ?? 0) - lo)) / span);
  }
  return out;
}
