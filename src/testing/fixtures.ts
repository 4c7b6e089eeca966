// Finds and reads the official-code parity fixtures (NAME.weights.safetensors + NAME.io.safetensors).
// The folder is ../shared/fixtures/cae-official beside the project, or $CAE_FIXTURES_DIR.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, type StFile } from '../model/safetensors';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function fixturesDir(): string {
  return process.env.CAE_FIXTURES_DIR ?? resolve(root, '../shared/fixtures/cae-official');
}

/** Names that have both files. */
export function fixtureNames(dir = fixturesDir()): string[] {
  if (!existsSync(dir)) return [];
  const files = new Set(readdirSync(dir));
  return [...files]
    .filter((f) => f.endsWith('.weights.safetensors'))
    .map((f) => f.slice(0, -'.weights.safetensors'.length))
    .filter((n) => files.has(`${n}.io.safetensors`))
    .sort();
}

export interface Fixture {
  readonly name: string;
  readonly weightsBytes: Uint8Array;
  readonly weights: StFile;
  readonly io: StFile;
}

export function loadFixture(name: string, dir = fixturesDir()): Fixture {
  const weightsBytes = new Uint8Array(readFileSync(join(dir, `${name}.weights.safetensors`)));
  return {
    name,
    weightsBytes,
    weights: readSafetensors(weightsBytes),
    io: readSafetensors(new Uint8Array(readFileSync(join(dir, `${name}.io.safetensors`)))),
  };
}
