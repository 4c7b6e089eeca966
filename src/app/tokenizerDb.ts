// The tokenizers kept in this browser (issue 24): each record holds the run's spec, status, thinned
// curve and its latest checkpoint (safetensors in a Blob), in one entry of the notebook's IndexedDB,
// so a record never names a checkpoint that is not there.
import { STORES, tx } from '../data/notebookDb';
import type { RunStatus, TokenizerPoint, TokenizerSpec } from '../protocol/messages';

export interface TokenizerRecord {
  readonly spec: TokenizerSpec;
  readonly status: RunStatus;
  readonly step: number;
  readonly latest: TokenizerPoint | null;
  /** The curve thinned to a few hundred points. */
  readonly curve: readonly TokenizerPoint[];
  /** The latest checkpoint: what Resume continues from, token targets and the lab load, and Export writes. */
  readonly checkpoint: { readonly step: number; readonly bytes: Blob } | null;
  readonly updatedAt: number;
}

export async function putTokenizer(r: TokenizerRecord): Promise<void> {
  await tx(STORES.tokenizers, 'readwrite', (s) => s.put(r));
}

/** Newest first. */
export async function listTokenizers(): Promise<TokenizerRecord[]> {
  const all = await tx<TokenizerRecord[]>(STORES.tokenizers, 'readonly', (s) => s.getAll() as IDBRequest<TokenizerRecord[]>);
  return all.sort((a, b) => b.spec.createdAt - a.spec.createdAt);
}

export async function deleteTokenizer(id: string): Promise<void> {
  await tx(STORES.tokenizers, 'readwrite', (s) => s.delete(id));
}
