// esbuild options for measuring runstream as a browser app would bundle it: ESM, minified,
// es2022, every dependency inlined, nothing written to disk. Shared by the tree-shaking check
// (scripts/check-treeshake.mjs) and the size table of the benchmark (bench/size.mjs).
export const BROWSER_BUNDLE = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
  legalComments: 'none',
};
