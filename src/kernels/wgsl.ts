// WGSL pieces several kernels use.

/** A workgroup-wide sum over `n` lanes (n a power of two); call from uniform control flow only. */
export function workgroupSum(n: number): string {
  return `
    var<workgroup> red: array<f32, ${n}>;
    fn workgroupSum(v: f32) -> f32 {
      red[lane()] = v;
      workgroupBarrier();
      for (var s = ${n / 2}; s > 0; s = s >> 1u) {
        if (lane() < s) { red[lane()] = red[lane()] + red[lane() + s]; }
        workgroupBarrier();
      }
      let r = red[0];
      workgroupBarrier();
      return r;
    }`;
}

/** A WGSL float literal (always with a decimal point, so WGSL types it f32). */
export function f32(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}
