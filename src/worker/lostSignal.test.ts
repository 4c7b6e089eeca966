import { describe, expect, it } from 'vitest';
import { LostSignal } from './lostSignal';

describe('LostSignal', () => {
  it('lets a read-back through while the device is there', async () => {
    await expect(new LostSignal().guard(Promise.resolve(3))).resolves.toBe(3);
  });

  it('rejects a read-back that would never settle once the device is lost', async () => {
    const s = new LostSignal();
    const never = new Promise<number>(() => undefined);
    const guarded = s.guard(never);
    s.reject('destroyed');
    await expect(guarded).rejects.toThrow('GPU device lost: destroyed');
    await expect(s.guard(new Promise<number>(() => undefined))).rejects.toThrow('GPU device lost');
  });
});
