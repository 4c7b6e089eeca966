// The lab's patch-feature maps (paper Figure 7): requests for the two sides (the lab's model on the
// left, the compared one on the right), the worker's answers folded into the lab's state, and the
// scatter traces, one per label so the legend names the classes and "background".
import type { FromWorker, EmbeddingView } from '../protocol/messages';
import { emptyMap, type FeatureMapState } from './labState';

export interface MapTrace {
  type: 'scatter';
  mode: 'markers';
  name: string;
  x: number[];
  y: number[];
  customdata: number[];
  hoverinfo: 'name';
  marker: { size: number; color: string; opacity: number };
}

type Maps = readonly [FeatureMapState, FeatureMapState];
type MapMessage = Extract<FromWorker, { type: 'lab/embed-progress' | 'lab/embedding' | 'lab/embed-failed' }>;

/** Request ids: even on the left, odd on the right, so an answer finds its side. */
export const mapId = (side: 0 | 1, n: number): number => 2 * n + side;
export const sideOf = (id: number): 0 | 1 => (id % 2) as 0 | 1;

/** The maps after one worker message; answers to a request that is no longer the side's latest are dropped. */
export function mapsAfter(maps: Maps, msg: MapMessage): Maps {
  const side = sideOf(msg.id);
  const m = maps[side];
  if (m.id !== msg.id) return maps;
  const next: FeatureMapState =
    msg.type === 'lab/embed-progress'
      ? { ...m, progress: msg.text, share: Math.max(m.share, msg.share) }
      : msg.type === 'lab/embedding'
        ? { ...m, busy: false, progress: null, view: msg.view, failure: null }
        : { ...m, busy: false, progress: null, failure: msg.message };
  return side === 0 ? [next, maps[1]] : [maps[0], next];
}

/** A side waiting for a new request `id`; its previous map stays until the new one arrives. */
export function mapsWaiting(maps: Maps, side: 0 | 1, id: number): Maps {
  const next = { ...(maps[side] ?? emptyMap()), id, busy: true, progress: 'starting…', share: 0, startedAt: Date.now(), failure: null };
  return side === 0 ? [next, maps[1]] : [maps[0], next];
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79', '#637939', '#8c6d31'];

/** Scatter traces of a map: one per label present; `customdata` is each point's index (for the hover's patch). */
export function mapTraces(v: EmbeddingView): MapTrace[] {
  const byLabel = new Map<number, number[]>();
  v.labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  return [...byLabel.keys()]
    .sort((a, b) => a - b)
    .map((l) => {
      const idx = byLabel.get(l)!;
      const bg = l === v.background;
      return {
        type: 'scatter' as const,
        mode: 'markers' as const,
        name: v.classNames[l] ?? String(l),
        x: idx.map((i) => v.points[2 * i]!),
        y: idx.map((i) => v.points[2 * i + 1]!),
        customdata: idx,
        hoverinfo: 'name' as const,
        marker: { size: bg ? 4 : 5, color: bg ? '#9a9a9a' : PALETTE[l % PALETTE.length]!, opacity: bg ? 0.45 : 0.85 },
      } satisfies MapTrace;
    });
}

/**
 * How well the map's labels cluster: the share of points whose nearest other point in the map has
 * the same label (a leave-one-out 1-NN accuracy in 2-D), beside the share a label-blind map would
 * reach (the sum of squared label frequencies). A number to read two maps side by side with.
 */
export function mapPurity(v: EmbeddingView): { purity: number; chance: number } {
  const n = v.labels.length;
  let same = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bestJ = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (v.points[2 * i]! - v.points[2 * j]!) ** 2 + (v.points[2 * i + 1]! - v.points[2 * j + 1]!) ** 2;
      if (d < best) [best, bestJ] = [d, j];
    }
    if (bestJ >= 0 && v.labels[bestJ] === v.labels[i]) same++;
  }
  const counts = new Map<number, number>();
  v.labels.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
  const chance = [...counts.values()].reduce((a, c) => a + (c / n) ** 2, 0);
  return { purity: n ? same / n : 0, chance };
}
