// The notebook page: a header (backend, storage), the runs sidebar, and the main area in views:
// Pretrain (recipe beside the live views), Tokenizer, Probe, Lab, Data, Compare and Sweeps. Each view is a chunk
// of its own, loaded and mounted when it is first opened; from then on it stays mounted while
// hidden, so a run's charts, a probe and the lab keep their state across tab switches.
import { lazy, Suspense, useEffect, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { Header } from './components/Header';
import { Notices } from './components/Notices';
import { RunsSidebar } from './components/RunsSidebar';
import { installSpaceToggle } from './keys';
import { useStore } from './store';
import { VIEWS, type ViewId } from './ui';

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

function ViewTabs() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const compared = useStore((s) => s.compared.length);
  return (
    <nav className="tabs" role="tablist" aria-label="views">
      {VIEWS.map((v) => (
        <button
          key={v.id}
          id={`tab-${v.id}`}
          role="tab"
          data-testid={`view.${v.id}`}
          aria-selected={view === v.id}
          aria-controls={`view-${v.id}`}
          onClick={() => setView(v.id)}
        >
          {v.label}
          {v.id === 'compare' && compared > 0 && ` (${compared})`}
        </button>
      ))}
    </nav>
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
    <div id={`view-${props.id}`} role="tabpanel" aria-labelledby={`tab-${props.id}`} hidden={!shown}>
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
  return (
    <>
      <Header />
      <div className="app-body">
        <RunsSidebar />
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
