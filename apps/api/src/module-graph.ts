import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The API's modules as units of dependency: each folder under `modules/` and each top-level folder
 * of `src/` (`common`, `config`, `prisma`, …) is one node; a top-level file (`app.module.ts`) is a node
 * of its own. Edges come from the import statements of the sources (specs left out), so the map and
 * the cycle check see exactly what the compiler sees, type-only imports included.
 */
export type ModuleGraph = Map<string, Map<string, string[]>>;

export const API_SOURCE_DIR = dirname(fileURLToPath(import.meta.url));

/** Folders that hold infrastructure and shared plumbing, not a feature: they import no module. */
export const INFRASTRUCTURE = [
  'common',
  'config',
  'generated',
  'jobs',
  'logging',
  'prisma',
  'redis',
  'static',
];

const SOURCE = /\.(ts|tsx|mts)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) && !/\.(spec|int-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The node a source file belongs to, or undefined outside `srcDir`. */
export function moduleOf(file: string, srcDir = API_SOURCE_DIR): string | undefined {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..') || rel === '') return undefined;
  const parts = rel.split(sep);
  if (parts.length === 1) return parts[0]!.replace(/\.(js|ts|tsx|mts)$/, '');
  if (parts[0] === 'modules') return parts.length > 2 ? `modules/${parts[1]}` : undefined;
  return parts[0];
}

/** Every module and, per module it imports, the files that do so (relative to `srcDir`). */
export function buildModuleGraph(srcDir = API_SOURCE_DIR): ModuleGraph {
  const graph: ModuleGraph = new Map();
  for (const file of sourceFiles(srcDir)) {
    const from = moduleOf(file, srcDir);
    if (!from) continue;
    const edges = graph.get(from) ?? new Map<string, string[]>();
    graph.set(from, edges);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue; // packages and workspace libraries
      const to = moduleOf(resolve(dirname(file), fileName), srcDir);
      if (!to || to === from) continue;
      const files = edges.get(to) ?? [];
      const at = relative(srcDir, file);
      if (!files.includes(at)) files.push(at);
      edges.set(to, files);
    }
  }
  return graph;
}

export interface ImportCycle {
  /** Every module of a group that import one another, directly or not (a strongly connected component). */
  modules: string[];
  /** One shortest cycle through the group's first module, e.g. `['modules/a', 'modules/b', 'modules/a']`. */
  cycle: string[];
}

/** The groups of modules that import one another (Tarjan), each with one concrete cycle. */
export function findCycles(graph: ModuleGraph): ImportCycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const next = (node: string) => [...(graph.get(node)?.keys() ?? [])].sort();

  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next(node)) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);

  // Within a group every module reaches every other: walk the shortest way from the first back to it.
  return groups
    .map((group) => {
      const members = new Set(group);
      const start = group[0]!;
      const previous = new Map<string, string>();
      const queue = [start];
      while (queue.length > 0) {
        const node = queue.shift()!;
        for (const to of next(node).filter((n) => members.has(n))) {
          if (to === start) {
            const path: string[] = [];
            for (let at: string | undefined = node; at && at !== start; at = previous.get(at))
              path.unshift(at);
            return { modules: group, cycle: [start, ...path, start] };
          }
          if (!previous.has(to) && to !== start) {
            previous.set(to, node);
            queue.push(to);
          }
        }
      }
      return { modules: group, cycle: group };
    })
    .sort((a, b) => a.modules.join().localeCompare(b.modules.join()));
}

/** A cycle with the files behind each of its imports, for a failure message someone can act on. */
export function describeCycle(graph: ModuleGraph, { modules, cycle }: ImportCycle): string {
  const steps = cycle.slice(1).map((to, i) => {
    const from = cycle[i]!;
    return `  ${from} → ${to}: ${graph.get(from)?.get(to)?.join(', ') ?? '?'}`;
  });
  return [`${cycle.join(' → ')} (modules in this tangle: ${modules.join(', ')})`, ...steps].join('\n');
}

/** Feature modules (folders under `modules/`) and the feature modules each one imports. */
export function featureDependencies(graph: ModuleGraph): Map<string, string[]> {
  const feature = (node: string) => node.startsWith('modules/');
  const short = (node: string) => node.slice('modules/'.length);
  return new Map(
    [...graph.keys()]
      .filter(feature)
      .sort()
      .map((node) => [short(node), [...graph.get(node)!.keys()].filter(feature).map(short).sort()]),
  );
}
