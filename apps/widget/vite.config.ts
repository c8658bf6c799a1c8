import { defineConfig } from 'vite';

// One self-contained file that host pages load with a single <script> tag.
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@baton/source', 'browser', 'import', 'module', 'default'] },
  build: {
    outDir: '../../dist/apps/widget',
    emptyOutDir: true,
    sourcemap: true,
    lib: { entry: 'src/main.ts', name: 'BatonWidgetBundle', formats: ['iife'], fileName: () => 'widget.js' },
  },
});
