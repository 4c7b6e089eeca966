import { describe, expect, it } from 'vitest';
import { MICRO } from '../../model/presets';
import type { ProbeSpec, RunSpec } from '../../protocol/messages';
import { defaultTrainConfig } from '../../train/defaults';
import { testProbeSpec } from '../../testing/probeSpec';
import { newSweep, type SweepState } from './sweep';
import { type SweepHost, SweepRunner } from './sweepRunner';

const { id: _i, encoder: _e, presetId: _p, model: _m, createdAt: _c, ...probe } = testProbeSpec({});
const sweep = () =>
  newSweep({
    id: 's',
    name: 'mask ratio',
    base: { presetId: 'micro', model: MICRO, train: defaultTrainConfig('micro'), dataset: 'shapes-easy', checkpointEvery: 50 },
    knobs: [{ path: 'model.maskRatio', values: [0.25, 0.5, 0.75] }],
    probe,
    createdAt: 0,
  });

/** A host that records what the runner asked for and keeps the saved state, as IndexedDB would. */
let n = 0; // ids unique across hosts, as the page's are across reloads
function fakeHost(checkpoints = new Set<string>()) {
  const log: string[] = [];
  const host = {
    saved: null as SweepState | null,
    runs: [] as RunSpec[],
    probes: [] as ProbeSpec[],
    log,
    startRun: (r: RunSpec) => (host.runs.push(r), log.push(`run ${r.id}`)),
    continueRun: async (id: string) => (log.push(`continue ${id}`), checkpoints.has(id)),
    startProbe: (p: ProbeSpec) => (host.probes.push(p), log.push(`probe ${p.id}`)),
    stop: (k: 'run' | 'probe') => log.push(`stop ${k}`),
    save: async (s: SweepState) => {
      host.saved = JSON.parse(JSON.stringify(s)) as SweepState;
    },
    changed: () => undefined,
    newId: (p: string) => `${p}-${++n}`,
    now: () => 0,
  } satisfies SweepHost & Record<string, unknown>;
  return host;
}
const ok = { status: 'done', message: null, losses: { total: 1, reconstruction: 1, alignment: 0 }, imagesSeen: 8, seconds: 1 };
const acc = { top1: 0.5, se: 0.02, sd: 0, seeds: 1, valImages: 500 };

describe('SweepRunner', () => {
  it('runs one point at a time, probes each, goes on after a failure, and ignores runs that are not its own', async () => {
    const host = fakeHost();
    const r = new SweepRunner(sweep(), host);
    await r.advance();
    await r.advance(); // a second call while a run is in flight starts nothing
    expect(host.runs.length).toBe(1);
    await r.runEnded('someone-elses-run', ok);
    expect(host.probes.length).toBe(0);
    await r.runEnded(host.runs[0]!.id, ok);
    expect(host.probes.length).toBe(1);
    await r.probeEnded(host.probes[0]!.id, { ok: false, message: 'device lost', seconds: 2 });
    expect(host.runs.length).toBe(2);
    await r.runEnded(host.runs[1]!.id, { ...ok, status: 'diverged', message: 'loss is NaN' });
    await r.runEnded(host.runs[2]!.id, ok);
    await r.probeEnded(host.probes[1]!.id, { ok: true, lin: acc, att: acc, seconds: 2 });
    expect(r.state.points.map((p) => [p.status, p.message])).toEqual([
      ['failed', 'device lost'],
      ['failed', 'loss is NaN'],
      ['done', null],
    ]);
    expect(host.runs.map((x) => x.model.maskRatio)).toEqual([0.25, 0.5, 0.75]);
    expect(host.saved!.points[2]!.att).toEqual(acc);
  });

  it('continues where it stopped after a reload: the interrupted run from its checkpoint, else a new run', async () => {
    const first = fakeHost();
    const r = new SweepRunner(sweep(), first);
    await r.advance();
    const interrupted = first.runs[0]!.id;
    // Reload with a checkpoint: the same run continues, then the queue goes on.
    const withCkpt = fakeHost(new Set([interrupted]));
    const again = new SweepRunner(first.saved!, withCkpt);
    await again.advance();
    expect(withCkpt.log).toEqual([`continue ${interrupted}`]);
    await again.runEnded(interrupted, ok);
    expect(withCkpt.probes[0]!.encoder).toEqual({ kind: 'run', runId: interrupted });
    // Reload without a checkpoint: the point starts over with a new run.
    const none = fakeHost();
    const fresh = new SweepRunner(first.saved!, none);
    await fresh.advance();
    expect(none.log[0]).toBe(`continue ${interrupted}`);
    expect(none.runs.length).toBe(1);
    expect(none.runs[0]!.id).not.toBe(interrupted);
    expect(none.saved!.points[0]!.runId).toBe(none.runs[0]!.id);
  });

  it('cancel stops what is in flight, keeps finished points, and a late end changes nothing', async () => {
    const host = fakeHost();
    const r = new SweepRunner(sweep(), host);
    await r.advance();
    await r.runEnded(host.runs[0]!.id, ok);
    await r.cancel();
    expect(host.log.at(-1)).toBe('stop probe');
    await r.probeEnded(host.probes[0]!.id, { ok: true, lin: acc, att: acc, seconds: 1 });
    await r.advance();
    expect(host.runs.length).toBe(1);
    expect(host.saved!.points.map((p) => p.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(host.saved!.cancelled).toBe(true);
  });
});
