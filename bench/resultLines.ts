// bench:probe's per-encoder result lines, as the scripts that read them back (bench:targets,
// bench:choose) need them.
import { readFileSync } from 'node:fs';

/** One encoder's readout over the seeds. */
export interface ResultLine {
  readonly encoder: string;
  readonly eval: string;
  readonly perSeed: readonly number[];
  readonly valImages: number;
  readonly split?: string;
}

/** The result lines of one bench:probe output file, in order (other lines skipped). */
export const readResultLines = (file: string): ResultLine[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"encoder"'))
    .map((l) => JSON.parse(l) as ResultLine);
