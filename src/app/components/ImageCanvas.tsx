// Draws one RGBA image (size×size) into a canvas, scaled up with crisp pixels. Draws wait in one
// queue and run a few milliseconds' worth per task: the first reconstruction grid sets up dozens of
// canvases at once, a 50 ms task on the test machine when drawn in one go.
import { useEffect, useRef } from 'react';

const waiting = new Map<HTMLCanvasElement, () => void>();
let pumping = false;

function pump(): void {
  const until = performance.now() + 8;
  for (const [canvas, draw] of waiting) {
    waiting.delete(canvas);
    draw();
    if (performance.now() > until) break;
  }
  pumping = waiting.size > 0;
  if (pumping) setTimeout(pump, 0);
}

/** Draws `draw` into `canvas` soon, replacing a draw of it still waiting. */
function schedule(canvas: HTMLCanvasElement, draw: () => void): void {
  waiting.set(canvas, draw);
  if (pumping) return;
  pumping = true;
  setTimeout(pump, 0);
}

export function ImageCanvas(props: { rgba: Uint8ClampedArray; size: number; offset?: number; scale?: number; title?: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { rgba, size, offset = 0, scale = 3 } = props;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    schedule(canvas, () => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const data = new ImageData(size, size);
      data.data.set(rgba.subarray(offset, offset + size * size * 4));
      ctx.putImageData(data, 0, 0);
      canvas.dataset.drawn = 'yes'; // tests read the pixels once this is set
    });
    return () => void waiting.delete(canvas);
  }, [rgba, size, offset]);
  const px = Math.max(64, Math.min(size * scale, 160));
  return (
    <canvas
      ref={ref}
      className="image-canvas"
      width={size}
      height={size}
      title={props.title}
      data-testid={props.testId}
      style={{ width: px, height: px, imageRendering: 'pixelated', border: '1px solid var(--border)' }}
    />
  );
}
