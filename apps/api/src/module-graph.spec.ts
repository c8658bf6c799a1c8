import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  INFRASTRUCTURE,
  buildModuleGraph,
  describeCycle,
  featureDependencies,
  findCycles,
  type ModuleGraph,
} from './module-graph.js';

const graph = buildModuleGraph();

const toGraph = (edges: Record<string, string[]>): ModuleGraph =>
  new Map(Object.entries(edges).map(([from, to]) => [from, new Map(to.map((t) => [t, [`${from}/x.ts`]]))]));

/** The rows of the "Module map" table in docs/ARCHITECTURE.md, module → the modules it uses. */
function documentedMap(): Map<string, string[]> {
  const doc = readFileSync(new URL('../../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
  const section = doc.split(/^## Module map$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => line.split('|').map((cell) => cell.trim().replace(/`/g, '')));
  return new Map(
    rows.map(([, module, uses]) => [
      module!,
      uses === '—' || !uses
        ? []
        : uses
            .split(',')
            .map((name) => name.trim())
            .sort(),
    ]),
  );
}

describe('API module graph', () => {
  it('reads the imports between modules from the sources', () => {
    expect([...(graph.get('modules/realtime')?.keys() ?? [])]).toContain('modules/auth');
    expect(graph.get('modules/realtime')?.get('modules/auth')).toContain('modules/realtime/agent.gateway.ts');
    expect([...(graph.get('app.module')?.keys() ?? [])]).toContain('modules/users');
  });

  it('has no import cycle between modules', () => {
    const cycles = findCycles(graph).map((cycle) => describeCycle(graph, cycle));
    // Break a cycle by moving the code to the module it belongs to, not with forwardRef.
    expect(cycles, `import cycles between API modules:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('keeps infrastructure free of feature modules', () => {
    const offending = INFRASTRUCTURE.flatMap((node) =>
      [...(graph.get(node)?.entries() ?? [])]
        .filter(([to]) => to.startsWith('modules/'))
        .map(([to, files]) => `${node} → ${to}: ${files.join(', ')}`),
    );
    expect(offending).toEqual([]);
  });

  it('is what the module map in docs/ARCHITECTURE.md shows', () => {
    const actual = Object.fromEntries(featureDependencies(graph));
    expect(Object.fromEntries(documentedMap()), 'update the "Module map" table to match').toEqual(actual);
  });
});

describe('cycle finder', () => {
  it('names each tangle of modules with one cycle through it and the files behind it', () => {
    const tangled = toGraph({
      'modules/a': ['modules/b', 'common'],
      'modules/b': ['modules/c'],
      'modules/c': ['modules/a', 'modules/d'],
      'modules/d': ['modules/e'],
      'modules/e': ['modules/d'],
      common: [],
    });
    expect(findCycles(tangled)).toEqual([
      {
        modules: ['modules/a', 'modules/b', 'modules/c'],
        cycle: ['modules/a', 'modules/b', 'modules/c', 'modules/a'],
      },
      { modules: ['modules/d', 'modules/e'], cycle: ['modules/d', 'modules/e', 'modules/d'] },
    ]);
    expect(describeCycle(tangled, findCycles(tangled)[1]!)).toBe(
      [
        'modules/d → modules/e → modules/d (modules in this tangle: modules/d, modules/e)',
        '  modules/d → modules/e: modules/d/x.ts',
        '  modules/e → modules/d: modules/e/x.ts',
      ].join('\n'),
    );
  });

  it('takes the shortest way round', () => {
    const graph = toGraph({ a: ['b', 'c'], b: ['c'], c: ['a'] });
    expect(findCycles(graph)).toEqual([{ modules: ['a', 'b', 'c'], cycle: ['a', 'c', 'a'] }]);
  });

  it('finds nothing in a layered graph', () => {
    expect(findCycles(toGraph({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });
});
