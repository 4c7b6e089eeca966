// Draws the notebook's icons into public/: a 4×4 grid of image patches, half of them masked, as the
// Context Autoencoder sees an image. PNGs at 192 and 512 px for the web manifest, an SVG favicon.
// Run: node scripts/icons.mjs (no dependencies; PNG written with Node's zlib).
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const BG = [0x24, 0x56, 0xb8]; // --accent
const SEEN = [0xff, 0xff, 0xff];
const MASKED = [0x17, 0x39, 0x7a];
const MASK = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1]; // 8 of 16 patches masked
// The grid fills the middle 60 %, inside the safe zone of a maskable icon (80 %).
const cell = (u) => {
  const g = (u - 0.2) / 0.6;
  if (g < 0 || g >= 1) return null;
  const i = Math.floor(g * 4);
  const inner = g * 4 - i;
  return inner > 0.08 && inner < 0.92 ? i : null;
};

function pixel(x, y, n) {
  const cx = cell((x + 0.5) / n);
  const cy = cell((y + 0.5) / n);
  if (cx === null || cy === null) return BG;
  return MASK[cy * 4 + cx] ? MASKED : SEEN;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(n) {
  const head = Buffer.alloc(13);
  head.writeUInt32BE(n, 0);
  head.writeUInt32BE(n, 4);
  head[8] = 8; // bit depth
  head[9] = 2; // RGB
  const raw = Buffer.alloc(n * (3 * n + 1));
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) raw.set(pixel(x, y, n), y * (3 * n + 1) + 1 + 3 * x);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', head), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function svg() {
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const rects = MASK.map((m, k) => {
    const [x, y] = [20 + (k % 4) * 15 + 1.2, 20 + Math.floor(k / 4) * 15 + 1.2];
    return `<rect x="${x}" y="${y}" width="12.6" height="12.6" fill="${hex(m ? MASKED : SEEN)}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="12" fill="${hex(BG)}"/>${rects.join('')}</svg>\n`;
}

const out = new URL('../public/', import.meta.url);
for (const n of [192, 512]) writeFileSync(new URL(`icon-${n}.png`, out), png(n));
writeFileSync(new URL('icon.svg', out), svg());
