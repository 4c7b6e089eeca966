// The uploaded image with the square crop the model sees: drag the square to move it, the slider
// sets its size, "centre" goes back to the default centre crop.
import { useEffect, useRef } from 'react';
import { centreCrop, moveCrop, setCropSide, type SquareCrop } from '../../data/crop';
import type { LabImage } from '../labState';
import { useStore } from '../store';

const BOX = 240;

export function CropEditor(props: { image: LabImage; crop: SquareCrop }) {
  const { image, crop } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number; crop: SquareCrop } | null>(null);
  const edit = useStore.getState().editLab;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(image.rgba.slice(), image.width, image.height), 0, 0);
  }, [image]);
  const scale = BOX / Math.max(image.width, image.height); // CSS pixels per image pixel
  const box = { left: crop.left * scale, top: crop.top * scale, width: crop.side * scale, height: crop.side * scale };
  return (
    <div style={{ fontSize: 12 }}>
      <div
        data-testid="lab.crop"
        style={{
          position: 'relative',
          width: image.width * scale,
          height: image.height * scale,
          touchAction: 'none',
          cursor: 'move',
          userSelect: 'none',
          overflow: 'hidden',
        }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, crop };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d) edit({ crop: moveCrop(d.crop, (e.clientX - d.x) / scale, (e.clientY - d.y) / scale, image.width, image.height) });
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
      >
        <canvas ref={ref} width={image.width} height={image.height} style={{ width: '100%', height: '100%', display: 'block' }} />
        <div
          style={{
            position: 'absolute',
            ...box,
            outline: '2px solid #f0b35b',
            outlineOffset: -2,
            boxShadow: '0 0 0 9999px rgba(0,0,0,0.35)',
            pointerEvents: 'none',
          }}
        />
      </div>
      <div style={{ overflow: 'hidden', width: Math.max(BOX, image.width * scale) }}>
        <label>
          crop size{' '}
          <input
            data-testid="lab.crop-size"
            type="range"
            min={1}
            max={Math.min(image.width, image.height)}
            value={crop.side}
            onChange={(e) => edit({ crop: setCropSide(crop, Number(e.target.value), image.width, image.height) })}
          />
        </label>{' '}
        <button onClick={() => edit({ crop: centreCrop(image.width, image.height) })}>centre</button>
        <div style={{ color: 'var(--muted)' }}>
          {image.name}: {image.width}×{image.height}, crop {crop.side}×{crop.side} at ({crop.left}, {crop.top})
        </div>
      </div>
    </div>
  );
}
