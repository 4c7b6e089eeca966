// The speed a run shows: images per second over the last ~3 s of steps. A window rather than a
// running mean, so a pause, a recompile or a slow checkpoint stops counting within seconds.
const WINDOW_MS = 3000;

export class ImageRate {
  private marks: { t: number; images: number }[] = [];

  /** Records `images` finished at `now` (ms) and returns the speed over the window; 0 until two marks. */
  add(now: number, images: number): number {
    this.marks.push({ t: now, images });
    while (this.marks.length > 2 && now - this.marks[0]!.t > WINDOW_MS) this.marks.shift();
    if (this.marks.length < 2) return 0;
    // The first mark only starts the clock: its images finished before the window opened.
    const counted = this.marks.slice(1).reduce((a, m) => a + m.images, 0);
    return (counted * 1000) / (now - this.marks[0]!.t);
  }

  /** Forgets the window (after a pause, whose wall time is not the run's speed). */
  reset(): void {
    this.marks = [];
  }
}
