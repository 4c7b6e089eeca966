// Keyboard: Space pauses and resumes the run in progress, unless focus is in something Space
// already means something to (a field, a button, a checkbox, a link, an open <details> summary).
import { useStore } from './store';
import { pauseRun, resumeRun } from './workerClient';

const OWN_SPACE = 'input, select, textarea, button, summary, a[href], [contenteditable=""], [contenteditable="true"], [role="tab"]';

/** Whether Space typed with `target` focused belongs to that element. */
export function spaceIsTaken(target: EventTarget | null): boolean {
  const el = target as { closest?: (s: string) => unknown } | null;
  return typeof el?.closest === 'function' && el.closest(OWN_SPACE) != null;
}

export function installSpaceToggle(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.code !== 'Space' || e.repeat || e.ctrlKey || e.metaKey || e.altKey || spaceIsTaken(e.target)) return;
    const status = useStore.getState().run?.status;
    if (status !== 'running' && status !== 'paused') return;
    e.preventDefault(); // no page scroll
    if (status === 'running') pauseRun();
    else resumeRun();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
