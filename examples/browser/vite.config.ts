/**
 * The browser example bundles runstream from this repo: `runstream` is aliased to ../../src, so
 * `npx vite examples/browser` serves it with live reload and `npx vite build examples/browser`
 * writes examples/browser/dist/.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: { runstream: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
