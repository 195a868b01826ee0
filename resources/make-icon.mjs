// Writes resources/hermes.png (128×128, the marketplace icon; vsce refuses SVG icons): a winged "H" on a rounded
// square, drawn by signed-distance tests and encoded as PNG with node:zlib. Run: node resources/make-icon.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const N = 128;
const px = Buffer.alloc(N * N * 4);
const bg = [0x2b, 0x4c, 0x7e];
const fg = [0xf4, 0xc4, 0x30];
const inRoundedSquare = (x, y) => {
  const r = 24, m = 4;
  const dx = Math.max(m + r - x, 0, x - (N - m - r));
  const dy = Math.max(m + r - y, 0, y - (N - m - r));
  return dx * dx + dy * dy <= r * r;
};
const segDist = (x, y, ax, ay, bx, by) => {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - ax - t * vx, y - ay - t * vy);
};
const strokes = [
  [46, 30, 46, 98, 7], [82, 30, 82, 98, 7], [46, 64, 82, 64, 6],
  [46, 40, 18, 30, 4], [46, 48, 22, 44, 4], [46, 56, 28, 58, 3.5],
  [82, 40, 110, 30, 4], [82, 48, 106, 44, 4], [82, 56, 100, 58, 3.5],
];
for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const i = (y * N + x) * 4;
    if (!inRoundedSquare(x + 0.5, y + 0.5)) continue;
    const d = Math.min(...strokes.map(([ax, ay, bx, by, w]) => segDist(x + 0.5, y + 0.5, ax, ay, bx, by) - w));
    const a = Math.max(0, Math.min(1, 0.5 - d)); // one pixel of anti-aliasing
    for (let c = 0; c < 3; c++) px[i + c] = Math.round(bg[c] * (1 - a) + fg[c] * a);
    px[i + 3] = 255;
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw)),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./hermes.png', import.meta.url), png);
