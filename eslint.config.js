import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'docs/api/', 'coverage/', 'node_modules/', 'examples/browser/dist/', 'examples/react/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['scripts/**', 'examples/**', 'test/**', 'src/testing/**', 'src/cli/**', 'bench/**', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The browser-facing source must stay on Web APIs.
    files: ['src/**/*.ts'],
    // The Node-only entries: the reference server and the bin.
    ignores: ['src/testing/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'src/ runs in browsers and workers: use Web APIs.' }] }],
    },
  },
);
