// The notebook page: a header (backend, storage), the runs sidebar, and the main area in views:
// Pretrain (recipe beside the live views), Tokenizer, Probe, Lab, Data, Compare and Sweeps. Each view is a chunk
// of its own, loaded and mounted when it is first opened; from then on it stays mounted while
// hidden, so a run's charts, a probe and the lab keep their state across tab switches.
import { lazy, Suspense, useEffect, useRef, useState, type ComponentType, type KeyboardEvent, type LazyExoticComponent } from 'react';
import { Header } from './components/Header';
import { Notices } from './components/Notices';
import { RunsSidebar } from './components/RunsSidebar';
import { installFocusHandoff } from './focusHandoff';
import { installSpaceToggle } from './keys';
import { useStore } from './store';
import { VIEWS, type ViewId } from './ui';
import { tabIndexAfterKey } from './viewTabs';

/** The views' code, fetched on first use: the page's first load carries only the frame. */
const VIEW_IMPORTS: Record<ViewId, () => Promise<{ default: ComponentType }>> = {
  pretrain: () => import('./views/PretrainView'),
  tokenizer: () => import('./views/TokenizerView'),
  probe: () => import('./views/ProbeView'),
  lab: () => import('./views/LabView'),
  data: () => import('./views/DataView'),
  compare: () => import('./views/CompareView'),
  sweep: () => import('./views/SweepView'),
};
const VIEW_CODE = Object.fromEntries(Object.entries(VIEW_IMPORTS).map(([id, load]) => [id, lazy(load)])) as Record<ViewId, LazyExoticComponent<ComponentType>>;
// The open view's chunk is fetched now, while the frame renders, rather than after its first render.
void VIEW_IMPORTS[useStore.getState().view]();

/** The view tabs as the WAI-ARIA tabs pattern: one Tab stop (the open tab), arrows, Home and End move and open. */
function ViewTabs() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const compared = useStore((s) => s.compared.length);
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const at = VIEWS.findIndex((v) => v.id === view);
    const to = tabIndexAfterKey(e.key, at, VIEWS.length);
    if (to === null) return;
    e.preventDefault();
    setView(VIEWS[to]!.id);
    list.current?.querySelector<HTMLElement>(`#tab-${VIEWS[to]!.id}`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="views" ref={list} onKeyDown={onKeyDown}>
      {VIEWS.map((v) => (
        <button
          key={v.id}
          id={`tab-${v.id}`}
          role="tab"
          data-testid={`view.${v.id}`}
          aria-selected={view === v.id}
          aria-controls={`view-${v.id}`}
          tabIndex={view === v.id ? 0 : -1}
          onClick={() => setView(v.id)}
        >
          {v.label}
          {v.id === 'compare' && compared > 0 && ` (${compared})`}
        </button>
      ))}
    </div>
  );
}

/** The first Tab stop: past the header, the sidebar and the tabs, straight into the open view. */
function SkipLink() {
  const view = useStore((s) => s.view);
  const label = VIEWS.find((v) => v.id === view)!.label;
  return (
    <a
      className="skip-link"
      data-testid="skip-link"
      href={`#view-${view}`}
      onClick={(e) => {
        // Not the hash: it names the open view (ui.ts), and a panel id is not one.
        e.preventDefault();
        document.getElementById(`view-${view}`)?.focus();
      }}
    >
      Skip to the {label} view
    </a>
  );
}

/** On narrow windows the runs sidebar is a drawer above the views, closed until asked for. */
function RunsDrawer() {
  const [open, setOpen] = useState(false);
  const count = useStore((s) => s.runs.length);
  return (
    <div className="runs-drawer" data-open={open}>
      <button className="drawer-toggle" data-testid="runs.drawer" aria-expanded={open} aria-controls="runs-sidebar" onClick={() => setOpen(!open)}>
        {open ? 'Hide runs' : `Runs (${count})`}
      </button>
      <RunsSidebar />
    </div>
  );
}

function View(props: { id: ViewId }) {
  const shown = useStore((s) => s.view === props.id);
  // Mounted once first shown, then kept (hidden) so its state survives tab switches.
  const [opened, setOpened] = useState(shown);
  if (shown && !opened) setOpened(true);
  const Code = VIEW_CODE[props.id];
  const label = VIEWS.find((v) => v.id === props.id)!.label;
  return (
    <div id={`view-${props.id}`} role="tabpanel" aria-labelledby={`tab-${props.id}`} tabIndex={-1} hidden={!shown}>
      {opened && (
        <Suspense
          fallback={
            <p role="status" className="hint" data-testid="view.loading">
              Loading the {label} view…
            </p>
          }
        >
          <Code />
        </Suspense>
      )}
    </div>
  );
}

export function App() {
  useEffect(installSpaceToggle, []);
  useEffect(installFocusHandoff, []);
  return (
    <>
      <SkipLink />
      <Header />
      <div className="app-body">
        <RunsDrawer />
        <main className="main">
          <ViewTabs />
          <Notices />
          {VIEWS.map((v) => (
            <View key={v.id} id={v.id} />
          ))}
        </main>
      </div>
    </>
  );
}
