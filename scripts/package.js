#!/usr/bin/env node
'use strict';
/**
 * Builds the Teams app package for one environment, without the Toolkit:
 *
 *   node scripts/package.js [--env dev] [--out appPackage/build]
 *
 * It reads env/.env.<env> (then env/.env.<env>.user), replaces every ${{NAME}} in appPackage/manifest.json (a name that
 * is missing or empty in those files is taken from the process environment), checks the result against the
 * manifest's JSON schema, and writes appPackage/build/manifest.<env>.json and appPackage/build/appPackage.<env>.zip
 * (manifest.json, color.png, outline.png at the root of the zip), ready for Teams admin center > Manage apps > Upload.
 *
 * A placeholder without a value stops the build with a line naming the variable (run `atk provision --env <env>`
 * first: it fills in TEAMS_APP_ID and BOT_ID). APP_NAME_SUFFIX alone may be empty, as in the Toolkit.
 * The zip is reproducible: same inputs, same bytes (fixed timestamps, fixed order).
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { crc32 } = require('./crc32');

const ROOT = path.resolve(__dirname, '..');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Variables that may be empty, as the Toolkit allows. */
const MAY_BE_EMPTY = new Set(['APP_NAME_SUFFIX']);
const ICONS = ['color.png', 'outline.png'];

/**
 * Parses a dotenv file: KEY=value lines, # comments, optional single or double quotes around the value.
 * @returns {Record<string, string>}
 */
function parseEnvFile(text) {
  const vars = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) {
      value = quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n').replace(/\\"/g, '"') : quoted[2];
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    vars[m[1]] = value;
  }
  return vars;
}

/** Values of env/.env.<env> and env/.env.<env>.user (the .user file wins), as the Toolkit reads them. */
function readEnvironment(envName, root = ROOT) {
  const file = path.join(root, 'env', `.env.${envName}`);
  if (!fs.existsSync(file)) throw new Error(`env/.env.${envName} does not exist`);
  const vars = parseEnvFile(fs.readFileSync(file, 'utf8'));
  const user = `${file}.user`;
  if (fs.existsSync(user)) Object.assign(vars, parseEnvFile(fs.readFileSync(user, 'utf8')));
  return vars;
}

/**
 * Replaces every ${{NAME}} in `text`. A value comes from `vars` or, when missing or empty there, from `fallback`.
 * Values are inserted as JSON string content (escaped), since every placeholder of the manifest sits inside a string.
 * @returns {string}
 */
function substitute(text, vars, fallback = process.env, where = 'appPackage/manifest.json') {
  const missing = new Set();
  const out = text.replace(PLACEHOLDER, (_, name) => {
    let value = vars[name];
    if ((value === undefined || value === '') && fallback[name] !== undefined && fallback[name] !== '')
      value = fallback[name];
    if (value === undefined || (value === '' && !MAY_BE_EMPTY.has(name))) {
      missing.add(name);
      return '';
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size) {
    throw new Error(
      `${[...missing].join(', ')}: no value for \${{…}} in ${where} (set it in the env file, or run \`atk provision\` first)`,
    );
  }
  return out;
}

/** DOS date 1980-01-01 00:00:00: every entry gets it, so the same files always give the same zip. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * A zip archive (deflated or stored entries, no encryption, no zip64) of `entries` in the given order.
 * @param {{name: string, data: Buffer}[]} entries
 * @returns {Buffer}
 */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    // deflate, unless that does not make the entry smaller (PNGs are compressed already): then store it as is
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const method = deflated.length < data.length ? 8 : 0;
    const compressed = method === 8 ? deflated : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(method, 8); // 8 = deflate, 0 = stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    locals.push(local, nameBytes, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header
    central.writeUInt16LE(20, 4); // version made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(0, 30); // extra length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(0, 38); // external attributes
    central.writeUInt32LE(offset, 42); // offset of the local header
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, centralDir, end]);
}

/** Schema check of the built manifest; skipped (with a note) where dev dependencies are not installed. */
function schemaProblems(manifest) {
  try {
    return require('./manifest-schema').validateManifest(manifest);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      console.warn(
        'note: ajv or @microsoft/app-manifest is not installed; the manifest was not checked against its schema',
      );
      return [];
    }
    throw e;
  }
}

/**
 * Builds the package. `vars` replaces reading env/.env.<env> (tests); `fallback` is the process environment by default.
 * @returns {{zipPath: string, manifestPath: string, manifest: object}}
 */
function buildAppPackage({ envName = 'dev', root = ROOT, outDir, vars, fallback = process.env } = {}) {
  const appDir = path.join(root, 'appPackage');
  const out = outDir || path.join(appDir, 'build');
  const values = vars || readEnvironment(envName, root);
  const text = substitute(fs.readFileSync(path.join(appDir, 'manifest.json'), 'utf8'), values, fallback);
  const manifest = JSON.parse(text);
  const problems = schemaProblems(manifest);
  if (problems.length)
    throw new Error(`appPackage/manifest.json does not match its schema:\n  ${problems.join('\n  ')}`);
  for (const icon of ICONS) {
    if (!Object.values(manifest.icons).includes(icon)) throw new Error(`manifest icons do not name ${icon}`);
  }
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const entries = [{ name: 'manifest.json', data: manifestBytes }];
  for (const icon of ICONS) entries.push({ name: icon, data: fs.readFileSync(path.join(appDir, icon)) });
  fs.mkdirSync(out, { recursive: true });
  const zipPath = path.join(out, `appPackage.${envName}.zip`);
  const manifestPath = path.join(out, `manifest.${envName}.json`);
  fs.writeFileSync(zipPath, zip(entries));
  fs.writeFileSync(manifestPath, manifestBytes);
  return { zipPath, manifestPath, manifest };
}

function parseArgs(argv) {
  const args = { envName: 'dev' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--env' || a === '-e') args.envName = argv[++i];
    else if (a.startsWith('--env=')) args.envName = a.slice('--env='.length);
    else if (a === '--out') args.outDir = path.resolve(argv[++i]);
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a} (usage: node scripts/package.js [--env dev] [--out dir])`);
  }
  if (!args.envName || !/^[A-Za-z0-9_-]+$/.test(args.envName))
    throw new Error('--env needs an environment name such as dev');
  return args;
}

module.exports = { parseEnvFile, readEnvironment, substitute, zip, buildAppPackage };

if (require.main === module) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log('usage: node scripts/package.js [--env dev] [--out appPackage/build]');
    } else {
      const { zipPath } = buildAppPackage(args);
      console.log(`wrote ${path.relative(process.cwd(), zipPath)}`);
    }
  } catch (e) {
    console.error(`package: ${e.message}`);
    process.exit(1);
  }
}
