// Freed GPU memory comes back only at a submit. TF.js's WebGPU backend keeps a disposed tensor's
// buffer until the command buffer that may still read it is submitted (a buffer handed out again
// before that could be overwritten by an upload that runs first). With hundreds of dispatches per
// submit (SUBMIT_BATCH), a pass that frees activations as it goes would hold them all the same:
// on vit-s shapes one submit batch frees gigabytes. So the backend also submits as soon as the
// buffers waiting for a submit reach a share of those in use, which bounds that overhead while
// keeping submits few where little is freed (each submit costs Dawn fixed CPU work).
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { submit } from './flat';
import { hookDeferredRelease, poolBytesUsed } from './tfjsInternals';

/** Bytes freed but waiting for a submit, at most this share of the bytes held by live buffers, */
export const PENDING_SHARE = 1 / 8;
/** but never fewer than this: small models keep their few submits. */
export const PENDING_FLOOR = 64 * 2 ** 20;

const installed = new WeakSet<object>();

/** Makes a WebGPU backend submit early when freed buffers pile up (idempotent per backend). */
export function submitWhenFreedPilesUp(backend: WebGPUBackend): void {
  if (installed.has(backend)) return;
  installed.add(backend);
  let pending = 0;
  hookDeferredRelease(backend, {
    submitted: () => void (pending = 0),
    deferred: (bytes) => {
      pending += bytes;
      if (pending > Math.max(PENDING_FLOOR, PENDING_SHARE * (poolBytesUsed(backend) - pending))) submit(backend);
    },
  });
}
