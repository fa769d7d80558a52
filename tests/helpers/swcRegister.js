/**
 * A require hook that runs the project's TypeScript sources directly in Node, compiled on the fly by @swc/core with
 * the same settings as jest (no type-checking; `npx tsc --noEmit` does that).
 *
 * Use it to start a child process from TS sources, e.g. when the child needs environment that Node reads only at
 * start-up (`NODE_EXTRA_CA_CERTS`):
 *
 *   spawn(process.execPath, ['--require', require.resolve('../helpers/swcRegister.js'), 'src/index.ts'], { env })
 */
'use strict';

const fs = require('node:fs');
const { transformSync } = require('@swc/core');

process.setSourceMapsEnabled(true);

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
