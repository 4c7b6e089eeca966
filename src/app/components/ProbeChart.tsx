// Both probes' training loss and validation top-1 against epoch, live.
import Plotly from 'plotly.js-dist-min';
import { useEffect, useRef } from 'react';
import { probeLayout, probeTraces } from '../probeCharts';
import { useStore } from '../store';

export function ProbeChart() {
  const history = useStore((s) => s.probe?.history);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !history) return;
    // One point per epoch: redrawing on each is cheap enough.
    void Plotly.react(el, probeTraces(history), probeLayout, { displaylogo: false, responsive: true });
    el.dataset.points = String(history.length);
  }, [history]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);
  return <div ref={ref} data-testid="probe.chart" data-points="0" style={{ width: '100%', minHeight: 280 }} />;
}
