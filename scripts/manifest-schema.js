'use strict';
/**
 * Validates a Teams app manifest against the official JSON schema that `@microsoft/app-manifest` ships
 * (node_modules/@microsoft/app-manifest/build/json-schemas/teams/v<version>/MicrosoftTeams.schema.json), offline.
 *
 * The Teams schemas declare JSON Schema draft-04 but use nothing that draft-07 reads differently (no boolean
 * `exclusiveMinimum`/`exclusiveMaximum`, no `id` as a schema identifier), so plain Ajv 8 validates them once their
 * `$schema` line is dropped. The three formats they may use are checked by small real checkers (ajv-formats is not a
 * dependency of this project).
 */
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

/** Folder holding the package's Teams schemas, one `v<major>.<minor>` folder per manifest version. */
function teamsSchemaDir() {
  const pkg = require.resolve('@microsoft/app-manifest/package.json');
  return path.join(path.dirname(pkg), 'build', 'json-schemas', 'teams');
}

/** Released manifest versions the package has a schema for (not `vDevPreview`), oldest first, e.g. `['1.0', …]`. */
function schemaVersions() {
  return fs
    .readdirSync(teamsSchemaDir())
    .filter((name) => /^v\d+\.\d+$/.test(name))
    .map((name) => name.slice(1))
    .sort((a, b) => {
      const [am, an] = a.split('.').map(Number);
      const [bm, bn] = b.split('.').map(Number);
      return am - bm || an - bn;
    });
}

/** The parsed schema of one manifest version, e.g. `loadSchema('1.30')`. */
function loadSchema(version) {
  const file = path.join(teamsSchemaDir(), `v${version}`, 'MicrosoftTeams.schema.json');
  if (!fs.existsSync(file)) throw new Error(`@microsoft/app-manifest ships no schema for manifest version ${version}`);
  // Some published schemas carry "\a" / "\v" escapes that JSON.parse rejects (the package's own loader does the same).
  const text = fs.readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(text);
}

const URI = /^[a-z][a-z0-9+.-]*:[^\s]*$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isUri(value) {
  if (!URI.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function isRegex(value) {
  try {
    new RegExp(value, 'u');
    return true;
  } catch {
    return false;
  }
}

const compiled = new Map();

/** An Ajv validate function for one manifest version (cached). */
function validatorFor(version) {
  if (!compiled.has(version)) {
    const schema = loadSchema(version);
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', { type: 'string', validate: isUri });
    ajv.addFormat('email', { type: 'string', validate: (v) => EMAIL.test(v) });
    ajv.addFormat('regex', { type: 'string', validate: isRegex });
    compiled.set(version, ajv.compile(schema));
  }
  return compiled.get(version);
}

/**
 * Validates a manifest object against the schema of its own `manifestVersion`.
 * @returns {string[]} one line per problem; empty when the manifest is valid
 */
function validateManifest(manifest) {
  const version = manifest && manifest.manifestVersion;
  if (typeof version !== 'string') return ['/manifestVersion is missing'];
  const validate = validatorFor(version);
  if (validate(manifest)) return [];
  return validate.errors.map(
    (e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

module.exports = { teamsSchemaDir, schemaVersions, loadSchema, validatorFor, validateManifest, isUri, isRegex };
