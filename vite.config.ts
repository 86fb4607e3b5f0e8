import { defineConfig } from 'vitest/config';

// One config for the browser bundles (widget now, dashboard later) and for vitest.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2019',
    lib: {
      entry: 'widget/src/main.tsx',
      name: 'Waitline',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
    reportCompressedSize: true,
    minify: true,
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
