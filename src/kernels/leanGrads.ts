// Gradients of a scalar with respect to variables, walking TF.js's tape like tf.variableGrads does,
// but freeing memory as the backward pass goes. TF.js (tfjs-core engine.gradients and
// tape.backpropagateGradients, 4.x) keeps every intermediate gradient and every node's saved
// activations until the whole backward pass ends, so its peak is the saved activations plus the
// gradients of all of them: about twice what PyTorch's autograd holds. Here a node's output
// gradients are freed once the node has used them, and its saved tensors once its backward has
// run, so the peak is the activations not yet consumed plus the gradient frontier, as in PyTorch.
// This reads the engine's tape, which TF.js does not export as API: through tfjsInternals (the
// version pinned and checked there), and the unit test checks the result against tf.variableGrads.
import * as tf from '@tensorflow/tfjs';
import { dropTape, gradientDepth, recordTape, type TapeNode } from './tfjsInternals';

/** Runs f with the tape recording, as engine.gradients does (intermediates not saved are freed). */
function recordForward(f: () => tf.Scalar): { y: tf.Scalar; tape: TapeNode[] } {
  const { result, tape } = recordTape(() => tf.tidy(f));
  return { y: result, tape };
}

/**
 * The nodes on some path from a variable to y, in tape order, with their inputs cut to those that
 * depend on a variable (gradients are only computed for those).
 */
function pathNodes(tape: TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): { node: TapeNode; inputs: [string, tf.Tensor][] }[] {
  const fromX = new Set(xs.map((x) => x.id));
  const onPath: boolean[] = tape.map((node) => {
    const reached = Object.values(node.inputs).some((t) => fromX.has(t.id));
    if (reached) for (const o of node.outputs) fromX.add(o.id);
    return reached;
  });
  const toY = new Set([y.id]);
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (!node.outputs.some((o) => toY.has(o.id))) onPath[i] = false;
    else for (const t of Object.values(node.inputs)) toY.add(t.id);
  }
  return tape.flatMap((node, i) => (onPath[i] ? [{ node, inputs: Object.entries(node.inputs).filter(([, t]) => fromX.has(t.id)) }] : []));
}

/**
 * Gradients by tensor id. A gradient function may hand a dy back unchanged as a dx, so one tensor
 * can sit under several ids: it is freed when no id holds it any more.
 */
class Gradients {
  private readonly byId = new Map<number, tf.Tensor>();
  private readonly refs = new Map<tf.Tensor, number>();

  get(id: number): tf.Tensor | undefined {
    return this.byId.get(id);
  }

  holds(t: tf.Tensor): boolean {
    return this.refs.has(t);
  }

  /** Puts t under id, releasing what id held before. */
  set(id: number, t: tf.Tensor): void {
    this.refs.set(t, (this.refs.get(t) ?? 0) + 1);
    this.release(id);
    this.byId.set(id, t);
  }

  /** Drops id's entry; its tensor is disposed unless another id holds it. */
  release(id: number): void {
    const t = this.byId.get(id);
    if (!t) return;
    this.byId.delete(id);
    const n = this.refs.get(t)! - 1;
    if (n > 0) this.refs.set(t, n);
    else {
      this.refs.delete(t);
      t.dispose();
    }
  }
}

/**
 * { value: f(), grads: d f / d xs } like tf.variableGrads(f, xs), grads in the order of xs (zeros
 * where f does not depend on a variable). The caller owns value and grads.
 */
export function leanVariableGrads(f: () => tf.Scalar, xs: readonly tf.Variable[]): { value: tf.Scalar; grads: tf.Tensor[] } {
  // Freeing as it goes leaves nothing for a gradient of this gradient: first order only.
  if (gradientDepth() > 0) throw new Error('leanVariableGrads cannot run inside another gradient computation.');
  const { y, tape } = recordForward(f);
  try {
    const grads = tf.tidy(() => {
      const acc = new Gradients();
      acc.set(y.id, tf.onesLike(y));
      for (const { node, inputs } of pathNodes(tape, xs, y).reverse()) {
        if (!node.gradient) throw new Error(`Cannot compute gradient: no gradient is registered for ${node.kernelName}.`);
        const fns = node.gradient(node.outputs.map((o) => acc.get(o.id) ?? null));
        for (const [name, x] of inputs) {
          const fn = fns[name];
          if (!fn) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
          const dx = tf.tidy(fn);
          if (!tf.util.arraysEqual(dx.shape, x.shape))
            throw new Error(`The gradient of ${node.kernelName}'s input ${name} has shape [${dx.shape}], not [${x.shape}].`);
          const cur = acc.get(x.id);
          if (!cur) acc.set(x.id, dx);
          else {
            acc.set(x.id, tf.add(cur, dx));
            if (!acc.holds(dx)) dx.dispose();
          }
        }
        // This node was the only producer of its outputs: their gradients are used up.
        for (const o of node.outputs) acc.release(o.id);
        for (const t of node.saved ?? []) t.dispose();
      }
      return xs.map((x) => acc.get(x.id) ?? tf.zerosLike(x));
    });
    return { value: y, grads };
  } finally {
    // As engine.gradients does: the tape is dropped with everything its nodes saved.
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
    dropTape();
  }
}
