import { beforeEach, describe, expect, it } from 'vitest';
import './formNotices';
import { useStore } from './store';

describe('notices about a refused start', () => {
  beforeEach(() => useStore.getState().reset());

  it('keep one per topic, and go when the form they refused changes', () => {
    const { notify } = useStore.getState();
    notify('The chosen dataset is no longer kept in this browser; choose another.', 'pretrain.start');
    notify('The chosen dataset is no longer kept in this browser; choose another.', 'pretrain.start');
    notify('Storage is full.');
    notify('That dataset is not kept in this browser any more; choose another.', 'probe.start');
    notify('Choose at least one evaluation (LIN, ATT, kNN or fine-tuning).', 'probe.start'); // replaces the older one
    expect(useStore.getState().notices.map((n) => [n.text.slice(0, 10), n.count])).toEqual([
      ['The chosen', 2],
      ['Storage is', 1],
      ['Choose at ', 1],
    ]);
    useStore.getState().editTrain({ totalSteps: 100 });
    expect(useStore.getState().notices.map((n) => n.text.slice(0, 10))).toEqual(['Storage is', 'Choose at ']);
    useStore.getState().editProbe({ trainImages: 100 });
    expect(useStore.getState().notices.map((n) => n.text.slice(0, 10))).toEqual(['Storage is']);
  });
});
