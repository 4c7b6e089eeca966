// Plotly does not read CSS: this module gives chart layouts the page's colours (theme.css's custom
// properties) and tells chart components when the system switches between light and dark.
import { useSyncExternalStore } from 'react';

export interface ChartTheme {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
}

export const LIGHT_CHART: ChartTheme = Object.freeze({ fg: '#111111', muted: '#555555', grid: '#d0d0d0' });

type Axis = Record<string, unknown>;
type Layout = { [k: string]: unknown; legend?: Record<string, unknown> };

/**
 * The layout with the theme's text, grid and line colours on a transparent background. Every axis
 * also lets tick labels overflow: plotly's default ('hide past div') measures each label's box on
 * every redraw, a forced layout that was half of a live chart's redraw time.
 */
export function themed<L extends Layout>(layout: L, t: ChartTheme): L {
  const axis = (a: unknown): Axis => ({
    ...(a as Axis),
    color: t.fg,
    gridcolor: t.grid,
    linecolor: t.muted,
    zerolinecolor: t.grid,
    ticklabeloverflow: 'allow',
  });
  const out: Layout = { ...layout, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', font: { color: t.fg } };
  for (const k of Object.keys(layout)) if (/^[xy]axis\d*$/.test(k)) out[k] = axis(layout[k]);
  return out as L;
}

const DARK = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const q = window.matchMedia?.(DARK);
  q?.addEventListener('change', onChange);
  return () => q?.removeEventListener('change', onChange);
}

const isDark = () => window.matchMedia?.(DARK).matches ?? false;

/** The current chart colours from the page's custom properties, read again when the scheme changes. */
export function useChartTheme(): ChartTheme {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);
  return readTheme(dark);
}

let cache: { dark: boolean; theme: ChartTheme } | null = null;

function readTheme(dark: boolean): ChartTheme {
  if (cache?.dark === dark) return cache.theme;
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const theme = Object.freeze({ fg: v('--fg', LIGHT_CHART.fg), muted: v('--muted', LIGHT_CHART.muted), grid: v('--border', LIGHT_CHART.grid) });
  cache = { dark, theme };
  return theme;
}
