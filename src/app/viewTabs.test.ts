import { describe, expect, it } from 'vitest';
import { tabIndexAfterKey } from './viewTabs';

describe('tabIndexAfterKey', () => {
  it('moves right and left, wrapping at both ends', () => {
    expect(tabIndexAfterKey('ArrowRight', 0, 6)).toBe(1);
    expect(tabIndexAfterKey('ArrowRight', 5, 6)).toBe(0);
    expect(tabIndexAfterKey('ArrowLeft', 3, 6)).toBe(2);
    expect(tabIndexAfterKey('ArrowLeft', 0, 6)).toBe(5);
  });
  it('jumps to the first and last tab with Home and End', () => {
    expect(tabIndexAfterKey('Home', 4, 6)).toBe(0);
    expect(tabIndexAfterKey('End', 1, 6)).toBe(5);
  });
  it('leaves other keys to the browser', () => {
    for (const k of ['Enter', ' ', 'ArrowDown', 'Tab', 'a']) expect(tabIndexAfterKey(k, 2, 6)).toBeNull();
  });
});
