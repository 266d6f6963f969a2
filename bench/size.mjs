// Bundle size: each entry bundled with esbuild for the browser (ESM, minified, es2022), then
// gzip -9. runstream is taken from its build (dist/index.js) and its eventsource-parser from
// the root install, as an application's bundler would; peers from bench/node_modules.
import { gzipSync } from 'node:zlib';
import { build, stop } from 'esbuild';
import { join } from 'node:path';
import { BENCH, DIST, ROOT } from './paths.mjs';
import { BROWSER_BUNDLE } from '../scripts/bundle-options.mjs';

const runstreamFromDist = {
  name: 'runstream-from-dist',
  setup(b) {
    b.onResolve({ filter: /^runstream$/ }, () => ({ path: DIST }));
  },
};

/** The rows of the size table: label and entry source. */
export const SIZE_ENTRIES = [
  ['runstream: connect alone', "export { connect } from 'runstream';"],
  ['runstream: full client', "export * from 'runstream';"],
  ['eventsource-client', "export * from 'eventsource-client';"],
  ['eventsource', "export * from 'eventsource';"],
  ['@microsoft/fetch-event-source', "export * from '@microsoft/fetch-event-source';"],
  ['eventsource-parser (alone)', "export * from 'eventsource-parser';"],
];

async function bundle(contents, resolveDir) {
  const result = await build({
    ...BROWSER_BUNDLE,
    stdin: { contents, resolveDir, loader: 'js', sourcefile: 'entry.js' },
    plugins: [runstreamFromDist],
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/**
 * Where the bytes of "connect alone" come from: the same bundle built from src/ (esbuild
 * strips the types), minified bytes per input file, before gzip.
 */
async function composition() {
  const result = await build({
    ...BROWSER_BUNDLE,
    stdin: { contents: `export { connect } from ${JSON.stringify(join(ROOT, 'src/index.ts'))};`, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    metafile: true,
  });
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const byFile = {};
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    if (!bytesInOutput) continue;
    const name = path.includes('node_modules/') ? path.replace(/^.*node_modules\/([^/]+)\/.*$/, '$1') : path.replace(/^.*?src\//, 'src/');
    byFile[name] = (byFile[name] ?? 0) + bytesInOutput;
  }
  return Object.entries(byFile).sort((a, b) => b[1] - a[1]);
}

export async function measureSizes() {
  const rows = [];
  for (const [label, contents] of SIZE_ENTRIES) {
    // eventsource-parser alone: the copy runstream uses (root install), not a peer's.
    const resolveDir = label.startsWith('eventsource-parser') ? DIST : BENCH;
    try {
      rows.push({ label, entry: contents, ...(await bundle(contents, resolveDir.replace(/\/index\.js$/, ''))) });
    } catch (error) {
      rows.push({ label, entry: contents, error: String(error.message ?? error) });
    }
  }
  let parts;
  try {
    parts = await composition();
  } catch (error) {
    parts = [['(composition failed)', String(error.message ?? error).slice(0, 80)]];
  }
  stop(); // no idle esbuild service beside the measurements that follow
  return { rows, composition: parts };
}
