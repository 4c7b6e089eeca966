// The engine a run's steps are on, and why TF.js runs where it does, told to the page whenever it
// changes: the part of choosing an engine that a pretraining run's StepEngine and a tokenizer
// run's DvaeStepEngine share.
import type { EngineName } from '../protocol/messages';

export class EngineChoice {
  name: EngineName = 'tfjs';
  /** Why the TF.js engine runs; null while replaying or before the replay was tried. */
  reason: string | null = null;

  constructor(
    /** Hears of the engine whenever it changes (tracing and refusals run on TF.js, with the reason). */
    private readonly onChosen: (name: EngineName, reason: string | null) => void = () => undefined,
  ) {}

  protected choose(name: EngineName, reason: string | null): void {
    if (name === this.name && reason === this.reason) return;
    this.name = name;
    this.reason = reason;
    this.onChosen(name, reason);
  }
}
