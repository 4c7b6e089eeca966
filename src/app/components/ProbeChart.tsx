// Both probes' and fine-tuning's training loss and validation top-1 against epoch, live, over chance.
import { useEffect, useRef } from 'react';
import { themed, useChartTheme } from '../chartTheme';
import { loadPlotly } from '../plotly';
import { probeLayout, probeTraces } from '../probeCharts';
import { chanceFor } from '../probeForm';
import { useStore } from '../store';

export function ProbeChart() {
  const history = useStore((s) => s.probe?.history);
  const ft = useStore((s) => s.probe?.ftHistory);
  const chance = useStore((s) => (s.probe ? chanceFor(s.probe.spec.dataset, s.datasets) : undefined));
  const theme = useChartTheme();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !history) return;
    // One point per epoch: redrawing on each is cheap enough.
    void loadPlotly().then((Plotly) => {
      if (!el.isConnected) return; // unmounted while plotly loaded
      const traces = probeTraces(history, ft, chance);
      void Plotly.react(el, traces, themed(probeLayout(traces), theme), { displaylogo: false, responsive: true });
      el.dataset.points = String(history.length);
      el.dataset.ftPoints = String(ft?.length ?? 0);
    });
  }, [history, ft, chance, theme]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);
  return <div ref={ref} data-testid="probe.chart" data-points="0" style={{ width: '100%', minHeight: 280 }} />;
}
