// Both probes' and fine-tuning's training loss and validation top-1 against epoch, live, over chance.
import Plotly from 'plotly.js-dist-min';
import { useEffect, useRef } from 'react';
import { probeLayout, probeTraces } from '../probeCharts';
import { chanceFor } from '../probeForm';
import { useStore } from '../store';

export function ProbeChart() {
  const history = useStore((s) => s.probe?.history);
  const ft = useStore((s) => s.probe?.ftHistory);
  const chance = useStore((s) => (s.probe ? chanceFor(s.probe.spec.dataset, s.datasets) : undefined));
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !history) return;
    // One point per epoch: redrawing on each is cheap enough.
    void Plotly.react(el, probeTraces(history, ft, chance), probeLayout, { displaylogo: false, responsive: true });
    el.dataset.points = String(history.length);
    el.dataset.ftPoints = String(ft?.length ?? 0);
  }, [history, ft, chance]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);
  return <div ref={ref} data-testid="probe.chart" data-points="0" style={{ width: '100%', minHeight: 280 }} />;
}
