import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Libraries resolve to their TypeScript sources through this export condition (see libs/*/package.json).
const conditions = ['@baton/source', 'import', 'module', 'default'];
const resolve = { conditions };
// Tests run in Vite's server-side environment, which has its own resolve conditions.
const ssr = { resolve: { conditions: ['@baton/source', 'node'] } };

// Nest needs decorator metadata, which esbuild does not emit; SWC does.
const nestTransform = () =>
  swc.vite({
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  });

const nestProject = { resolve, ssr, plugins: [nestTransform()] };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: { name: 'libs', include: ['libs/*/src/**/*.spec.ts'], environment: 'node' },
      },
      {
        resolve,
        ssr,
        // The widget's logic is plain TypeScript (no DOM needed), so no browser environment is installed.
        test: { name: 'widget', include: ['apps/widget/src/**/*.spec.ts'], environment: 'node' },
      },
      {
        resolve,
        ssr,
        // The SPA's data layer (client, parsing, cache) is plain TypeScript; screens are covered in web-e2e.
        test: { name: 'web', include: ['apps/web/src/**/*.spec.ts'], environment: 'node' },
      },
      {
        ...nestProject,
        test: {
          name: 'api',
          include: ['apps/api/src/**/*.spec.ts', 'tools/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        ...nestProject,
        test: {
          name: 'api-int',
          include: ['apps/api/test/**/*.int-spec.ts', 'tools/**/*.int-spec.ts'],
          environment: 'node',
          globalSetup: ['apps/api/test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        ...nestProject,
        test: {
          name: 'faults',
          include: ['apps/api/test/faults/**/*.fault-spec.ts'],
          environment: 'node',
          // The built API and worker as child processes, each part killed mid-traffic (see
          // docs/OPERATIONS.md). Its own group runs alone, after the unit and integration tests (and
          // before the browser flows), so the recovery times it measures are not a busy machine's.
          globalSetup: ['apps/api/test/support/global-setup.ts'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        ...nestProject,
        test: {
          name: 'web-e2e',
          include: ['apps/web-e2e/src/**/*.e2e-spec.ts'],
          environment: 'node',
          // Its own database and seeded first admin, as on a fresh install. The flows share the demo
          // content, so they run one file at a time (each closes what it left open; see product.ts).
          globalSetup: ['apps/api/test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
          pool: 'forks',
        },
      },
    ],
  },
});
