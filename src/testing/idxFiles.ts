// IDX files made in tests: a header for the given dims, then the values (or as many as given, for a
// file cut short), optionally gzipped.
import { gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes: magic 00 00 08 rank, big-endian dims, then `values`. */
export function idxFile(dims: readonly number[], values: Uint8Array, o: { type?: number; gzip?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const v = new DataView(out.buffer);
  out.set([0, 0, o.type ?? 0x08, dims.length]);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(values, 4 + 4 * dims.length);
  return o.gzip ? new Uint8Array(gzipSync(out)) : out;
}

/** `n` square images of side `side` whose pixel (y, x) of image i is (i * 7 + y * side + x) % 256. */
export function idxImages(n: number, side: number, o: { gzip?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const px = new Uint8Array(n * side * side);
  for (let i = 0; i < px.length; i++) px[i] = (Math.floor(i / (side * side)) * 7 + (i % (side * side))) % 256;
  return idxFile([n, side, side], px, o);
}

/** `n` labels, label(i) each. */
export const idxLabels = (n: number, label: (i: number) => number, o: { gzip?: boolean } = {}) =>
  idxFile(
    [n],
    Uint8Array.from({ length: n }, (_, i) => label(i)),
    o,
  );
