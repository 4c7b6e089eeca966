// Freed GPU memory comes back only at a submit. TF.js's WebGPU backend keeps a disposed tensor's
// buffer until the command buffer that may still read it is submitted (a buffer handed out again
// before that could be overwritten by an upload that runs first). With hundreds of dispatches per
// submit (SUBMIT_BATCH), a pass that frees activations as it goes would hold them all the same:
// on vit-s shapes one submit batch frees gigabytes. So the backend also submits as soon as the
// buffers waiting for a submit reach a share of those in use, which bounds that overhead while
// keeping submits few where little is freed (each submit costs Dawn fixed CPU work).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { submit } from './flat';

/** The parts of the TF.js WebGPU backend this wraps (public at run time, not in its types). */
interface Internals {
  tensorDataPendingDisposal: tf.DataId[];
  tensorMap: { get(id: tf.DataId): { resource: GPUBuffer | GPUTexture | null } | undefined };
  bufferManager: { numBytesUsed: number };
  disposeData(id: tf.DataId, force?: boolean): boolean;
  submitQueue(): void;
}

/** Bytes freed but waiting for a submit, at most this share of the bytes held by live buffers, */
export const PENDING_SHARE = 1 / 8;
/** but never fewer than this: small models keep their few submits. */
export const PENDING_FLOOR = 64 * 2 ** 20;

const installed = new WeakSet<object>();

/** Makes a WebGPU backend submit early when freed buffers pile up (idempotent per backend). */
export function submitWhenFreedPilesUp(backend: WebGPUBackend): void {
  if (installed.has(backend)) return;
  installed.add(backend);
  const b = backend as unknown as Internals;
  let pending = 0;
  const submitQueue = b.submitQueue.bind(b);
  b.submitQueue = () => {
    submitQueue();
    pending = 0;
  };
  const disposeData = b.disposeData.bind(b);
  b.disposeData = (id, force) => {
    const waiting = b.tensorDataPendingDisposal.length;
    const freed = disposeData(id, force);
    if (b.tensorDataPendingDisposal.length > waiting) {
      const r = b.tensorMap.get(id)?.resource;
      if (r && 'size' in r) pending += r.size;
      if (pending > Math.max(PENDING_FLOOR, PENDING_SHARE * (b.bufferManager.numBytesUsed - pending))) submit(backend);
    }
    return freed;
  };
}
