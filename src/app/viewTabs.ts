// The keys of the WAI-ARIA tabs pattern (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/) for the
// view tabs: arrows move to the neighbouring tab (wrapping around), Home and End to the first and last.

/** The index of the tab `key` moves to from tab `at` of `count`, or null when the key is not the pattern's. */
export function tabIndexAfterKey(key: string, at: number, count: number): number | null {
  switch (key) {
    case 'ArrowRight':
      return (at + 1) % count;
    case 'ArrowLeft':
      return (at - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
