// Draws the app icon (a teal rounded square with a white cross over ascending bars) as PNGs in
// build/icons, without image tools: pixels are computed here and encoded with zlib.
// electron-builder derives the Windows .ico and macOS .icns from build/icon.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

function crc32(buffer) {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size, 1 / size);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const inRoundedRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

// 4x4 supersampling for smooth edges.
function icon(x, y, step) {
  let r = 0, g = 0, b = 0, a = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const px = x + ((i + 0.5) / 4) * step;
      const py = y + ((j + 0.5) / 4) * step;
      let c = null;
      if (inRoundedRect(px, py, 0.06, 0.06, 0.94, 0.94, 0.2)) {
        const t = py;
        c = [15 + 20 * t, 118 - 30 * t, 110 - 20 * t];
        const bars = [
          [0.22, 0.62, 0.34, 0.8],
          [0.40, 0.52, 0.52, 0.8],
          [0.58, 0.40, 0.70, 0.8],
        ];
        if (bars.some(([x0, y0, x1, y1]) => inRoundedRect(px, py, x0, y0, x1, y1, 0.02))) c = [204, 251, 241];
        const cross = inRoundedRect(px, py, 0.62, 0.14, 0.74, 0.46, 0.015) || inRoundedRect(px, py, 0.52, 0.24, 0.84, 0.36, 0.015);
        if (cross) c = [255, 255, 255];
      }
      if (c) {
        r += c[0];
        g += c[1];
        b += c[2];
        a += 255;
      }
    }
  }
  const n = a / 255;
  return n === 0 ? [0, 0, 0, 0] : [Math.round(r / n), Math.round(g / n), Math.round(b / n), Math.round(a / 16)];
}

mkdirSync('build/icons', { recursive: true });
writeFileSync('build/icon.png', png(1024, icon));
for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(`build/icons/${size}x${size}.png`, png(size, icon));
process.stdout.write('icons written to build/icon.png and build/icons/\n');
