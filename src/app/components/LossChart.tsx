// The live loss curves: a plain SVG over the pure builders (../charts.ts's traces, ../lineChart.ts's
// geometry), redrawn at most once a second. Plain SVG rather than plotly: a plotly redraw took
// 30–400 ms of main thread each second on the test machine, this one a few milliseconds, and
// plotly's script need not load at all for the default view. Colours come from theme.css.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { StepPoint } from '../../protocol/messages';
import { dashArray, lossTraces } from '../charts';
import { chartGeometry, formatExp, formatTick } from '../lineChart';
import { useStore } from '../store';
import { ChartControls, type XRange } from './ChartControls';

/** The issue asks for at least one update a second; more costs main-thread time for nothing. */
const REDRAW_MS = 1000;
const HEIGHT = 360;
const MARGIN = { l: 56, r: 64, t: 12, b: 44 };

/** `value`, passed on at most once every `ms` (the latest one, after the wait). */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = ms - (performance.now() - last.current);
    const show = () => {
      last.current = performance.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}

/** The element's width, followed as the window or the layout changes (0 while its view is hidden). */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

const EMPTY: readonly StepPoint[] = [];
/** The name suffix of the faint unsmoothed curves. */
const RAW = ' (raw)';

/** The live run's curves, or `history` when given (a kept run selected in the sidebar). */
export function LossChart(props: { history?: readonly StepPoint[] }) {
  const live = useStore((s) => s.run?.history);
  const history = useThrottled(props.history ?? live ?? EMPTY, REDRAW_MS);
  const { scale, smoothing } = useStore((s) => s.chart);
  const [range, setRange] = useState<XRange>(null);
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [hover, setHover] = useState<number | null>(null);
  const traces = useMemo(() => lossTraces(history, smoothing), [history, smoothing]);
  const shown = useMemo(() => traces.filter((t) => !hidden.has(t.name)), [traces, hidden]);
  // Smoothed, the raw losses stay behind the curves, faint, as TensorBoard draws them.
  const raw = useMemo(
    () => (smoothing > 0 ? lossTraces(history).filter((t) => t.yaxis !== 'y2' && !hidden.has(t.name)) : []).map((t) => ({ ...t, name: `${t.name}${RAW}` })),
    [history, smoothing, hidden],
  );
  const geo = useMemo(
    () => chartGeometry([...raw, ...shown], { width, height: HEIGHT, margin: MARGIN }, { yScale: scale, xRange: range }),
    [raw, shown, width, scale, range],
  );
  // With the alignment loss off the total is the reconstruction loss: the two curves are one.
  const same = history.length > 0 && !traces.some((t) => t.name === 'alignment');
  const colour = (name: string) => traces.find((t) => t.name === name.replace(RAW, ''))?.line?.color;
  // The point under the pointer: the traces share their x values.
  const xs = traces[0]?.x ?? [];
  const at = hover === null || !geo ? -1 : nearest(xs, geo.pxToX(hover));
  const toggle = (name: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  return (
    <figure
      className="loss-chart"
      data-testid="pretrain.loss-chart"
      data-points={history.length}
      data-traces={geo?.paths.filter((p) => !p.name.endsWith(RAW)).length ?? 0}
      data-scale={scale}
      data-smoothing={smoothing}
      data-x-from={geo?.xDomain[0]}
      ref={ref}
    >
      <ChartControls testId="pretrain.chart" xLabel="steps" onRange={setRange} />
      <div className="legend" role="group" aria-label="curves">
        {traces.map((t) => (
          <button key={t.name} type="button" aria-pressed={!hidden.has(t.name)} onClick={() => toggle(t.name)} title="show or hide this curve">
            <svg width={18} height={8} aria-hidden="true">
              <line x1={0} x2={18} y1={4} y2={4} stroke={t.line?.color} strokeWidth={2} strokeDasharray={dashArray(t.line?.dash)} />
            </svg>
            {t.name}
          </button>
        ))}
        {same && <span className="hint">alignment off: total = reconstruction (the dashed curve over the solid one)</span>}
        <span className="hint readout" aria-live="off">
          {at >= 0 &&
            `step ${xs[at]} · ${traces.map((t) => `${t.name} ${t.yaxis === 'y2' ? formatExp(t.y[at]!) : formatTick(Number(t.y[at]!.toPrecision(4)))}`).join(' · ')}`}
        </span>
      </div>
      {width > 0 && (
        <svg
          width={width}
          height={HEIGHT}
          role="img"
          aria-label={history.length ? `loss curves, ${history.length} steps, latest total loss ${history.at(-1)!.total.toPrecision(4)}` : 'loss curves'}
          onPointerMove={(e) => setHover(e.clientX - e.currentTarget.getBoundingClientRect().left)}
          onPointerLeave={() => setHover(null)}
        >
          {!geo && (
            <text x={width / 2} y={HEIGHT / 2} textAnchor="middle" className="axis-text">
              The curves appear after the first step.
            </text>
          )}
          {geo && (
            <>
              <g className="grid">
                {geo.x.map((t) => (
                  <line key={`x${t.label}`} x1={t.px} x2={t.px} y1={MARGIN.t} y2={HEIGHT - MARGIN.b} />
                ))}
                {geo.y.map((t) => (
                  <line key={`y${t.label}`} x1={MARGIN.l} x2={width - MARGIN.r} y1={t.px} y2={t.px} />
                ))}
              </g>
              <g className="axis-text">
                {geo.x.map((t) => (
                  <g key={t.label} className="xtick">
                    <text x={t.px} y={HEIGHT - MARGIN.b + 16} textAnchor="middle">
                      {t.label}
                    </text>
                  </g>
                ))}
                {geo.y.map((t) => (
                  <g key={t.label} className="ytick">
                    <text x={MARGIN.l - 6} y={t.px + 4} textAnchor="end">
                      {t.label}
                    </text>
                  </g>
                ))}
                {geo.y2.map((t) => (
                  <g key={t.label} className="y2tick">
                    <text x={width - MARGIN.r + 6} y={t.px + 4}>
                      {t.label}
                    </text>
                  </g>
                ))}
                <text x={MARGIN.l + (width - MARGIN.l - MARGIN.r) / 2} y={HEIGHT - 6} textAnchor="middle">
                  step
                </text>
                <text transform={`translate(14 ${MARGIN.t + (HEIGHT - MARGIN.t - MARGIN.b) / 2}) rotate(-90)`} textAnchor="middle">
                  loss
                </text>
                <text transform={`translate(${width - 8} ${MARGIN.t + (HEIGHT - MARGIN.t - MARGIN.b) / 2}) rotate(90)`} textAnchor="middle">
                  learning rate
                </text>
              </g>
              <clipPath id="loss-plot-area">
                <rect x={MARGIN.l} y={MARGIN.t} width={Math.max(0, width - MARGIN.l - MARGIN.r)} height={HEIGHT - MARGIN.t - MARGIN.b} />
              </clipPath>
              <g fill="none" clipPath="url(#loss-plot-area)">
                {geo.paths.map((p) => {
                  if (p.name.endsWith(RAW)) return <path key={p.name} data-raw={p.name} d={p.d} stroke={colour(p.name)} strokeWidth={1} opacity={0.25} />;
                  const t = traces.find((x) => x.name === p.name)!;
                  return (
                    <path
                      key={p.name}
                      data-trace={p.name}
                      d={p.d}
                      stroke={colour(p.name)}
                      strokeWidth={t.line?.width ?? 1}
                      strokeDasharray={dashArray(t.line?.dash)}
                    />
                  );
                })}
                {geo.dots.map((d) => (
                  <circle key={`${d.name} ${d.cx}`} data-dot={d.name} cx={d.cx} cy={d.cy} r={3.5} fill={colour(d.name)} />
                ))}
              </g>
              {at >= 0 && <line className="guide" x1={geo.xToPx(xs[at]!)} x2={geo.xToPx(xs[at]!)} y1={MARGIN.t} y2={HEIGHT - MARGIN.b} />}
            </>
          )}
        </svg>
      )}
    </figure>
  );
}

/** Index of the value in ascending `xs` nearest to `x`. */
function nearest(xs: readonly number[], x: number): number {
  if (!xs.length) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo]! - x) <= Math.abs(xs[hi]! - x) ? lo : hi;
}
