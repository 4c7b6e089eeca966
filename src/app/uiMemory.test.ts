import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { useStore } from './store';
import { parseKept, rememberUi } from './uiMemory';

/** localStorage as a browser has it, in memory (Node has none). */
function fakeStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

describe('the recipe and the Compare ticks over a reload', () => {
  let stop = () => undefined as void;
  beforeEach(() => {
    Object.defineProperty(globalThis, 'localStorage', { value: fakeStorage(), configurable: true });
    useStore.getState().reset();
    useStore.setState({ compared: [] });
  });
  afterEach(() => {
    stop();
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  it('come back as they were left', () => {
    stop = rememberUi();
    const s = useStore.getState();
    s.choosePreset('mini');
    s.editModel({ maskRatio: 0.75 });
    s.editTrain({ totalSteps: 4000 });
    s.toggleCompare('run-a', true);
    s.toggleCompare('run-b', true);
    stop();
    // A new page: the store starts from its defaults, then reads what was kept.
    useStore.getState().reset();
    useStore.setState({ compared: [] });
    expect(useStore.getState().form.model.maskRatio).toBe(PRESETS[useStore.getState().form.presetId].maskRatio);
    stop = rememberUi();
    const after = useStore.getState();
    expect(after.form.presetId).toBe('mini');
    expect(after.form.model.maskRatio).toBe(0.75);
    expect(after.form.train.totalSteps).toBe(4000);
    expect(after.compared).toEqual(['run-a', 'run-b']);
  });

  it('ignores a damaged or foreign entry, and a field of the wrong type', () => {
    expect(parseKept('{not json')).toBeNull();
    expect(parseKept(JSON.stringify({ form: { presetId: 'no-such-preset' } }))).toBeNull();
    const kept = parseKept(JSON.stringify({ form: { presetId: 'micro', model: { maskRatio: 'lots', decoderDepth: 2 }, train: null }, compared: ['run-a', 3] }));
    expect(kept?.form.model.maskRatio).toBe(PRESETS.micro.maskRatio);
    expect(kept?.form.model.decoderDepth).toBe(2);
    expect(kept?.compared).toEqual(['run-a']);
  });

  it('drops the tick of a run that no longer exists once the runs are read', () => {
    useStore.setState({ compared: ['run-a', 'gone'] });
    const rec = { spec: { id: 'run-a' } } as unknown as Parameters<ReturnType<typeof useStore.getState>['setRuns']>[0][number];
    useStore.getState().setRuns([rec]);
    expect(useStore.getState().compared).toEqual(['run-a']);
  });
});
