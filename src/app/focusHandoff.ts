// Keyboard focus across the run buttons. Start, Pause, Resume and Stop disable themselves once the
// worker answers, and a focused button that becomes disabled drops the focus to the page: a keyboard
// user who pressed Pause would have to find Resume again from the top. The button that takes over
// the pressed one's role gets the focus instead.
import { useStore } from './store';

/**
 * For each run button (by test id), the buttons that take over from it, in the order tried. Start
 * waits for Pause (enabled once the run runs, after its shaders compile), or gets the focus back
 * where the run did not start.
 */
export const HANDOFF: Readonly<Record<string, readonly string[]>> = {
  'pretrain.start': ['pretrain.pause', 'pretrain.start'],
  'pretrain.pause': ['pretrain.resume', 'pretrain.stop'],
  'pretrain.resume': ['pretrain.pause', 'pretrain.stop'],
  'pretrain.stop': ['pretrain.start'],
  'probe.start': ['probe.stop', 'probe.start'],
  'probe.stop': ['probe.start'],
};

const byTestId = (id: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`);

/** Watches the focus and the run and evaluation status; returns the uninstaller. */
export function installFocusHandoff(): () => void {
  // The run button that last had the focus; cleared when the user moves it anywhere else.
  let held: string | null = null;
  const onFocus = (e: FocusEvent) => {
    const id = (e.target as HTMLElement | null)?.dataset?.testid;
    held = id !== undefined && id in HANDOFF ? id : null;
  };
  const handOff = () => {
    if (!held) return;
    const from = byTestId(held);
    const active = document.activeElement;
    const lost = active === null || active === document.body || (active === from && from.disabled);
    if (!lost) return;
    for (const id of HANDOFF[held]!) {
      const b = byTestId(id);
      // Where none is enabled yet (a run still starting), the next status change tries again.
      if (b && !b.disabled) return b.focus();
    }
  };
  document.addEventListener('focusin', onFocus);
  const unsubscribe = useStore.subscribe((s, prev) => {
    // After React has drawn the new status (the buttons' disabled state).
    if (s.run?.status !== prev.run?.status || s.probe?.status !== prev.probe?.status) requestAnimationFrame(handOff);
  });
  return () => {
    document.removeEventListener('focusin', onFocus);
    unsubscribe();
  };
}
