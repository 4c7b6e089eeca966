// This device's measured speeds of tokenizer runs and feature maps, kept in localStorage beside the
// runs' (./speeds.ts, a key of its own so neither reads the other's shape); ./jobEstimates.ts turns
// them into the estimate shown before Start. Recorded from the store as the jobs report progress.
import { mapJobAfter, tokenizerSpeedOf, type MapJob, type MapSpeed, type TokenizerSpeed } from './jobEstimates';
import { useStore } from './store';

interface JobSpeeds {
  readonly tokenizers: readonly TokenizerSpeed[];
  readonly maps: readonly MapSpeed[];
}

const KEY = 'cae-speeds/jobs/1';

export function readJobSpeeds(): JobSpeeds {
  try {
    const s = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null') as JobSpeeds | null;
    return { tokenizers: Array.isArray(s?.tokenizers) ? s.tokenizers : [], maps: Array.isArray(s?.maps) ? s.maps : [] };
  } catch {
    return { tokenizers: [], maps: [] }; // unreadable: estimates say "unknown" until measured again
  }
}

function write(s: JobSpeeds): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(s));
  } catch {
    // storage full or refused: the estimate stays unknown, nothing else depends on it
  }
}

export function recordTokenizerSpeed(t: TokenizerSpeed): void {
  const s = readJobSpeeds();
  write({ ...s, tokenizers: [...s.tokenizers.filter((x) => !(x.shape === t.shape && x.backend === t.backend)), t] });
}

export function recordMapSpeed(m: MapSpeed): void {
  const s = readJobSpeeds();
  write({ ...s, maps: [...s.maps.filter((x) => x.backend !== m.backend), m] });
}

let mapJob: MapJob | null = null;

useStore.subscribe((s, prev) => {
  const backend = s.backend?.kind;
  const t = s.tokenizerRun;
  // The worker sends its img/s with each batch of metrics (a few a second), and a run's last step may
  // come with its status alone: each change is kept as it comes.
  if (t && (t.imgPerSec !== prev.tokenizerRun?.imgPerSec || t.step !== prev.tokenizerRun?.step)) {
    const speed = tokenizerSpeedOf(t, backend, Date.now());
    if (speed) recordTokenizerSpeed(speed);
  }
  if (s.lab.maps !== prev.lab.maps) {
    const next = mapJobAfter(mapJob, prev.lab.maps, s.lab.maps, Date.now());
    mapJob = next.job;
    if (next.done && backend) recordMapSpeed({ backend, ...next.done, at: Date.now() });
  }
});
