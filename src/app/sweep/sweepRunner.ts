// Drives a sweep through the page's own ways of starting runs and probes (the host), one point at a
// time, saving the sweep after every transition so a reload continues where it stopped. The host is
// an interface so the queue's driving is tested without a worker; the store supplies the real one.
import type { ProbeSpec, RunSpec } from '../../protocol/messages';
import type { Accuracy } from '../../train/accuracy';
import { cancelSweep, nextAction, pointProbe, type PointLosses, pretrainEnded, probeEnded, probeStarted, restartPoint, type SweepState } from './sweep';

export interface SweepHost {
  startRun(run: RunSpec): void;
  /** Continue a run a reload interrupted, from its last checkpoint; false when it has none. */
  continueRun(runId: string): Promise<boolean>;
  startProbe(spec: ProbeSpec): void;
  /** Stop whatever the sweep has in flight (cancel). */
  stop(kind: 'run' | 'probe'): void;
  save(state: SweepState): Promise<void>;
  /** The sweep's state changed (for the grid). */
  changed(state: SweepState): void;
  newId(prefix: 'run' | 'probe'): string;
  now(): number;
}

export interface RunEnd {
  readonly status: string;
  readonly message: string | null;
  readonly losses: PointLosses | null;
  readonly imagesSeen: number;
  readonly seconds: number;
}

export type ProbeEnd =
  | { readonly ok: true; readonly lin: Accuracy | null; readonly att: Accuracy | null; readonly seconds: number }
  | { readonly ok: false; readonly message: string; readonly seconds: number };

export class SweepRunner {
  private inFlight: { kind: 'run' | 'probe'; id: string; index: number } | null = null;

  constructor(
    private s: SweepState,
    private readonly host: SweepHost,
  ) {}

  get state(): SweepState {
    return this.s;
  }

  /** What the sweep waits for, if anything: the run or probe id. */
  get waitingFor(): { kind: 'run' | 'probe'; id: string } | null {
    return this.inFlight;
  }

  private async commit(s: SweepState): Promise<void> {
    this.s = s;
    this.host.changed(s);
    await this.host.save(s);
  }

  /** Start the next point's next stage, unless something is in flight. Safe to call any time. */
  async advance(): Promise<void> {
    while (!this.inFlight) {
      const { state, action } = nextAction(this.s, () => this.host.newId('run'), this.host.now());
      await this.commit(state);
      switch (action.kind) {
        case 'finished':
          return;
        case 'pretrain':
          this.inFlight = { kind: 'run', id: action.run.id, index: action.index };
          this.host.startRun(action.run);
          return;
        case 'continue':
          this.inFlight = { kind: 'run', id: action.runId, index: action.index };
          if (await this.host.continueRun(action.runId)) return;
          this.inFlight = null;
          await this.commit(restartPoint(this.s, action.index));
          break;
        case 'probe': {
          const id = this.host.newId('probe');
          this.inFlight = { kind: 'probe', id, index: action.index };
          await this.commit(probeStarted(this.s, action.index, id));
          this.host.startProbe(pointProbe(this.s, action.index, id, this.host.now()));
          return;
        }
      }
    }
  }

  /** A run ended (any status). Ignored unless it is the sweep's run in flight. */
  async runEnded(runId: string, end: RunEnd): Promise<void> {
    const f = this.inFlight;
    if (!f || f.kind !== 'run' || f.id !== runId || this.s.cancelled) return;
    this.inFlight = null;
    await this.commit(pretrainEnded(this.s, f.index, end));
    await this.advance();
  }

  /** A probe ended. Ignored unless it is the sweep's probe in flight. */
  async probeEnded(probeId: string, end: ProbeEnd): Promise<void> {
    const f = this.inFlight;
    if (!f || f.kind !== 'probe' || f.id !== probeId || this.s.cancelled) return;
    this.inFlight = null;
    await this.commit(probeEnded(this.s, f.index, end));
    await this.advance();
  }

  async cancel(): Promise<void> {
    const f = this.inFlight;
    this.inFlight = null;
    await this.commit(cancelSweep(this.s));
    if (f) this.host.stop(f.kind);
  }
}
