/**
 * The simulated tenant is a guest of the product, not one of its rooms: no module outside src/simulator/ imports it,
 * not even for a type, except the one `import()` in src/watch.ts that loads it on the simulated source (as
 * src/store/index.ts loads a store), so a live deployment never loads its code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

const SRC = resolve(__dirname, '../../../src');
const SIMULATOR = join(SRC, 'simulator');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a source names: import and export declarations (type-only too), `import()` and `require()`. */
function modulesNamed(text: string): { specifier: string; how: 'import' | 'import()' | 'require()' }[] {
  const source = ts.createSourceFile('source.ts', text, ts.ScriptTarget.ES2022, true);
  const named: { specifier: string; how: 'import' | 'import()' | 'require()' }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      named.push({ specifier: (node.moduleSpecifier as ts.StringLiteral).text, how: 'import' });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      named.push({ specifier: (node.moduleReference.expression as ts.StringLiteral).text, how: 'require()' });
    } else if (ts.isCallExpression(node) && node.arguments.length && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword)
        named.push({ specifier: node.arguments[0].text, how: 'import()' });
      if (ts.isIdentifier(callee) && callee.text === 'require') {
        named.push({ specifier: node.arguments[0].text, how: 'require()' });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      named.push({ specifier: (node.argument.literal as ts.StringLiteral).text, how: 'import' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return named;
}

test('outside src/simulator/, only src/watch.ts names the simulator, and only in an import() call', () => {
  const product = sourceFiles(SRC).filter((file) => !file.startsWith(SIMULATOR + sep));
  expect(product.length).toBeGreaterThan(50);
  const intoSimulator = product.flatMap((file) =>
    modulesNamed(readFileSync(file, 'utf8'))
      .filter(({ specifier }) => {
        const target = resolve(dirname(file), specifier);
        return specifier.startsWith('.') && (target === SIMULATOR || target.startsWith(SIMULATOR + sep));
      })
      .map(({ specifier, how }) => `${relative(SRC, file)}: ${how} ${specifier}`),
  );
  expect(intoSimulator).toEqual(['watch.ts: import() ./simulator']);
});

test('the scan sees every way a module can name another', () => {
  const probe = [
    "import type { SimulatorOptions } from './simulator';",
    "export { startSimulator } from './simulator/server';",
    "import seed = require('./simulator/seed');",
    "type Tenant = import('./simulator/tenant').SimulatedTenant;",
    "const lazy = () => import('./simulator');",
    "const eager = require('./simulator/catalog');",
  ].join('\n');
  expect(modulesNamed(probe)).toEqual([
    { specifier: './simulator', how: 'import' },
    { specifier: './simulator/server', how: 'import' },
    { specifier: './simulator/seed', how: 'require()' },
    { specifier: './simulator/tenant', how: 'import' },
    { specifier: './simulator', how: 'import()' },
    { specifier: './simulator/catalog', how: 'require()' },
  ]);
});
