// Draws one RGBA image (size×size) into a canvas, scaled up with crisp pixels.
import { useEffect, useRef } from 'react';

export function ImageCanvas(props: { rgba: Uint8ClampedArray; size: number; offset?: number; scale?: number; title?: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { rgba, size, offset = 0, scale = 3 } = props;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const data = new ImageData(size, size);
    data.data.set(rgba.subarray(offset, offset + size * size * 4));
    ctx.putImageData(data, 0, 0);
  }, [rgba, size, offset]);
  const px = Math.max(64, Math.min(size * scale, 160));
  return (
    <canvas
      ref={ref}
      width={size}
      height={size}
      title={props.title}
      data-testid={props.testId}
      style={{ width: px, height: px, imageRendering: 'pixelated', border: '1px solid var(--border)' }}
    />
  );
}
