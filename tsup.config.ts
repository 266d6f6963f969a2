import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

// Two builds. ESM keeps eventsource-parser external (it is our one dependency). CommonJS
// inlines it: eventsource-parser 4 is ESM-only, and `require()` of an ES module is not
// available on every Node 20 release, so the CJS build must not require it.
// testing/web is the browser build of runstream/testing (no reference server); testing/msw
// keeps msw (an optional peer dependency) external; react/index (runstream/react) keeps react
// and react-dom (optional peer dependencies) external, and no other entry imports them.
const entry = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'testing/web': 'src/testing/web.ts',
  'testing/msw': 'src/testing/msw.ts',
  'react/index': 'src/react/index.ts',
  'otel/index': 'src/otel/index.ts',
};
const REACT = /^react(-dom)?(\/|$)/;
// otel/index (runstream/otel) keeps @opentelemetry/api (an optional peer dependency) external;
// no other entry imports it.
const OTEL = /^@opentelemetry\//;

// The bin imports the library through its public entries only; in the build they stay imports
// of the built entries next to it (dist/index.js, dist/testing/index.js), not a second copy.
const PUBLIC_ENTRIES: Record<string, string> = {
  [resolve('src/index.ts')]: './index.js',
  [resolve('src/testing/index.ts')]: './testing/index.js',
};
const publicEntries: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'runstream-public-entries',
  setup(build) {
    build.onResolve({ filter: /(^|\/)(testing\/)?index\.js$/ }, (args) => {
      const target = PUBLIC_ENTRIES[resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts')];
      return target ? { path: target, external: true } : undefined;
    });
  },
};

export default defineConfig([
  {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    // Each entry stands alone, without shared chunk files: runtimes that list a worker's modules
    // one by one (workerd) load dist/index.js and nothing else.
    splitting: false,
    target: 'es2022',
    platform: 'neutral',
    external: ['eventsource-parser', /^node:/, REACT, OTEL],
  },
  {
    entry,
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    noExternal: ['eventsource-parser'],
    external: [/^node:/, REACT, OTEL],
  },
  {
    // The `runstream` bin (Node only): dist/cli.js, never imported by the browser entry.
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    external: ['eventsource-parser', /^node:/],
    esbuildPlugins: [publicEntries],
  },
]);
