import { describe, expect, it } from 'vitest';
import { MICRO } from '../../model/presets';
import { defaultTrainConfig } from '../../train/defaults';
import { testProbeSpec } from '../../testing/probeSpec';
import { gridCsv, gridRows } from './grid';
import {
  cancelSweep,
  combinations,
  newSweep,
  nextAction,
  pointProbe,
  pointRecipe,
  pretrainEnded,
  probeEnded,
  probeStarted,
  restartPoint,
  type SweepSpec,
  type SweepState,
  sweepFinished,
} from './sweep';

const { id: _id, encoder: _e, presetId: _p, model: _m, createdAt: _c, ...probe } = testProbeSpec({});
const spec = (knobs: SweepSpec['knobs']): SweepSpec => ({
  id: 's1',
  name: 'test',
  base: { presetId: 'micro', model: MICRO, train: defaultTrainConfig('micro'), dataset: 'shapes-easy', checkpointEvery: 50 },
  knobs,
  probe,
  createdAt: 0,
});
let n = 0;
const ids = () => `run-${++n}`;
const acc = (top1: number) => ({ top1, se: 0.01, sd: 0, seeds: 1, valImages: 500 });
const doneEnd = { status: 'done', message: null, losses: { total: 1, reconstruction: 0.5, alignment: 0.25 }, imagesSeen: 800, seconds: 10 };

/** Runs the queue like the runner does, with `outcome` deciding each run's end. */
function drive(s0: SweepState, outcome: (index: number) => 'done' | 'failed'): SweepState {
  let s = s0;
  for (let guard = 0; guard < 20; guard++) {
    const { state, action } = nextAction(s, ids, 0);
    s = state;
    if (action.kind === 'finished') return s;
    if (action.kind === 'probe') {
      s = probeEnded(probeStarted(s, action.index, `p-${action.index}`), action.index, { ok: true, lin: acc(0.2), att: acc(0.4), seconds: 5 });
      continue;
    }
    const o = outcome(action.index);
    s = pretrainEnded(s, action.index, o === 'done' ? doneEnd : { ...doneEnd, status: 'failed', message: 'device lost' });
  }
  throw new Error('the queue did not finish');
}

describe('sweep queue', () => {
  it('makes every combination of two knobs, first knob slowest, one run each with its values applied', () => {
    expect(
      combinations([
        { path: 'model.alignment', values: [true, false] },
        { path: 'model.maskRatio', values: [0.25, 0.5] },
      ]),
    ).toEqual([
      [true, 0.25],
      [true, 0.5],
      [false, 0.25],
      [false, 0.5],
    ]);
    const s = newSweep(
      spec([
        { path: 'model.maskRatio', values: [0.25, 0.75] },
        { path: 'train.seed', values: [3] },
      ]),
    );
    const { state, action } = nextAction(s, ids, 42);
    expect(action.kind).toBe('pretrain');
    if (action.kind !== 'pretrain') return;
    expect(action.run.model.maskRatio).toBe(0.25);
    expect(action.run.train.seed).toBe(3);
    expect(action.run.createdAt).toBe(42);
    expect(state.points[0]).toMatchObject({ status: 'pretraining', runId: action.run.id });
    expect(() => newSweep(spec([]))).toThrow(/one or two/);
  });

  it('probes each finished encoder with both probes on the sweep settings and fills the grid', () => {
    const s = drive(newSweep(spec([{ path: 'model.alignment', values: [true, false] }])), () => 'done');
    expect(sweepFinished(s)).toBe(true);
    expect(s.points.map((p) => p.status)).toEqual(['done', 'done']);
    const rows = gridRows(s);
    expect(rows[1]).toMatchObject({ label: 'alignment loss off', total: 1, imagesSeen: 800, seconds: 15 });
    expect(rows[1]!.att!.top1).toBeCloseTo(40);
    const probeSpec = pointProbe(s, 1, 'p', 0);
    expect(probeSpec.encoder).toEqual({ kind: 'run', runId: s.points[1]!.runId });
    expect(probeSpec.model.alignment).toBe(false);
    expect(probeSpec.evaluation.evals).toEqual(['lin', 'att']);
    expect(probeSpec.epochs).toBe(probe.epochs);
    const csv = gridCsv(s).trim().split('\n');
    expect(csv[0]).toMatch(/^model\.alignment,status,total_loss/);
    expect(csv[2]).toMatch(/^false,done,1,0\.5,0\.25,20,1,40,1,800,15,run-\d+,$/);
  });

  it('goes on after a failed run or an invalid value, and keeps the failure with its reason', () => {
    const s = drive(newSweep(spec([{ path: 'model.maskRatio', values: [0.25, 1.5, 0.5, 0.75] }])), (i) => (i === 2 ? 'failed' : 'done'));
    expect(s.points.map((p) => p.status)).toEqual(['done', 'failed', 'failed', 'done']);
    expect(s.points[1]!.message).toBe('Mask ratio must be between 0 and 1 (got 1.5)');
    expect(s.points[1]!.runId).toBeNull();
    expect(s.points[2]!.message).toBe('device lost');
  });

  it('after a reload continues the interrupted run, re-probes an interrupted probe, and restarts a run with no checkpoint', () => {
    let s = newSweep(spec([{ path: 'model.decoderDepth', values: [1, 2, 3] }]));
    s = nextAction(s, ids, 0).state;
    s = pretrainEnded(s, 0, doneEnd); // point 0 waits for its probe
    // A reload: the state comes back from storage as it was (JSON round trip).
    const reloaded = JSON.parse(JSON.stringify(s)) as SweepState;
    const a = nextAction(reloaded, ids, 0);
    expect(a.action).toEqual({ kind: 'probe', index: 0, runId: s.points[0]!.runId });
    let t = probeEnded(a.state, 0, { ok: true, lin: acc(0.1), att: acc(0.2), seconds: 1 });
    t = nextAction(t, ids, 0).state; // point 1 starts pretraining
    const runId = t.points[1]!.runId!;
    const b = nextAction(JSON.parse(JSON.stringify(t)) as SweepState, ids, 0);
    expect(b.action).toEqual({ kind: 'continue', index: 1, runId });
    const restarted = restartPoint(b.state, 1);
    const c = nextAction(restarted, ids, 0);
    expect(c.action.kind).toBe('pretrain');
    expect(c.state.points[1]!.runId).not.toBe(runId);
  });

  it('cancel marks the point in flight and the queued ones, keeps what finished, and starts nothing more', () => {
    let s = newSweep(spec([{ path: 'train.baseLr', values: [0.1, 0.2, 0.4] }]));
    s = nextAction(s, ids, 0).state;
    s = pretrainEnded(s, 0, doneEnd);
    s = probeEnded(s, 0, { ok: true, lin: acc(0.1), att: acc(0.2), seconds: 1 });
    s = nextAction(s, ids, 0).state;
    s = cancelSweep(s);
    expect(s.points.map((p) => p.status)).toEqual(['done', 'cancelled', 'cancelled']);
    expect(sweepFinished(s)).toBe(true);
    expect(nextAction(s, ids, 0).action).toEqual({ kind: 'finished' });
  });

  it('refuses a field the recipe does not have and a value of the wrong type', () => {
    const s = drive(newSweep(spec([{ path: 'model.alignment', values: ['yes'] }])), () => 'done');
    expect(s.points[0]!.message).toMatch(/expected a boolean/);
    const t = drive(newSweep(spec([{ path: 'model.nonsense' as 'model.alignment', values: [1] }])), () => 'done');
    expect(t.points[0]!.message).toMatch(/not a field/);
  });
});

describe('a point’s recipe', () => {
  it('takes warmup with swept steps, at the base recipe’s share', () => {
    const s = spec([{ path: 'train.totalSteps', values: [40, 4000] }]);
    const share = s.base.train.warmupSteps / s.base.train.totalSteps;
    expect(pointRecipe(s, [40]).train.warmupSteps).toBe(Math.min(39, Math.round(share * 40)));
    expect(pointRecipe(s, [4000]).train.warmupSteps).toBe(Math.round(share * 4000));
  });
});
