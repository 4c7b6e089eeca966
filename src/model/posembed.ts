// Fixed 2-D sin-cos position embeddings (official build_2d_sincos_position_embedding).
// For patch (row r, col c), k = D/4, ω_i = 1/10000^(i/k): [sin(rω), cos(rω), sin(cω), cos(cω)].
// The official meshgrid puts the row in its "w" slot, so rows come first; the fixtures confirm it.

/** [(cls ? 1 : 0) + g·g, dim] flattened row-major; the CLS row, when asked for, is zeros. */
export function sincos2d(g: number, dim: number, cls: boolean): Float32Array {
  if (dim % 4 !== 0) throw new Error(`sin-cos position embedding needs a width divisible by 4, got ${dim}`);
  const k = dim / 4;
  const off = cls ? 1 : 0;
  const out = new Float32Array((off + g * g) * dim);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const row = (off + r * g + c) * dim;
      for (let i = 0; i < k; i++) {
        // float32 like torch: ω in float32, then the product rounded to float32 before sin/cos.
        const omega = Math.fround(1 / Math.fround(10000 ** Math.fround(i / k)));
        const a = Math.fround(r * omega);
        const b = Math.fround(c * omega);
        out[row + i] = Math.sin(a);
        out[row + k + i] = Math.cos(a);
        out[row + 2 * k + i] = Math.sin(b);
        out[row + 3 * k + i] = Math.cos(b);
      }
    }
  }
  return out;
}
