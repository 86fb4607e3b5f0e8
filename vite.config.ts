import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { build, type Plugin } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import type { InlineConfig } from 'vitest/node';
import { BUDGET } from './widget/budget.ts';

const jsx = { jsx: { runtime: 'automatic', importSource: 'preact' } } as const;
const terserOptions = { ecma: 2020, compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true }, format: { comments: false } } as const;

const gzipSize = (code: string | Uint8Array) => gzipSync(code, { level: 9 }).length;

/**
 * The form chunk (widget/src/form.tsx: preact and the form), built first as an
 * ES module named by its content hash, so the loader can name it and browsers
 * and CDNs can keep it for good. The build fails past either budget, so
 * `npm test` does too.
 */
function formChunk(): Plugin {
  let file = '';
  let code = '';
  return {
    name: 'waitline-form-chunk',
    apply: 'build',
    async config() {
      const out = await build({
        configFile: false,
        logLevel: 'warn',
        // Classic h(): preact's core has it already, where the automatic runtime would add its own vnode factory.
        oxc: { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' }, jsxInject: "import { h, Fragment } from 'preact'" },
        build: { write: false, target: 'es2022', minify: 'terser', terserOptions, lib: { entry: 'widget/src/form.tsx', formats: ['es'], fileName: 'form' } },
      });
      // Vite leaves an 'es' library's whitespace and /* @__PURE__ */ notes for a later bundler; this is the last one.
      const built = (Array.isArray(out) ? out[0]! : (out as { output: Array<{ code: string }> })).output[0]!.code;
      // preact's internal fields (`__k`, `__e`…) are private to this chunk, so they may take one-letter names.
      code = (await minify(built, { ...terserOptions, module: true, mangle: { properties: { regex: /^__\w$/ } } })).code!;
      file = `widget/form.${createHash('sha256').update(code).digest('hex').slice(0, 10)}.js`;
      return { define: { __WAITLINE_FORM__: JSON.stringify(file) } };
    },
    generateBundle(_options, bundle) {
      const loader = bundle['widget.js'];
      if (loader?.type !== 'chunk') return;
      this.emitFile({ type: 'asset', fileName: file, source: code });
      const size = { loader: gzipSize(loader.code), form: gzipSize(code) };
      const line = `widget.js ${size.loader} B gzip (budget ${BUDGET.loader} B); ${file} ${size.form} B gzip; together ${size.loader + size.form} B (budget ${BUDGET.total} B)`;
      if (size.loader > BUDGET.loader || size.loader + size.form > BUDGET.total) this.error(`${line}: over budget`);
      this.info(line);
    },
  };
}

/** Suites about SQLite itself: its file, its own migrations, several processes on one file, pure functions. */
const SQLITE_ONLY = [
  'test/unit/**',
  'test/security/two-processes.test.ts',
  'test/api/config-processes.test.ts',
  'test/signups/variant-gids-migration.test.ts',
  'test/security/sqlite-storage.test.ts',
  'test/ops/backup.test.ts',
];

const test: InlineConfig = {
  pool: 'forks',
  // Most files spend their time waiting on PostgreSQL, child servers or timers, so three forks keep
  // two cores busy; vitest's default (cores − 1) would run one file at a time here.
  maxWorkers: 3,
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
        exclude: [...configDefaults.exclude, 'test/pg/**', 'test/replicas/**'],
        // Type-level tests (*.test-d.ts: the two schemas' row types) run through tsc with the rest.
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'test/tsconfig.typecheck.json' },
      },
    },
    // Its globalSetup starts one PostgreSQL server, and only when a file of this project is in the run.
    { extends: true, test: { name: 'pg', include: ['test/pg/**/*.test.ts'], globalSetup: ['test/pg/global-setup.ts'] } },
    // Real server processes on one PostgreSQL, with the provider stubs (issue 18): test/replicas/fleet.test.ts.
    { extends: true, test: { name: 'replicas', include: ['test/replicas/**/*.test.ts'], globalSetup: ['test/pg/global-setup.ts'] } },
    // The same service, API, property and fuzz suites on PostgreSQL (test/helpers.ts `setup()` gives each a
    // database copied from the run's migrated template). Property suites run fewer cases here (FC_RUNS), with
    // the same invariants; suites about SQLite itself (its files, its migrations, its processes) stay on SQLite.
    {
      extends: true,
      test: {
        name: 'services-pg',
        include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
        exclude: [...configDefaults.exclude, 'test/pg/**', 'test/replicas/**', ...SQLITE_ONLY],
        globalSetup: ['test/pg/global-setup.ts'],
        env: { WAITLINE_TEST_ENGINE: 'pg', PROPERTY_SCALE: process.env.PROPERTY_SCALE_PG ?? '0.1' },
      },
    },
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
  plugins: [formChunk()],
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
    terserOptions,
    reportCompressedSize: true,
  },
  test,
});

export default defineConfig(({ mode }) => (mode === 'admin' ? admin : widget));
