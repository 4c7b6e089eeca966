// The replayed step at ViT-Tiny's width and depth (embed 192, 12 blocks, 3 heads; regressor and
// decoder 4 blocks each) on Dawn over SwiftShader, with drop path on: over the traced steps and
// five replayed ones, the step engine's losses, gradient norms, weights and AdamW moments are
// bit-identical to a TF.js trainer fed the same batches. Small images (32 px, 8-px patches, batch
// 4) keep each step small, yet on SwiftShader here (2 shared cores) it took 18 min for 16 steps: it
// runs only with REPLAY_VIT_TINY=1 (`REPLAY_VIT_TINY=1 npm run test:webgpu -- stepEngine.vitTiny`).
import { DEFAULT_ENGINE } from '../train/engine';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Cae } from '../model/cae';
import { preset } from '../model/presets';
import { patternImages } from '../testing/batches';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { defaultTrainConfig } from '../train/defaults';
import { ReplayTrainer } from '../train/replayTrainer';
import { CaeTrainer, type StepResult } from '../train/trainer';
import { StepEngine } from './stepEngine';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

const CONFIG = { ...preset('vit-tiny-p4-32'), patchSize: 8, numHeads: 3, decoderNumHeads: 3, maskMinPatches: 2, dropPathRate: 0.1 };
const TRAIN = { ...defaultTrainConfig('vit-tiny-p4-32'), batchSize: 4, warmupSteps: 2, seed: 11 };
const REPLAYED = 5;

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const slow = (stage: string, t0: number) => process.env.REPLAY_VIT_TINY_LOG && console.log(`${stage} at ${((performance.now() - t0) / 1000).toFixed(1)} s`);

describe.runIf(process.env.REPLAY_VIT_TINY)('at ViT-Tiny size', () => {
  it('replays a ViT-Tiny-sized step bit for bit with the TF.js engine, drop path on', async () => {
    const t0 = performance.now();
    const batch = (i: number) => patternImages(4, CONFIG.imgSize, 500 + i);
    const make = () => new CaeTrainer(new Cae(CONFIG, 4), TRAIN);
    const ref = make();
    const trainer = make();
    const replayed = vi.spyOn(ReplayTrainer.prototype, 'trainStep');
    const engine = new StepEngine(trainer, DEFAULT_ENGINE);
    // The two engines step in turn, each step's numbers compared as soon as they are in (a replayed
    // step's come one call late): a slow machine shows how far they agreed.
    const got: StepResult[] = [];
    const want: StepResult[] = [];
    let checked = 0;
    const compare = () => {
      for (; checked < got.length; checked++) {
        const [g, w] = [got[checked]!, want[checked]!];
        slow(`step ${checked + 1}: loss ${g.total} / ${w.total}, grad norm ${g.gradNorm} / ${w.gradNorm}`, t0);
        expect([g.step, g.total, g.reconstruction, g.alignment, g.gradNorm, g.lr]).toEqual([w.step, w.total, w.reconstruction, w.alignment, w.gradNorm, w.lr]);
      }
    };
    while (replayed.mock.calls.length < REPLAYED) {
      const i = want.length;
      got.push(...(await engine.steps(() => batch(i))));
      const images = batch(i);
      want.push(await ref.trainStep({ images }));
      images.dispose();
      compare();
      expect(want.length).toBeLessThanOrEqual(4 + REPLAYED);
    }
    got.push(...(await engine.flush()));
    compare();
    expect(got.length).toBe(want.length);
    const traced = got.length - REPLAYED;
    const [va, vb] = [ref.model.trainableVars(), engine.model().model.trainableVars()];
    expect(va.length).toBeGreaterThan(100);
    for (let i = 0; i < va.length; i++) expect(bytes((await vb[i]!.data()) as Float32Array).equals(bytes((await va[i]!.data()) as Float32Array))).toBe(true);
    const [ma, mb] = [await ref.optimizer.state(), await trainer.optimizer.state()];
    ma.forEach((s, i) => {
      expect(bytes(mb[i]!.m).equals(bytes(s.m))).toBe(true);
      expect(bytes(mb[i]!.v).equals(bytes(s.v))).toBe(true);
    });
    expect(trainer.optimizer.t).toBe(ref.optimizer.t);
    console.log(
      `vit-tiny-sized replay (192×12, 3 heads, 32 px /8, batch 4, drop path 0.1): ${traced} traced + ${REPLAYED} replayed steps bit-identical; ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s for both engines; ` +
        `losses ${got.map((l) => l.total.toFixed(5)).join(' ')}`,
    );
    engine.dispose();
    for (const t of [ref, trainer]) {
      t.dispose();
      t.model.dispose();
    }
  }, 10_800_000);
});
