/// <reference types="vite/client" />
// Fashion-MNIST's files, fetched from the app's own origin the first time the dataset is chosen and
// then kept in Cache Storage (DATASET_CACHE), so the notebook trains on it offline afterwards. The
// service worker's precache leaves public/datasets/ out (vite.config.ts): nobody downloads 4.4 MB
// for a dataset they never choose.
import { FASHION_MNIST, fashionMnistDataset } from '../data/fashionMnist';
import type { LabelledDataset } from '../data/shapes';

/** Kept across builds: the files never change (a new copy would get a new cache name). */
export const DATASET_CACHE = 'cae-datasets-v1';

async function openCache(): Promise<Cache | null> {
  // Cache Storage exists only in secure contexts (https, localhost); without it the files are fetched each time.
  if (typeof caches === 'undefined') return null;
  return caches.open(DATASET_CACHE).catch(() => null);
}

async function cachedFetch(url: string, cache: Cache | null): Promise<Blob> {
  const hit = await cache?.match(url);
  if (hit) return hit.blob();
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${url} could not be fetched (${(e as Error).message}); the dataset is kept for offline use only once it has loaded online`, { cause: e });
  }
  if (!res.ok) throw new Error(`fetching ${url} answered ${res.status} ${res.statusText}`);
  const blob = await res.blob();
  // A full storage costs only the offline copy, not the run.
  await cache?.put(url, new Response(blob)).catch(() => undefined);
  return blob;
}

let parsed: Promise<LabelledDataset> | null = null;

async function load(): Promise<LabelledDataset> {
  const base = new URL(`${import.meta.env.BASE_URL}${FASHION_MNIST.dir}/`, self.location.origin);
  const cache = await openCache();
  const urls = [FASHION_MNIST.images, FASHION_MNIST.labels].map((f) => new URL(f, base).href);
  const [images, labels] = (await Promise.all(urls.map((u) => cachedFetch(u, cache)))) as [Blob, Blob];
  try {
    return await fashionMnistDataset(images, labels, FASHION_MNIST.side);
  } catch (e) {
    // A damaged copy must not stay: the next choice fetches the files again.
    await Promise.all(urls.map((u) => cache?.delete(u)));
    throw e;
  }
}

/** Fashion-MNIST with batches at `imgSize` px; read once per worker, its images kept (7.8 MB). */
export async function fashionMnist(imgSize: number): Promise<LabelledDataset> {
  parsed ??= load();
  try {
    return { ...(await parsed), imgSize };
  } catch (e) {
    parsed = null;
    throw new Error(`Fashion-MNIST could not be loaded: ${(e as Error).message}`, { cause: e });
  }
}
