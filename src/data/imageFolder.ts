// What an imported folder means, from its file paths alone (torchvision's ImageFolder convention):
// one subfolder per class (class names sorted, files found at any depth below), a folder of bare
// images is an unlabelled set, and `train/` and `val/` folders above the class folders fix the split;
// otherwise the seeded split of ./split.ts holds out a share of each class.
import type { Split } from './shapes';
import { seededSplit, type SplitOptions } from './split';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'jfif', 'gif', 'bmp', 'webp', 'avif'] as const;

/** Folder names that mark the validation split, in order of preference (test is the last resort). */
const VAL_NAMES = ['val', 'validation', 'valid', 'test'] as const;

export interface Skipped {
  readonly path: string;
  readonly reason: string;
}

export interface PlannedFile {
  readonly path: string;
  /** Class index, or -1 in an unlabelled set. */
  readonly label: number;
  readonly split: Split;
}

export interface FolderPlan {
  /** Class names, sorted; empty for an unlabelled set. */
  readonly classes: readonly string[];
  /** How the split was made: by train/ and val/ folders, or by the seed. */
  readonly splitBy: 'folders' | 'seed';
  /** Training files first, then validation files, each ordered by class then path. */
  readonly files: readonly PlannedFile[];
  /** Files left out before decoding (not images, outside the class folders), with why. */
  readonly skipped: readonly Skipped[];
}

const parts = (path: string) =>
  path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s.length > 0 && s !== '.');

/** Hidden files and operating-system litter, left out without a word. */
const isLitter = (segs: readonly string[]) => segs.some((s) => s.startsWith('.') || s === '__MACOSX') || /^(thumbs\.db|desktop\.ini)$/i.test(segs.at(-1) ?? '');

const extension = (name: string) => (name.includes('.') ? name.split('.').pop()!.toLowerCase() : '');

/**
 * Drops the folders every image shares: the folder the user picked, the one a zip wraps its content
 * in, and a lone class folder (one class is no labelling: the set is then unlabelled).
 */
function stripCommonRoot(images: { segs: string[] }[]): void {
  while (images.length > 0 && images.every((f) => f.segs.length > 1 && f.segs[0] === images[0]!.segs[0])) for (const f of images) f.segs = f.segs.slice(1);
}

/** Labels and split from the paths of an imported folder or archive. */
export function planImageFolder(paths: readonly string[], o: SplitOptions): FolderPlan {
  const skipped: Skipped[] = [];
  const images: { path: string; segs: string[] }[] = [];
  for (const path of paths) {
    const segs = parts(path);
    if (segs.length === 0 || isLitter(segs)) continue;
    const ext = extension(segs.at(-1)!);
    if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext))
      skipped.push({ path, reason: ext ? `not an image type this reader takes (.${ext})` : 'no file extension, so not taken as an image' });
    else images.push({ path, segs });
  }
  stripCommonRoot(images);

  // Split folders: train/ beside one of val/, validation/, valid/ or test/.
  const tops = new Map(images.filter((f) => f.segs.length > 1).map((f) => [f.segs[0]!.toLowerCase(), f.segs[0]!]));
  const valTop = tops.has('train') ? VAL_NAMES.find((n) => tops.has(n)) : undefined;
  const splitBy = valTop ? 'folders' : 'seed';
  const inSplit: { path: string; rest: string[]; split: Split | null }[] = [];
  for (const f of images) {
    if (!valTop) {
      inSplit.push({ path: f.path, rest: f.segs, split: null });
      continue;
    }
    const top = f.segs.length > 1 ? f.segs[0]!.toLowerCase() : '';
    if (top === 'train' || top === valTop) inSplit.push({ path: f.path, rest: f.segs.slice(1), split: top === 'train' ? 'train' : 'val' });
    else skipped.push({ path: f.path, reason: `outside train/ and ${tops.get(valTop)}/, which set the split` });
  }

  const labelled = inSplit.some((f) => f.rest.length > 1);
  const classes = labelled ? [...new Set(inSplit.filter((f) => f.rest.length > 1).map((f) => f.rest[0]!))].sort() : [];
  const kept: { path: string; label: number; split: Split | null }[] = [];
  for (const f of inSplit) {
    if (labelled && f.rest.length < 2) skipped.push({ path: f.path, reason: 'not inside a class folder' });
    else kept.push({ path: f.path, label: labelled ? classes.indexOf(f.rest[0]!) : -1, split: f.split });
  }

  let files: PlannedFile[];
  if (valTop) files = kept.map((f) => ({ path: f.path, label: f.label, split: f.split! }));
  else {
    const groups = new Map<string, string[]>();
    for (const f of kept) {
      const g = labelled ? classes[f.label]! : '';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(f.path);
    }
    const val = seededSplit(groups, o);
    files = kept.map((f) => ({ path: f.path, label: f.label, split: val.has(f.path) ? 'val' : 'train' }));
  }
  const rank = (s: Split) => (s === 'train' ? 0 : 1);
  files.sort((a, b) => rank(a.split) - rank(b.split) || a.label - b.label || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { classes, splitBy, files, skipped };
}
