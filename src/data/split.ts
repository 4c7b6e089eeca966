// The seeded train/val split of an imported folder without train/ and val/ subfolders: within each
// class (stratified, so every class keeps its share), paths are sorted, shuffled by the seed, and
// the first round(share · n) go to val. The same files, share and seed always give the same split.
import { Rng } from '../model/random';

export interface SplitOptions {
  /** Fraction of each class held out for validation, in [0, 1). */
  readonly valShare: number;
  readonly seed: number;
}

/** FNV-1a of a string: a group's stream depends on its name, not on its place among the others. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** For each named group (a class) of paths, the set of those that go to val. */
export function seededSplit(groups: ReadonlyMap<string, readonly string[]>, o: SplitOptions): Set<string> {
  if (!(o.valShare >= 0 && o.valShare < 1)) throw new Error(`the validation share must be in [0, 1), got ${o.valShare}`);
  const val = new Set<string>();
  groups.forEach((paths, name) => {
    // One stream per class: adding a class does not reshuffle the others.
    const rng = new Rng((Math.imul(o.seed >>> 0, 0x9e3779b1) ^ hash(name)) >>> 0);
    const order = rng.shuffle([...paths].sort());
    order.slice(0, Math.round(o.valShare * paths.length)).forEach((p) => val.add(p));
  });
  return val;
}

/**
 * The same rule over items known by index and label (an IDX file's): within each class the indices,
 * in file order, are shuffled by the class's stream and the first round(share · n) go to val. Returns
 * 1 for a val item, 0 for a training one.
 */
export function seededLabelSplit(labels: ArrayLike<number>, o: SplitOptions): Uint8Array {
  if (!(o.valShare >= 0 && o.valShare < 1)) throw new Error(`the validation share must be in [0, 1), got ${o.valShare}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]!) ?? [];
    members.push(i);
    byClass.set(labels[i]!, members);
  }
  const val = new Uint8Array(labels.length);
  byClass.forEach((indices, label) => {
    const rng = new Rng((Math.imul(o.seed >>> 0, 0x9e3779b1) ^ hash(`class ${label}`)) >>> 0);
    rng
      .shuffle(indices)
      .slice(0, Math.round(o.valShare * indices.length))
      .forEach((i) => (val[i] = 1));
  });
  return val;
}
