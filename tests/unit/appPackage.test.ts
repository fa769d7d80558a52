/**
 * The Teams app package: appPackage/manifest.json against the official schema that @microsoft/app-manifest ships,
 * the two icons (sizes, transparency, decoded independently of the script that drew them), and the zip that
 * scripts/package.js builds.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

// Plain CommonJS scripts of the project (not TypeScript), loaded as they run from npm scripts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateManifest, schemaVersions, loadSchema } = require('../../scripts/manifest-schema');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderColor, renderOutline, ACCENT } = require('../../scripts/icons');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildAppPackage, parseEnvFile } = require('../../scripts/package');

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(ROOT, 'appPackage');

/**
 * The SPEC §2 command titles. Kept inline for now: the command catalog (src/commands/catalog.ts) will export the
 * same list, and this test should import it from there once it exists.
 */
const SPEC_COMMANDS = [
  'help',
  'show pending actions',
  'show incidents',
  'show devices',
  'secure score',
  'digest daily',
  'digest weekly',
  'digest monthly',
  'subscribe',
  'unsubscribe',
  'scan',
  'show my incidents',
  'assign',
];

/**
 * SPEC commands the menu leaves out: the schema allows 12 commands per scope, and `assign <incident id> to me` needs
 * an id the incident row's `Assign to me` button already carries.
 */
const NOT_IN_MENU = ['assign'];

/** Plausible values for the Toolkit placeholders of the manifest. */
const SAMPLE_VARS: Record<string, string> = {
  TEAMS_APP_ID: '3f2b7c1e-9a4d-4e8b-b1c6-2d5e8f0a7b93',
  BOT_ID: '8c1d4e2f-6b3a-4f9e-a7d5-0e2c9b8a1f64',
  APP_NAME_SUFFIX: '-dev',
};

const rawManifest = fs.readFileSync(path.join(APP, 'manifest.json'), 'utf8');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

function substituted(vars = SAMPLE_VARS): any {
  return JSON.parse(rawManifest.replace(PLACEHOLDER, (_, name: string) => vars[name]));
}

// ---- PNG decoding (independent of scripts/icons.js) ----------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA, 4 bytes per pixel, whatever the file's colour type. */
  rgba: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes an 8-bit, non-interlaced, non-palette PNG, checking the signature and every chunk CRC. */
function readPng(file: string): Png {
  const buf = fs.readFileSync(file);
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let pos = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let sawEnd = false;
  while (pos < buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + length);
    expect(buf.readUInt32BE(pos + 8 + length)).toBe(crc32(buf.subarray(pos + 4, pos + 8 + length)));
    if (type === 'IHDR') ihdr = body;
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') sawEnd = true;
    pos += 12 + length;
  }
  expect(sawEnd).toBe(true);
  if (!ihdr) throw new Error(`${file}: no IHDR`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8];
  const colorType = ihdr[9];
  expect(bitDepth).toBe(8);
  expect(ihdr[12]).toBe(0); // not interlaced
  const channels = CHANNELS[colorType];
  if (!channels) throw new Error(`${file}: colour type ${colorType} is not supported by this test`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`${file}: bad filter type ${filter}`);
      pixels[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = pixels.subarray(p * channels, (p + 1) * channels);
    const [r, g, b, a] =
      colorType === 0
        ? [s[0], s[0], s[0], 255]
        : colorType === 4
          ? [s[0], s[0], s[0], s[1]]
          : colorType === 2
            ? [s[0], s[1], s[2], 255]
            : [...s];
    rgba.set([r, g, b, a], p * 4);
  }
  return { width, height, bitDepth, colorType, rgba };
}

function alphaAt(png: Png, x: number, y: number): number {
  return png.rgba[(y * png.width + x) * 4 + 3];
}

// ---- ZIP reading (independent of scripts/package.js) ---------------------------------------------------------------

function readZip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThanOrEqual(0);
  const count = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(pos)).toBe(0x02014b50);
    const method = buf.readUInt16LE(pos + 10);
    const crc = buf.readUInt32LE(pos + 16);
    const size = buf.readUInt32LE(pos + 20);
    const nameLength = buf.readUInt16LE(pos + 28);
    const extraLength = buf.readUInt16LE(pos + 30);
    const commentLength = buf.readUInt16LE(pos + 32);
    const localOffset = buf.readUInt32LE(pos + 42);
    const name = buf.toString('utf8', pos + 46, pos + 46 + nameLength);
    expect(buf.readUInt32LE(localOffset)).toBe(0x04034b50);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    const body = buf.subarray(dataStart, dataStart + size);
    expect([0, 8]).toContain(method);
    const data = method === 8 ? zlib.inflateRawSync(body) : Buffer.from(body);
    expect(crc32(data)).toBe(crc);
    entries.set(name, data);
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// ---- Manifest ---------------------------------------------------------------------------------------------------

describe('appPackage/manifest.json', () => {
  const manifest = substituted();

  it('declares a manifest version that @microsoft/app-manifest ships a schema for, and the matching $schema URL', () => {
    expect(schemaVersions()).toContain(manifest.manifestVersion);
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('validates against the official schema once the Toolkit placeholders are filled in', () => {
    expect(validateManifest(manifest)).toEqual([]);
  });

  it('uses only Toolkit placeholders that every Teams environment file defines', () => {
    const names = placeholders(rawManifest);
    expect(names.sort()).toEqual(Object.keys(SAMPLE_VARS).sort());
    for (const env of ['dev', 'local']) {
      const vars = parseEnvFile(fs.readFileSync(path.join(ROOT, 'env', `.env.${env}`), 'utf8'));
      for (const name of names) expect([env, name, name in vars]).toEqual([env, name, true]);
    }
  });

  it('is rejected by the same validator when it breaks the schema (the check really checks)', () => {
    const tooMany = substituted();
    tooMany.bots[0].commandLists[0].commands = Array.from({ length: 13 }, (_, i) => ({
      title: `c${i}`,
      description: 'x',
    }));
    expect(validateManifest(tooMany).join('\n')).toMatch(/commands/);

    const badId = substituted({ ...SAMPLE_VARS, BOT_ID: 'not-a-guid' });
    expect(validateManifest(badId).join('\n')).toMatch(/botId/);

    const noDeveloper = substituted();
    delete noDeveloper.developer.privacyUrl;
    expect(validateManifest(noDeveloper).join('\n')).toMatch(/privacyUrl/);
  });

  it('describes one conversational bot for personal, team and group chat scopes', () => {
    expect(manifest.id).toBe(SAMPLE_VARS.TEAMS_APP_ID);
    expect(manifest.bots).toHaveLength(1);
    const [bot] = JSON.parse(rawManifest).bots;
    expect(bot.botId).toBe('${{BOT_ID}}');
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot.isNotificationOnly).toBe(false);
    expect(JSON.parse(rawManifest).id).toBe('${{TEAMS_APP_ID}}');
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(manifest.validDomains).toEqual([]);
    expect(manifest.accentColor).toBe(ACCENT);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });

  it('has a command list for each scope whose titles are SPEC commands, each SPEC command once (but assign)', () => {
    const lists = manifest.bots[0].commandLists as {
      scopes: string[];
      commands: { title: string; description: string }[];
    }[];
    expect(lists.map((l) => l.scopes.join(',')).sort()).toEqual(['groupChat', 'personal', 'team']);
    const limit = loadSchema(manifest.manifestVersion).properties.bots.items.properties.commandLists.items.properties
      .commands.maxItems;
    for (const list of lists) {
      const titles = list.commands.map((c) => c.title);
      for (const title of titles) expect(SPEC_COMMANDS).toContain(title);
      expect(new Set(titles).size).toBe(titles.length);
      expect(titles.length).toBeLessThanOrEqual(limit);
      // every other SPEC command is in the menu
      expect([...titles].sort()).toEqual(SPEC_COMMANDS.filter((c) => !NOT_IN_MENU.includes(c)).sort());
      for (const c of list.commands) expect(c.description.length).toBeGreaterThan(0);
    }
  });

  it('keeps names and descriptions within the Teams limits', () => {
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.name.full.length).toBeLessThanOrEqual(100);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    for (const url of [
      manifest.developer.websiteUrl,
      manifest.developer.privacyUrl,
      manifest.developer.termsOfUseUrl,
    ]) {
      expect(url).toMatch(/^https:\/\/github\.com\/watchstander\/watchstander/);
    }
  });
});

// ---- Icons ------------------------------------------------------------------------------------------------------

describe('app icons', () => {
  it('color.png is a 192×192 full-colour image', () => {
    const png = readPng(path.join(APP, 'color.png'));
    expect([png.width, png.height]).toEqual([192, 192]);
    expect([2, 6]).toContain(png.colorType);
    const colours = new Set<string>();
    for (let p = 0; p < png.width * png.height; p++) colours.add(png.rgba.subarray(p * 4, p * 4 + 3).join(','));
    expect(colours.size).toBeGreaterThan(16);
  });

  it('outline.png is a 32×32 white shape on a transparent background', () => {
    const png = readPng(path.join(APP, 'outline.png'));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect([4, 6]).toContain(png.colorType); // a colour type with an alpha channel
    for (const [x, y] of [
      [0, 0],
      [31, 0],
      [0, 31],
      [31, 31],
    ]) {
      expect(alphaAt(png, x, y)).toBe(0);
    }
    let solid = 0;
    for (let p = 0; p < 32 * 32; p++) {
      const [r, g, b, a] = png.rgba.subarray(p * 4, p * 4 + 4);
      if (a > 0) expect([r, g, b]).toEqual([255, 255, 255]);
      if (a >= 128) solid++;
    }
    expect(solid).toBeGreaterThan(50); // a visible shape, not an empty image
    expect(solid).toBeLessThan(32 * 32 * 0.6); // an outline, not a filled square
  });

  it('are exactly what scripts/icons.js draws (rerun `node scripts/icons.js` after changing the drawing)', () => {
    for (const [file, image] of [
      ['color.png', renderColor()],
      ['outline.png', renderOutline()],
    ] as const) {
      const png = readPng(path.join(APP, file));
      const expected = new Uint8Array(image.width * image.height * 4);
      const channels = image.alpha ? 4 : 3;
      for (let p = 0; p < image.width * image.height; p++) {
        const s = image.pixels.subarray(p * channels, (p + 1) * channels);
        expected.set(channels === 4 ? s : [...s, 255], p * 4);
      }
      expect(Buffer.from(png.rgba).equals(Buffer.from(expected))).toBe(true);
    }
  });
});

// ---- scripts/package.js -----------------------------------------------------------------------------------------

describe('scripts/package.js', () => {
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'watchstander-package-'));
  });
  afterEach(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('zips the substituted manifest and both icons, reproducibly', () => {
    const { zipPath, manifestPath } = buildAppPackage({
      envName: 'test',
      outDir: out,
      vars: SAMPLE_VARS,
      fallback: {},
    });
    expect(path.basename(zipPath)).toBe('appPackage.test.zip');
    const first = fs.readFileSync(zipPath);
    const entries = readZip(first);
    expect([...entries.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(manifest).toEqual(substituted());
    expect(JSON.parse(fs.readFileSync(manifestPath, 'utf8'))).toEqual(manifest);
    expect(entries.get('color.png')!.equals(fs.readFileSync(path.join(APP, 'color.png')))).toBe(true);
    expect(entries.get('outline.png')!.equals(fs.readFileSync(path.join(APP, 'outline.png')))).toBe(true);

    buildAppPackage({ envName: 'test', outDir: out, vars: SAMPLE_VARS, fallback: {} });
    expect(fs.readFileSync(zipPath).equals(first)).toBe(true);
  });

  it('takes a value missing from the env file from the process environment', () => {
    const { manifest } = buildAppPackage({
      envName: 'test',
      outDir: out,
      vars: { ...SAMPLE_VARS, BOT_ID: '' },
      fallback: { BOT_ID: SAMPLE_VARS.BOT_ID },
    });
    expect(manifest.bots[0].botId).toBe(SAMPLE_VARS.BOT_ID);
  });

  it('stops with the names of the placeholders that have no value', () => {
    expect(() =>
      buildAppPackage({ envName: 'test', outDir: out, vars: { APP_NAME_SUFFIX: '' }, fallback: {} }),
    ).toThrow(/TEAMS_APP_ID, BOT_ID: no value/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('reads env files the way the Toolkit writes them', () => {
    expect(
      parseEnvFile(
        '# comment\nA=1\nB= two words \nC="quoted # not a comment"\nD=\'single\'\nE=\nF=x # note\nexport G=g\n',
      ),
    ).toEqual({ A: '1', B: 'two words', C: 'quoted # not a comment', D: 'single', E: '', F: 'x', G: 'g' });
  });
});
