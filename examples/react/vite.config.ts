/**
 * The React example bundles runstream from this repo: `runstream` and `runstream/react` are
 * aliased to ../../src. JSX is Vite's built-in esbuild transform (automatic runtime), so no
 * plugin is needed. `RUNSTREAM_REACT=18` builds it with React 18 instead of 19 (the
 * npm-aliased react-18 and react-dom-18 dev dependencies) into dist/18; otherwise dist/19.
 * `npm run example:react` serves it with the relay (server.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Alias } from 'vite';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const react18 = process.env.RUNSTREAM_REACT === '18';

const aliases: Alias[] = [
  { find: /^runstream\/react$/, replacement: path('../../src/react/index.ts') },
  { find: /^runstream$/, replacement: path('../../src/index.ts') },
];
if (react18) {
  // Every import of react and react-dom, ours and react-dom's own, resolves to React 18.
  aliases.push(
    { find: /^react-dom(\/.*)?$/, replacement: `${path('../../node_modules/react-dom-18')}$1` },
    { find: /^react(\/.*)?$/, replacement: `${path('../../node_modules/react-18')}$1` },
  );
}

export default defineConfig({
  root: path('.'),
  base: './',
  esbuild: { jsx: 'automatic' },
  resolve: { alias: aliases },
  server: { host: '127.0.0.1' },
  build: { outDir: react18 ? 'dist/18' : 'dist/19', emptyOutDir: true, target: 'es2022' },
});
