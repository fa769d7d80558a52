#!/usr/bin/env node
'use strict';
/**
 * Draws the two Teams app icons and writes them as PNG files, with nothing but Node's zlib:
 *
 * - `appPackage/color.png`: 192×192, full colour: a white shield with an open eye on the accent navy.
 * - `appPackage/outline.png`: 32×32, white on a transparent background (the shape Teams shows in its app bar).
 *
 * Usage: `node scripts/icons.js [outputDir]` (default `appPackage`). The output is deterministic, so rerunning the
 * script leaves the committed PNGs unchanged unless the drawing below changed.
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { crc32 } = require('./crc32');

/** Accent colour of the app (the manifest's `accentColor` is the same value). */
const ACCENT = '#12355B';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes 8-bit RGBA (colour type 6) or RGB (colour type 2) pixels as a PNG.
 * @param {number} width
 * @param {number} height
 * @param {Uint8Array} pixels row-major, 4 (RGBA) or 3 (RGB) bytes per pixel
 * @param {boolean} alpha whether `pixels` is RGBA
 * @returns {Buffer}
 */
function encodePng(width, height, pixels, alpha) {
  const channels = alpha ? 4 : 3;
  if (pixels.length !== width * height * channels) throw new Error('pixel buffer does not match the image size');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = alpha ? 6 : 2; // colour type: truecolour with / without alpha
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None on every row
    Buffer.from(pixels.buffer, pixels.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  const idat = zlib.deflateSync(raw, { level: 9 });
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function hex(color) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`bad colour ${color}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/**
 * Fraction of the pixel (x, y) covered by `inside`, from an n×n grid of samples (anti-aliasing).
 * @param {(x: number, y: number) => boolean} inside
 */
function coverage(inside, x, y, n = 4) {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (inside(x + (i + 0.5) / n, y + (j + 0.5) / n)) hits++;
  }
  return hits / (n * n);
}

/**
 * A heater shield: straight sides with rounded shoulders, then sides that close to a point at the bottom.
 * Coordinates are in pixels of the target image.
 */
function shield({ cx, top, bottom, halfWidth, corner }) {
  const straight = top + 0.45 * (bottom - top);
  return (x, y) => {
    const dx = Math.abs(x - cx);
    if (y < top || y > bottom) return false;
    if (y <= straight) {
      if (dx > halfWidth) return false;
      if (y < top + corner && dx > halfWidth - corner) {
        const ox = dx - (halfWidth - corner);
        const oy = top + corner - y;
        return ox * ox + oy * oy <= corner * corner;
      }
      return true;
    }
    const t = (y - straight) / (bottom - straight);
    return dx <= halfWidth * (1 - t * t);
  };
}

/** An almond (the lens between two circle arcs), `a` half as wide and `b` half as tall. */
function almond(cx, cy, a, b) {
  const r = (a * a + b * b) / (2 * b);
  return (x, y) => {
    const dx = x - cx;
    const up = y - (cy + r - b);
    const down = y - (cy - r + b);
    return dx * dx + up * up <= r * r && dx * dx + down * down <= r * r;
  };
}

function circle(cx, cy, r) {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Subtracts one shape from another. */
function minus(shape, hole) {
  return (x, y) => shape(x, y) && !hole(x, y);
}

/** The 192×192 colour icon, RGB. */
function renderColor() {
  const size = 192;
  const out = new Uint8Array(size * size * 3);
  const top = hex('#1B4C80');
  const bottom = hex(ACCENT);
  const layers = [
    // white shield, a blue shield inside it, then the eye
    [shield({ cx: 96, top: 30, bottom: 168, halfWidth: 60, corner: 12 }), hex('#FFFFFF')],
    [shield({ cx: 96, top: 40, bottom: 154, halfWidth: 50, corner: 8 }), hex('#1D5C96')],
    [almond(96, 92, 36, 20), hex('#FFFFFF')],
    [circle(96, 92, 15), hex('#2EC4B6')],
    [circle(96, 92, 7.5), hex('#0B2239')],
    [circle(100.5, 87.5, 2.8), hex('#FFFFFF')],
  ];
  for (let y = 0; y < size; y++) {
    const t = y / (size - 1);
    const bg = top.map((c, k) => Math.round(c + (bottom[k] - c) * t));
    for (let x = 0; x < size; x++) {
      let px = bg.slice();
      for (const [inside, color] of layers) {
        const a = coverage(inside, x, y);
        if (a > 0) px = px.map((c, k) => c + (color[k] - c) * a);
      }
      out.set(
        px.map((c) => Math.round(c)),
        (y * size + x) * 3,
      );
    }
  }
  return { width: size, height: size, pixels: out, alpha: false };
}

/** The 32×32 outline icon: white strokes, everything else fully transparent. */
function renderOutline() {
  const size = 32;
  const out = new Uint8Array(size * size * 4);
  const outer = shield({ cx: 16, top: 2, bottom: 30.5, halfWidth: 12.5, corner: 2.5 });
  const inner = shield({ cx: 16, top: 4.4, bottom: 27.2, halfWidth: 10.1, corner: 1.5 });
  const eye = minus(almond(16, 14, 7.2, 4.2), almond(16, 14, 5.6, 2.7));
  const pupil = circle(16, 14, 2.1);
  const shape = (x, y) => (outer(x, y) && !inner(x, y)) || eye(x, y) || pupil(x, y);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = Math.round(coverage(shape, x, y, 6) * 255);
      out.set([255, 255, 255, a], (y * size + x) * 4);
    }
  }
  // fully transparent pixels carry no colour, so nothing can show through a renderer that ignores alpha
  for (let i = 0; i < out.length; i += 4) if (out[i + 3] === 0) out.fill(0, i, i + 3);
  return { width: size, height: size, pixels: out, alpha: true };
}

/** Writes `color.png` and `outline.png` into `dir`; returns their paths. */
function writeIcons(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const written = [];
  for (const [name, image] of [
    ['color.png', renderColor()],
    ['outline.png', renderOutline()],
  ]) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, encodePng(image.width, image.height, image.pixels, image.alpha));
    written.push(file);
  }
  return written;
}

module.exports = { ACCENT, encodePng, renderColor, renderOutline, writeIcons };

if (require.main === module) {
  const dir = path.resolve(process.argv[2] || path.join(__dirname, '..', 'appPackage'));
  for (const file of writeIcons(dir)) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
