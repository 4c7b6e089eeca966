// A DecompressionStream that counts what it inflates, for the readers' decompression-bomb tests.
import { vi } from 'vitest';

/** Swaps in a DecompressionStream that counts every byte the platform's inflater hands out. */
export function countInflatedBytes(): { produced: number } {
  const Real = globalThis.DecompressionStream;
  const tally = { produced: 0 };
  class Counting {
    readonly writable: WritableStream<BufferSource>;
    readonly readable: ReadableStream<Uint8Array>;
    constructor(format: CompressionFormat) {
      const real = new Real(format);
      this.writable = real.writable;
      this.readable = real.readable.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(c, ctl) {
            tally.produced += c.length;
            ctl.enqueue(c);
          },
        }),
      );
    }
  }
  vi.stubGlobal('DecompressionStream', Counting);
  return tally;
}
