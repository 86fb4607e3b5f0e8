import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import type { InlineConfig } from 'vitest/node';

/** SPEC §7: all of widget.js within 10 KB gzipped. Past it, the build (and so `npm test`) fails. */
function sizeBudget(file: string, limit: number): Plugin {
  return {
    name: 'waitline-size-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunk = bundle[file];
      if (chunk?.type !== 'chunk') return;
      const gzip = gzipSync(chunk.code, { level: 9 }).length;
      const line = `${file}: ${chunk.code.length} B raw, ${gzip} B gzip (budget ${limit} B)`;
      if (gzip > limit) this.error(`${line}: over budget`);
      this.info(line);
    },
  };
}

const jsx = { jsx: { runtime: 'automatic', importSource: 'preact' } } as const;

const test: InlineConfig = {
  pool: 'forks',
  // The CSV round trip measures live heap; it needs to ask for a collection.
  execArgv: ['--expose-gc'],
  testTimeout: 20_000,
  hookTimeout: 20_000,
  projects: [
    {
      extends: true,
      test: {
        name: 'sqlite',
        include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
        exclude: [...configDefaults.exclude, 'test/pg/**'],
        // Type-level tests (*.test-d.ts: the two schemas' row types) run through tsc with the rest.
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'test/tsconfig.typecheck.json' },
      },
    },
    // Its globalSetup starts one PostgreSQL server, and only when a file of this project is in the run.
    { extends: true, test: { name: 'pg', include: ['test/pg/**/*.test.ts'], globalSetup: ['test/pg/global-setup.ts'] } },
  ],
};

/** `vite build --mode admin`: the dashboard SPA, served at /admin from dist/admin. */
const admin = defineConfig({
  oxc: jsx,
  root: 'admin',
  base: '/admin/',
  build: { outDir: '../dist/admin', emptyOutDir: true, target: 'es2022' },
  test,
});

// `vite build`: the storefront widget; vitest reads this config too.
const widget = defineConfig({
  oxc: jsx,
  plugins: [sizeBudget('widget.js', 10 * 1024)],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Class fields and optional chaining as written: every browser a storefront supports runs ES2022.
    target: 'es2022',
    lib: {
      entry: 'widget/src/main.tsx',
      name: 'Waitline',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
    minify: 'terser',
    terserOptions: { compress: { passes: 3 }, format: { comments: false } },
    reportCompressedSize: true,
  },
  test,
});

export default defineConfig(({ mode }) => (mode === 'admin' ? admin : widget));
