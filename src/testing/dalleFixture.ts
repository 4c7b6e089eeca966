// DALL-E's encoder as pytorch/make_dalle_fixtures.py converted it (a randomly initialized encoder of
// the published architecture at h = 8, K = 32, 32 px → 4×4 codes). The fixture also carries the
// test's input, logits and codes; `dalleEncoderFile` drops them, giving the file a user would import
// after running pytorch/convert_dalle.py.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, writeSafetensors } from '../model/safetensors';

export const DALLE_FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../../pytorch/tests/fixtures/dalle-encoder-tiny.safetensors');

/** The converted encoder's weights and metadata, without the fixture's test tensors. */
export function dalleEncoderFile(): Uint8Array {
  const f = readSafetensors(new Uint8Array(readFileSync(DALLE_FIXTURE)));
  const tensors = [...f.tensors].filter(([n]) => !['input', 'logits', 'codes'].includes(n));
  return writeSafetensors(tensors, { format: f.metadata.format!, 'dvae.model': f.metadata['dvae.model']! });
}
