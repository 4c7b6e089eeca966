import { describe, expect, it } from 'vitest';
import { spaceIsTaken } from './keys';

/** An element stand-in: `closest` answers for the selectors it matches. */
const el = (matches: (sel: string) => boolean) => ({ closest: (sel: string) => (matches(sel) ? {} : null) }) as unknown as EventTarget;

describe('Space pauses and resumes only when focus is not in a field', () => {
  it('leaves Space to fields, buttons and links; takes it on the page itself', () => {
    expect(spaceIsTaken(el((s) => s.includes('input')))).toBe(true);
    expect(spaceIsTaken(el((s) => s.includes('button')))).toBe(true);
    expect(spaceIsTaken(el(() => false))).toBe(false); // the body, a heading, a chart
    expect(spaceIsTaken(null)).toBe(false);
    expect(spaceIsTaken({} as EventTarget)).toBe(false); // the window
  });
});
