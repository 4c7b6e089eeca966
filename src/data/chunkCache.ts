// A least-recently-used cache of a stored dataset's chunks with a hard bound on the bytes it keeps, so
// a dataset larger than the worker's memory trains: batches fetch the chunks they need through it, and
// what does not fit is read again from IndexedDB when a later batch needs it.
import type { DatasetChunk } from './stored';

const MiB = 1024 * 1024;

/**
 * Bytes of chunks the worker keeps per dataset. CIFAR-10 (60 000 images, 184 MB stored) fits whole;
 * beyond that batches stream. It is what the worker holds besides the model, so it stays well under a
 * tab's few GiB.
 */
export const CHUNK_CACHE_BYTES = 256 * MiB;

/** What the data panel says about how training reads a dataset of `bytes` stored bytes. */
export function cacheNote(bytes: number, capacityBytes = CHUNK_CACHE_BYTES): string {
  const mib = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  const head = `Training reads it from this browser's storage through a ${mib(capacityBytes)} chunk cache`;
  if (bytes <= capacityBytes) return `${head}; it fits whole, so after the first epoch it is read from memory.`;
  const share = Math.max(1, Math.floor((100 * capacityBytes) / bytes));
  return `${head}; it is larger, so batches stream from storage (about ${share} % of it stays in memory) and the worker's memory stays bounded.`;
}

export const chunkBytes = (c: DatasetChunk) => c.pixels.byteLength + c.labels.byteLength;

export interface CacheStats {
  readonly capacityBytes: number;
  /** Bytes kept now, and the most ever kept (never above capacityBytes). */
  readonly bytes: number;
  readonly peakBytes: number;
  readonly chunks: number;
  readonly hits: number;
  /** Chunks read from the store (each read once while in flight, however many asked). */
  readonly reads: number;
}

export class ChunkCache {
  /** Kept chunks; a Map iterates in insertion order, so re-inserting on use makes its first key the LRU. */
  private readonly kept = new Map<number, DatasetChunk>();
  private readonly inFlight = new Map<number, Promise<DatasetChunk>>();
  private bytes = 0;
  private peakBytes = 0;
  private hits = 0;
  private reads = 0;

  constructor(
    readonly capacityBytes: number,
    private readonly load: (index: number) => Promise<DatasetChunk>,
  ) {
    if (!(capacityBytes > 0)) throw new Error(`a chunk cache needs a positive size, got ${capacityBytes} bytes`);
  }

  /** The chunk if it is kept now, without reading or reordering anything. */
  peek(index: number): DatasetChunk | undefined {
    return this.kept.get(index);
  }

  has(index: number): boolean {
    return this.kept.has(index);
  }

  async get(index: number): Promise<DatasetChunk> {
    const c = this.kept.get(index);
    if (c) {
      this.hits++;
      this.kept.delete(index);
      this.kept.set(index, c);
      return c;
    }
    let p = this.inFlight.get(index);
    if (!p) {
      this.reads++;
      p = this.load(index).then(
        (chunk) => {
          this.inFlight.delete(index);
          this.keep(index, chunk);
          return chunk;
        },
        (e: unknown) => {
          this.inFlight.delete(index);
          throw e;
        },
      );
      this.inFlight.set(index, p);
    }
    return p;
  }

  /** Keeps a chunk, evicting the least recently used until the bound holds; one larger than it all is not kept. */
  private keep(index: number, c: DatasetChunk): void {
    const n = chunkBytes(c);
    if (n > this.capacityBytes || this.kept.has(index)) return;
    for (const [k, old] of this.kept) {
      if (this.bytes + n <= this.capacityBytes) break;
      this.kept.delete(k);
      this.bytes -= chunkBytes(old);
    }
    this.kept.set(index, c);
    this.bytes += n;
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
  }

  stats(): CacheStats {
    return { capacityBytes: this.capacityBytes, bytes: this.bytes, peakBytes: this.peakBytes, chunks: this.kept.size, hits: this.hits, reads: this.reads };
  }

  clear(): void {
    this.kept.clear();
    this.bytes = 0;
  }
}
