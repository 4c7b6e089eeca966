// The worker's reads of a tokenizer's bytes (issue 24), over src/train/dvaeCheckpoint.ts and
// src/model/dvaeWeights.ts (one format, `cae-notebook/dvae-1`): the tokenizer alone with the step it
// was saved at, for token targets and the lab, and a run to resume from its checkpoint. A converted
// DALL-E encoder (pytorch/convert_dalle.py, kind "dalle-encoder") reads as an encoder-only tokenizer.
import { type Tokenizer, tokenizerFromFile } from '../model/tokenizer';
import { readSafetensors } from '../model/safetensors';
import { loadDvaeCheckpoint as load, saveDvaeCheckpoint } from '../train/dvaeCheckpoint';
import type { DvaeTrainConfig } from '../train/dvaeSchedule';
import type { DvaeTrainer } from '../train/dvaeTrainer';

export { saveDvaeCheckpoint };

/** The tokenizer alone (names, shapes and values checked), with the step it was saved at (0 for an export without state). */
export function readTokenizer(bytes: Uint8Array): { tokenizer: Tokenizer; step: number } {
  const file = readSafetensors(bytes);
  const tokenizer = tokenizerFromFile(file);
  let step = 0;
  try {
    step = Number((JSON.parse(file.metadata['dvae.state'] ?? '{}') as { step?: number }).step ?? 0);
  } catch {
    // an unreadable state leaves the weights usable; the step is only shown
  }
  return { tokenizer, step };
}

/** A tokenizer run to continue: it must carry its optimizer state, or it would restart its schedules silently. */
export function loadDvaeCheckpoint(bytes: Uint8Array, train: DvaeTrainConfig): { trainer: DvaeTrainer; extra: Record<string, string> } {
  const r = load(bytes, { train });
  if (!r.resumed) {
    r.trainer.dispose();
    r.model.dispose();
    throw new Error('it carries no optimizer state to resume from (an exported tokenizer can be used, not resumed)');
  }
  return { trainer: r.trainer, extra: r.extra };
}
