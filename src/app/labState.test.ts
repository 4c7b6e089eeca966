import { beforeEach, describe, expect, it } from 'vitest';
import type { LabView } from '../protocol/messages';
import { useStore } from './store';

const view = (label: string) => ({ label }) as unknown as LabView;

describe('the image lab in the store', () => {
  beforeEach(() => useStore.getState().reset());

  it('a decoded image gets the centre crop; a refusal keeps the image and says why', () => {
    const s = useStore.getState();
    s.editLab({ opening: 'a.png' });
    s.receive({ type: 'lab/image', name: 'a.png', width: 300, height: 200, rgba: new Uint8ClampedArray(300 * 200 * 4), notes: [] });
    expect(useStore.getState().lab).toMatchObject({ opening: null, crop: { left: 50, top: 0, side: 200 }, image: { name: 'a.png' } });
    s.receive({ type: 'lab/refused', name: 'b.png', message: 'b.png is empty' });
    expect(useStore.getState().lab).toMatchObject({ refusal: 'b.png is empty', image: { name: 'a.png' }, crop: { side: 200 } });
    s.receive({ type: 'lab/image', name: 'c.png', width: 10, height: 40, rgba: new Uint8ClampedArray(1600), notes: ['n'] });
    expect(useStore.getState().lab).toMatchObject({ refusal: null, crop: { left: 0, top: 15, side: 10 } });
  });

  it('only the answer to the latest request is shown', () => {
    const s = useStore.getState();
    s.editLab({ requestId: 3, busy: true });
    s.receive({ type: 'lab/view', id: 2, view: view('old') });
    expect(useStore.getState().lab).toMatchObject({ view: null, busy: true });
    s.receive({ type: 'lab/view', id: 3, view: view('new') });
    expect(useStore.getState().lab).toMatchObject({ view: { label: 'new' }, busy: false });
    s.editLab({ requestId: 4, busy: true });
    s.receive({ type: 'lab/failed', id: 4, message: 'no model' });
    expect(useStore.getState().lab).toMatchObject({ view: { label: 'new' }, busy: false, failure: 'no model' });
  });

  it('lab messages leave the run and the probe alone', () => {
    const before = useStore.getState();
    before.receive({ type: 'lab/refused', name: 'x', message: 'm' });
    const after = useStore.getState();
    expect([after.run, after.probe, after.runs, after.encoders, after.notices]).toEqual([
      before.run,
      before.probe,
      before.runs,
      before.encoders,
      before.notices,
    ]);
  });
});
