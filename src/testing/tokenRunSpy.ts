// A token-target pretraining run driven to its end in a test, with the tokens each step was handed
// recorded (the worker's trainer is spied on, not replaced), so a test can compare them with codes it
// computed itself. The run is disposed, and with it the tokenizer.
import * as tf from '@tensorflow/tfjs';
import type { LabelledDataset } from '../data/shapes';
import type { Tokenizer } from '../model/tokenizer';
import type { FromWorker, RunSpec } from '../protocol/messages';
import { PretrainRun } from '../worker/pretrainRun';

export async function runRecordingTokens(spec: RunSpec, ds: LabelledDataset, tokenizer: Tokenizer) {
  const before = tf.memory().numTensors;
  const msgs: FromWorker[] = [];
  const seen: Int32Array[] = [];
  const run = new PretrainRun(spec, (m) => msgs.push(m), undefined, ds, undefined, tokenizer);
  const trainer = (run as unknown as { trainer: { trainStep: (x: { tokens?: Int32Array }) => Promise<unknown> } }).trainer;
  const step = trainer.trainStep.bind(trainer);
  trainer.trainStep = (x) => (x.tokens && seen.push(x.tokens), step(x as never));
  await run.run(async () => false);
  run.dispose(); // disposes the tokenizer too
  /** Tensors left over against the count before the run (the tokenizer's weights went with it: −their count when nothing leaked). */
  return { msgs, seen, tensorsChange: tf.memory().numTensors - before };
}
