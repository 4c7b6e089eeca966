// Reading a model checkpoint: a safetensors file with official parameter names whose metadata says
// which config it was made for (this project's `cae.model`, or the official names under `config`).
import { type CaeConfig, fromOfficialConfig, validateConfig, type OfficialConfig } from './config';
import { readSafetensors, type StFile } from './safetensors';

export const FORMAT = 'cae-notebook/1';

export interface ModelCheckpoint {
  readonly config: CaeConfig;
  readonly file: StFile;
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`checkpoint metadata "${what}" is not valid JSON`);
  }
}

/** The config a file declares, or null when it declares none (a bare official state dict). */
export function declaredConfig(file: StFile): CaeConfig | null {
  const ours = file.metadata['cae.model'];
  if (ours !== undefined) return validateConfig(parseJson<CaeConfig>(ours, 'cae.model'));
  const official = file.metadata.config;
  if (official !== undefined) return fromOfficialConfig(parseJson<OfficialConfig>(official, 'config'));
  return null;
}

/**
 * Parses a checkpoint. `fallback` supplies the config for files that declare none (an official
 * state dict saved without metadata): their tensors are then checked against it on load.
 */
export function readModelCheckpoint(bytes: ArrayBuffer | Uint8Array, fallback?: CaeConfig): ModelCheckpoint {
  const file = readSafetensors(bytes);
  const config = declaredConfig(file) ?? fallback;
  if (!config) throw new Error('checkpoint carries no config in its metadata; choose the preset it was trained with and load it again');
  return { config, file };
}
