// Tree-shaking check: an app that imports only `connect` from the built package must not carry the
// resource clients. Bundles two entries with esbuild (as size-limit does: ESM, minified, every
// dependency inlined) and looks for strings that only the resources hold; each marker must be in
// the full bundle (so the check can see it) and absent from the connect-only one.
import { build } from 'esbuild';
import { BROWSER_BUNDLE } from './bundle-options.mjs';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'index.js');

/** Strings unique to src/resources: routes, and method names that minifiers keep. */
const RESOURCE_MARKERS = ['/execute/stream', 'streamIterator', '/api/v1/runs', '/api/events', '/v1/executions/', 'idempotency-key'];
/** Strings unique to the optional pieces a plain stream does not carry: page lifecycle (its DOM events) and the relay (its proxy header). */
const FEATURE_MARKERS = ['visibilitychange', 'pageshow', 'x-accel-buffering'];

async function bundle(code) {
  const result = await build({
    ...BROWSER_BUNDLE,
    stdin: { contents: code, resolveDir: root, loader: 'js' },
  });
  const text = result.outputFiles[0].text;
  return { text, gzip: gzipSync(text, { level: 9 }).length };
}

const connectOnly = await bundle(`import { connect } from ${JSON.stringify(entry)}; globalThis.connect = connect;`);
const full = await bundle(`import * as runstream from ${JSON.stringify(entry)}; globalThis.runstream = runstream;`);

const lower = (text) => text.toLowerCase();
for (const marker of [...RESOURCE_MARKERS, ...FEATURE_MARKERS]) {
  assert.ok(lower(full.text).includes(lower(marker)), `the full bundle lacks "${marker}": update RESOURCE_MARKERS`);
  assert.ok(!lower(connectOnly.text).includes(lower(marker)), `importing only connect pulls in code it does not use ("${marker}" is in the bundle)`);
}
// …while connect itself is there: its Accept header and the resume header.
for (const needed of ['text/event-stream', 'last-event-id']) {
  assert.ok(lower(connectOnly.text).includes(needed), `the connect-only bundle lacks "${needed}"`);
}
console.log(
  `tree-shaking ok: connect alone ${connectOnly.gzip} B min+gzip (esbuild), everything ${full.gzip} B; ` +
    `no resource, page lifecycle or relay code in the connect-only bundle (${[...RESOURCE_MARKERS, ...FEATURE_MARKERS].map((marker) => `"${marker}"`).join(', ')})`,
);
