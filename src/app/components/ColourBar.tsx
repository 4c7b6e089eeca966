// A heatmap's colour bar: the ramp with its low, middle and high values labelled (../colourBar.ts).
import { useEffect, useRef } from 'react';
import { colourBarLabels, colourBarRgba } from '../colourBar';
import '../charts.css';

const WIDTH = 120;

export function ColourBar(props: {
  colour: (t: number) => readonly [number, number, number];
  lo: number;
  hi: number;
  label: string;
  testId: string;
  /** Words instead of numbers, where each map has its own scale (["its min", "", "its max"]). */
  ticks?: readonly [string, string, string];
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { colour } = props;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = new ImageData(WIDTH, 1);
    img.data.set(colourBarRgba(colour, WIDTH));
    ctx.putImageData(img, 0, 0);
  }, [colour]);
  const [a, m, b] = props.ticks ?? colourBarLabels(props.lo, props.hi);
  return (
    <span className="colour-bar" data-testid={props.testId} role="img" aria-label={`${props.label}: from ${a} to ${b}`}>
      <span>{props.label}</span>
      <span style={{ display: 'inline-grid', gridTemplateColumns: '1fr 1fr 1fr', width: WIDTH }}>
        <canvas ref={ref} width={WIDTH} height={1} style={{ gridColumn: '1 / 4' }} />
        <span className="colour-bar-tick" style={{ textAlign: 'left' }}>
          {a}
        </span>
        <span className="colour-bar-tick" style={{ textAlign: 'center' }}>
          {m}
        </span>
        <span className="colour-bar-tick" style={{ textAlign: 'right' }}>
          {b}
        </span>
      </span>
    </span>
  );
}
