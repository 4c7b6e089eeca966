// The crop at the model's size with its patch grid; masked patches are greyed. Click a patch to
// mask it (again to unmask); drag to paint the first patch's new state over the ones crossed.
import { useEffect, useRef } from 'react';
import { toRgba } from '../../data/patches';
import { continueStroke, startStroke, patchAt } from '../labMask';
import { useStore } from '../store';

const SHOWN = 256;

export function MaskCanvas(props: { image: Float32Array | null; size: number; grid: number; mask: Uint8Array }) {
  const { image, size, grid, mask } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const stroke = useRef<0 | 1 | null>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#ddd';
    ctx.fillRect(0, 0, SHOWN, SHOWN);
    if (image) {
      const small = new OffscreenCanvas(size, size);
      small.getContext('2d')!.putImageData(new ImageData(toRgba(image, size).slice(), size, size), 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, SHOWN, SHOWN);
    }
    const cell = SHOWN / grid;
    ctx.fillStyle = 'rgba(128,128,128,0.8)';
    for (let k = 0; k < mask.length; k++) if (mask[k]) ctx.fillRect((k % grid) * cell, Math.floor(k / grid) * cell, cell, cell);
    ctx.strokeStyle = 'rgba(255,255,255,0.7)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 1; i < grid; i++) {
      ctx.moveTo(i * cell + 0.5, 0);
      ctx.lineTo(i * cell + 0.5, SHOWN);
      ctx.moveTo(0, i * cell + 0.5);
      ctx.lineTo(SHOWN, i * cell + 0.5);
    }
    ctx.stroke();
  }, [image, size, grid, mask]);
  const patch = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return patchAt(((e.clientX - r.left) * SHOWN) / r.width, ((e.clientY - r.top) * SHOWN) / r.height, SHOWN, grid);
  };
  const edit = useStore.getState().editLab;
  return (
    <canvas
      ref={ref}
      data-testid="lab.mask-canvas"
      width={SHOWN}
      height={SHOWN}
      title="click a patch to mask or unmask it; drag to paint"
      style={{ width: SHOWN, height: SHOWN, touchAction: 'none', cursor: 'crosshair', outline: '1px solid var(--border)' }}
      onPointerDown={(e) => {
        const k = patch(e);
        if (k < 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        const s = startStroke(useStore.getState().lab.mask, k);
        stroke.current = s.value;
        edit({ mask: s.mask, maskKind: 'paint' });
      }}
      onPointerMove={(e) => {
        if (stroke.current === null) return;
        const cur = useStore.getState().lab.mask;
        const next = continueStroke(cur, patch(e), stroke.current);
        if (next !== cur) edit({ mask: next });
      }}
      onPointerUp={() => (stroke.current = null)}
      onPointerCancel={() => (stroke.current = null)}
    />
  );
}
