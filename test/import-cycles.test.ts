import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

/**
 * No import cycles in lib/ and sandbox/ (type-only imports count too: a cycle of types still ties
 * two modules into one). The graph comes from the TypeScript compiler's own module resolution,
 * so `@/` paths and relative paths resolve as tsc resolves them.
 */
const root = path.resolve(__dirname, '..');
const scanned = /^(lib|sandbox)\//;

function importGraph(): Map<string, string[]> {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const files = parsed.fileNames.filter((file) => scanned.test(path.relative(root, file)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const targets: string[] = [];
    const add = (specifier: string) => {
      const resolved = ts.resolveModuleName(specifier, file, parsed.options, ts.sys).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport) targets.push(path.relative(root, resolved.resolvedFileName));
    };
    for (const statement of source.statements) {
      if (
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
      )
        add(statement.moduleSpecifier.text);
    }
    graph.set(path.relative(root, file), targets);
  }
  return graph;
}

/** Each cycle once, as the path that closes it (`a.ts → b.ts → a.ts`). */
function cyclesOf(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    trail.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...trail.slice(trail.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    trail.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

it('lib/ and sandbox/ have no import cycles', () => {
  const graph = importGraph();
  expect(graph.size).toBeGreaterThan(100);
  // A cycle is broken by moving the piece both sides need into a module of its own.
  expect(cyclesOf(graph)).toEqual([]);
});

it('finds a cycle when there is one', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts', 'x.ts']],
    ['c.ts', ['a.ts']],
  ]);
  expect(cyclesOf(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts']);
});
