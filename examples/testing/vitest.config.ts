import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The examples import the package by its name, as users do; here the names point at the source.
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: {
    alias: [
      { find: /^runstream\/testing\/msw$/, replacement: src('testing/msw.ts') },
      { find: /^runstream\/testing$/, replacement: src('testing/index.ts') },
      { find: /^runstream$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['examples/testing/*.test.ts'],
    testTimeout: 10_000,
  },
});
