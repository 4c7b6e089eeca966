// The loss curves: a thin component over the pure builder, redrawn at most once a second.
import { useEffect, useRef } from 'react';
import { themed, useChartTheme } from '../chartTheme';
import { lossLayout, lossTraces } from '../charts';
import { loadPlotly } from '../plotly';
import { useStore } from '../store';

/** The issue asks for at least one update a second; more costs main-thread time for nothing. */
const REDRAW_MS = 1000;

export function LossChart() {
  const history = useStore((s) => s.run?.history);
  const theme = useChartTheme();
  const ref = useRef<HTMLDivElement>(null);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !history) return;
    const draw = () => {
      last.current = performance.now();
      timer.current = null;
      void loadPlotly().then((Plotly) => {
        if (!el.isConnected) return; // unmounted while plotly loaded
        void Plotly.react(el, lossTraces(history), themed(lossLayout, theme), { displaylogo: false, responsive: true });
        el.dataset.points = String(history.length);
      });
    };
    const wait = REDRAW_MS - (performance.now() - last.current);
    if (timer.current) clearTimeout(timer.current);
    if (wait <= 0) draw();
    else timer.current = setTimeout(draw, wait);
  }, [history, theme]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (timer.current) clearTimeout(timer.current);
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);
  return <div ref={ref} data-testid="pretrain.loss-chart" data-points="0" style={{ width: '100%', minHeight: 360 }} />;
}
