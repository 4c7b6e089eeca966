// The page's side of tokenizer runs (issue 24): start, stop and resume them, keep their records and
// latest checkpoints in IndexedDB, send kept ones to the worker before a token run or the lab uses
// them, and import and export their safetensors. Components call these; only workerClient touches the worker.
import type { FromWorker, TokenizerPoint } from '../protocol/messages';
import { thin } from './charts';
import { downloadBlob } from './download';
import { useStore } from './store';
import { requestPersistentStorage } from './tabs';
import { deleteTokenizer, listTokenizers, putTokenizer, type TokenizerRecord } from './tokenizerDb';
import { buildTokenizerSpec } from './tokenizers';
import { missingDataset } from './specs';
import { onWorkerMessage, send } from './workerClient';

const notify = (text: string) => useStore.getState().notify(text);
const CURVE_POINTS = 300;
const PERSIST_EVERY_MS = 2000;

let lastId = '';
/** A tokenizer id from the clock, never the same twice in this page. */
export function newTokenizerId(): string {
  let id = `tok-${Date.now().toString(36)}`;
  if (id <= lastId) id = `tok-${(parseInt(lastId.slice(4), 36) + 1).toString(36)}`;
  lastId = id;
  return id;
}

/** Reads the kept tokenizers into the store. */
export async function refreshTokenizers(): Promise<void> {
  try {
    useStore.getState().setTokenizers(await listTokenizers());
  } catch (e) {
    notify(`The tokenizers could not be read from this browser's storage: ${(e as Error).message}`);
  }
}

/** Validates the tokenizer form and starts a run; a bad field becomes a notice. */
export function startTokenizer(): void {
  const { tokenizerForm, datasets, tokenizerRun } = useStore.getState();
  if (tokenizerRun && (tokenizerRun.status === 'starting' || tokenizerRun.status === 'running')) return notify('A tokenizer is training; stop it first.');
  const spec = buildTokenizerSpec(tokenizerForm, newTokenizerId(), Date.now());
  if (typeof spec === 'string') return notify(spec);
  if (missingDataset(spec.dataset, datasets)) return notify(`The dataset ${spec.dataset} is not kept in this browser; choose another.`);
  useStore.getState().tokenizerStarted(spec);
  send({ type: 'tokenizer/start', spec });
}

export const stopTokenizer = () => send({ type: 'tokenizer/stop' });

/** Continues a kept tokenizer from its latest checkpoint, with its curve up to there. */
export function continueTokenizer(id: string): void {
  const rec = useStore.getState().tokenizers.find((t) => t.spec.id === id);
  if (!rec?.checkpoint) return notify('No checkpoint of that tokenizer is kept in this browser; it cannot be resumed.');
  const run = useStore.getState().tokenizerRun;
  if (run && (run.status === 'starting' || run.status === 'running')) return notify('A tokenizer is training; stop it first.');
  useStore.getState().tokenizerStarted(rec.spec, { step: rec.checkpoint.step, history: rec.curve.filter((p) => p.step <= rec.checkpoint!.step) });
  send({ type: 'tokenizer/start', spec: rec.spec, checkpoint: rec.checkpoint.bytes });
}

/**
 * Sends a kept tokenizer to the worker unless it holds it already, and waits for its answer. Null
 * when it is held, else why it could not be loaded, in words.
 */
export async function loadKeptTokenizer(id: string): Promise<string | null> {
  if (useStore.getState().heldTokenizers.some((t) => t.id === id)) return null;
  const rec = useStore.getState().tokenizers.find((t) => t.spec.id === id);
  if (!rec?.checkpoint) return `no checkpoint of tokenizer ${id} is kept in this browser`;
  return loadInWorker(id, `${id}.safetensors`, rec.checkpoint.bytes);
}

function loadInWorker(id: string, name: string, bytes: Blob): Promise<string | null> {
  const answer = new Promise<string | null>((resolve) => {
    const stop = onWorkerMessage((m) => {
      if (m.type === 'tokenizer/list' && m.list.some((t) => t.id === id)) resolve(null);
      else if (m.type === 'tokenizer/refused' && m.id === id) resolve(m.message);
      else return;
      stop();
    });
  });
  send({ type: 'tokenizer/load', id, name, bytes });
  return answer;
}

/** A tokenizer file the user chose: checked by the worker, then kept as a record of its own. */
export async function importTokenizerFile(file: File): Promise<void> {
  const id = `tok-file-${file.name.replace(/\.safetensors$/, '')}`;
  const refused = await loadInWorker(id, file.name, file);
  if (refused) return; // the slice told it as a notice
  const entry = useStore.getState().heldTokenizers.find((t) => t.id === id)!;
  const rec: TokenizerRecord = {
    spec: {
      id,
      presetId: 'imported',
      model: entry.model,
      totalSteps: entry.step,
      batchSize: 0,
      seed: 0,
      dataset: '',
      checkpointEvery: 0,
      createdAt: Date.now(),
    },
    status: 'done',
    step: entry.step,
    latest: null,
    curve: [],
    checkpoint: { step: entry.step, bytes: file },
    updatedAt: Date.now(),
  };
  await save(rec);
}

/** Downloads a kept tokenizer's latest checkpoint as .safetensors. */
export function exportTokenizer(id: string): void {
  const rec = useStore.getState().tokenizers.find((t) => t.spec.id === id);
  if (!rec?.checkpoint) return notify('No checkpoint of that tokenizer is kept in this browser.');
  downloadBlob(rec.checkpoint.bytes, `${id}-step${rec.checkpoint.step}.safetensors`, 'application/octet-stream');
}

export async function removeTokenizer(id: string): Promise<void> {
  const run = useStore.getState().tokenizerRun;
  if (run?.spec.id === id && (run.status === 'starting' || run.status === 'running')) return notify('Stop the tokenizer before deleting it.');
  try {
    await deleteTokenizer(id);
  } catch (e) {
    notify(`The tokenizer could not be deleted (${(e as Error).message}).`);
  }
  await refreshTokenizers();
}

async function save(rec: TokenizerRecord): Promise<void> {
  try {
    await putTokenizer(rec);
  } catch (e) {
    const full = (e as DOMException)?.name === 'QuotaExceededError';
    notify(full ? "This browser's storage is full, so the tokenizer was not kept." : `The tokenizer could not be kept (${(e as Error).message}).`);
  }
  await refreshTokenizers();
}

/** The newest checkpoint the worker sent per tokenizer: a record written after it must not name an older one. */
const newest = new Map<string, { step: number; bytes: Blob }>();

/** The record of the run this page trains, with its newest checkpoint (else the kept one). */
function record(): TokenizerRecord | null {
  const run = useStore.getState().tokenizerRun;
  if (!run || run.refused) return null;
  const kept = useStore.getState().tokenizers.find((t) => t.spec.id === run.spec.id);
  const checkpoint = newest.get(run.spec.id);
  const history: readonly TokenizerPoint[] = run.history;
  return {
    spec: run.spec,
    status: run.status,
    step: run.step,
    latest: history.at(-1) ?? null,
    curve: thin(history, CURVE_POINTS),
    checkpoint: checkpoint ?? kept?.checkpoint ?? null,
    updatedAt: Date.now(),
  };
}

let lastPersist = 0;
/** Writes run one after another, so the last one written is the newest. */
let writing: Promise<void> = Promise.resolve();

/** Writes what a tokenizer message changes in IndexedDB (after the store took it in). */
function keep(msg: FromWorker): void {
  const now = Date.now();
  if (msg.type === 'tokenizer/checkpoint') {
    void requestPersistentStorage();
    newest.set(msg.id, { step: msg.step, bytes: msg.bytes });
  } else if (!(msg.type === 'tokenizer/status' || (msg.type === 'tokenizer/metrics' && now - lastPersist > PERSIST_EVERY_MS))) return;
  lastPersist = now;
  const r = record();
  if (r) writing = writing.then(() => save(r));
}

/** Called once the worker runs: reads the kept tokenizers and keeps what the worker reports. */
export function watchTokenizers(): void {
  onWorkerMessage(keep);
  void refreshTokenizers();
}
