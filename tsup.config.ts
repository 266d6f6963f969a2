import { defineConfig } from 'tsup';

// Two builds. ESM keeps eventsource-parser external (it is our one dependency). CommonJS
// inlines it: eventsource-parser 4 is ESM-only, and `require()` of an ES module is not
// available on every Node 20 release, so the CJS build must not require it.
const entry = { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' };

export default defineConfig([
  {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    external: ['eventsource-parser', /^node:/],
  },
  {
    entry,
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    noExternal: ['eventsource-parser'],
    external: [/^node:/],
  },
]);
