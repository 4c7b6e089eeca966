// Turning what the user picked or dropped into an import: files with their paths below the chosen
// folder, and which kind of import they make (an image folder, one .zip of one, CIFAR-10 files, or
// IDX files of the MNIST family).
import { cifarRole } from '../data/cifar';
import { idxDatasetName, idxRole } from '../data/idxImport';
import type { ImportFile } from '../protocol/messages';

export type ImportKind = 'folder' | 'zip' | 'cifar10' | 'idx';

/** Files from an <input type=file>: a picked folder's files carry their path below it. */
export function fromInput(list: FileList | readonly File[]): ImportFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** The kind of import a set of files makes, or a reason it makes none. */
export function importKind(files: readonly ImportFile[]): ImportKind | { error: string } {
  if (files.length === 0)
    return { error: 'No files were chosen (an empty folder?). Choose a folder of images, a .zip of one, the CIFAR-10 binary files, or IDX files.' };
  const zips = files.filter((f) => f.path.toLowerCase().endsWith('.zip'));
  if (zips.length > 0) return files.length === 1 ? 'zip' : { error: 'Choose one .zip on its own: a zip is imported as a whole folder.' };
  if (files.some((f) => cifarRole(f.path) === 'train' || cifarRole(f.path) === 'val')) return 'cifar10';
  if (files.some((f) => idxRole(f.path)?.kind === 'images')) return 'idx';
  return 'folder';
}

/** A name for the dataset: the picked folder's, the zip's, or CIFAR-10. */
export function importName(files: readonly ImportFile[], kind: ImportKind): string {
  if (kind === 'cifar10') return 'CIFAR-10';
  if (kind === 'idx') return idxDatasetName(files.map((f) => f.path));
  const first = files[0]?.path ?? 'images';
  if (kind === 'zip')
    return first
      .split('/')
      .pop()!
      .replace(/\.zip$/i, '');
  const top = first.split('/').filter(Boolean);
  return files.every((f) => f.path.split('/').filter(Boolean)[0] === top[0]) && top.length > 1 ? top[0]! : 'images';
}

/** Every file below dropped items, with paths from the drop (folders are walked). */
export async function fromDrop(dt: DataTransfer): Promise<ImportFile[]> {
  const entries = Array.from(dt.items)
    .map((i) => i.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  const out: ImportFile[] = [];
  const walk = async (e: FileSystemEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isFile) out.push({ path, file: await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej)) });
    else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      // readEntries returns the listing in batches until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, path);
      }
    }
  };
  // Without the entries API (or for a drop made by a script) the plain file list still serves.
  if (entries.length === 0) return fromInput(dt.files);
  for (const e of entries) await walk(e, '');
  return out;
}
