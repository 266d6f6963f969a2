// Loads the built package the way users do: `import` and `require`, both entries, and checks
// that the browser entry pulls in no Node built-in.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const expected = ['ConnectionError', 'EventStream', 'HTTPError', 'Runstream', 'SDKError', 'StreamError', 'TimeoutError', 'connect'];

const esm = await import('runstream');
const cjs = require('runstream');
for (const name of expected) {
  assert.equal(typeof esm[name], 'function', `import: ${name}`);
  assert.equal(typeof cjs[name], 'function', `require: ${name}`);
}
assert.equal(typeof (await import('runstream/testing')).startReferenceServer, 'function', 'import runstream/testing');
assert.equal(typeof require('runstream/testing').startReferenceServer, 'function', 'require runstream/testing');

for (const file of ['dist/index.js', 'dist/index.cjs']) {
  const text = readFileSync(file, 'utf8');
  assert.doesNotMatch(text, /\bfrom\s*["']node:|require\(["']node:/, `${file} imports a node: module`);
}
// The CommonJS build inlines eventsource-parser (ESM-only), so it never require()s it.
assert.doesNotMatch(readFileSync('dist/index.cjs', 'utf8'), /require\(["']eventsource-parser["']\)/);
console.log(`package ok on Node ${process.version}: import and require of runstream and runstream/testing`);
