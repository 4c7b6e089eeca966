// The worker's GPU device through its life: which backend runs, when it was lost, and its one
// replacement after each loss. Training recovers through its own run (PretrainRun.recover);
// evaluations and lab requests ask here whether their failure came from a loss, wait for the new
// device and run again, so every part of the worker recovers the same way and says so.
import type { BackendInfo, BackendKind, FromWorker } from '../protocol/messages';
import { restartBackend, startBackend } from './backend';

/** How long a failure waits for the loss it may have come ahead of (a read-back fails first, the loss is told a moment later). */
const LOSS_TOLD_WITHIN_MS = 2000;

export class Device {
  info: BackendInfo | null = null;
  /** Counts losses: work begun under an older count failed because of a loss. */
  private losses = 0;
  private why: string | null = null;
  private replacement: Promise<BackendInfo> | null = null;
  private waiters: (() => void)[] = [];

  /** `onLost` hears each loss first (an active training run takes it). */
  constructor(
    private readonly post: (msg: FromWorker) => void,
    private readonly onLost: (message: string) => void,
  ) {}

  async start(force?: BackendKind): Promise<BackendInfo> {
    this.info = await startBackend((m) => this.lost(m), force);
    return this.info;
  }

  private lost(message: string): void {
    this.losses++;
    this.why = message;
    this.replacement = null;
    for (const w of this.waiters.splice(0)) w();
    this.onLost(message);
  }

  /** A mark to compare with later: see lostSince. */
  get mark(): number {
    return this.losses;
  }

  /**
   * Why the device was lost since `mark`, or null when it was not. A failure asks right after it
   * happened, so a loss not yet told is waited for a moment.
   */
  async lostSince(mark: number): Promise<string | null> {
    if (this.losses === mark) await new Promise<void>((r) => (this.waiters.push(r), setTimeout(r, LOSS_TOLD_WITHIN_MS)));
    return this.losses === mark ? null : this.why;
  }

  /** The new device after the latest loss: started once however many ask, and announced to the page. */
  replace(): Promise<BackendInfo> {
    this.replacement ??= restartBackend((m) => this.lost(m), this.info?.kind ?? 'webgpu').then((info) => {
      this.info = info;
      this.post({ type: 'backend', info });
      return info;
    });
    // A start that failed may be tried again by the next one who asks.
    this.replacement.catch(() => (this.replacement = null));
    return this.replacement;
  }

  /**
   * Runs `work`; when it failed because the device was lost, tells the page, waits for the new
   * device, calls `again` (drop what lived on the old one) and runs it once more. Any error it ends
   * with names the lost GPU, never the raw WebGPU error a dead device gives. `what` reads in a
   * sentence: "the evaluation", "a lab request".
   */
  async recovering<T>(what: string, work: () => Promise<T>, again: () => void): Promise<T> {
    const mark = this.mark;
    try {
      return await work();
    } catch (e) {
      const why = await this.lostSince(mark);
      if (why === null) throw e;
      this.post({
        type: 'error',
        message: `The GPU device was lost during ${what} (${why}). A new device is starting, and ${what} runs again from the start.`,
      });
      try {
        await this.replace();
      } catch (r) {
        throw new Error(`${lostDeviceWords(why)} and a new device could not start (${(r as Error).message}); reload the page`, { cause: r });
      }
      again();
      const second = this.mark;
      try {
        return await work();
      } catch (e2) {
        const again = await this.lostSince(second);
        throw again === null ? e2 : new Error(`${lostDeviceWords(again)} twice in a row; reload the page, or close other GPU-heavy tabs`, { cause: e2 });
      }
    }
  }
}

/** The user's words for a failure on a lost device: the GPU, not the raw WebGPU error. */
export const lostDeviceWords = (why: string) => `the GPU device was lost (${why})`;
