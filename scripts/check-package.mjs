// Loads the built package the way users do: `import` and `require`, both entries, and checks
// that the browser entry pulls in no Node built-in.
import { builtinModules, createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const expected = ['ConnectionError', 'Crewship', 'EventStream', 'FlowMaestro', 'HTTPError', 'PraisonAI', 'Runstream', 'SDKError', 'SkillsEngine', 'Stax', 'StreamError', 'TimeoutError', 'connect'];

const esm = await import('runstream');
const cjs = require('runstream');
for (const name of expected) {
  assert.equal(typeof esm[name], 'function', `import: ${name}`);
  assert.equal(typeof cjs[name], 'function', `require: ${name}`);
}
assert.equal(typeof (await import('runstream/testing')).startReferenceServer, 'function', 'import runstream/testing');
assert.equal(typeof require('runstream/testing').startReferenceServer, 'function', 'require runstream/testing');

// Import syntax, not substrings: the bundle legitimately holds strings such as "node:started" (a
// FlowMaestro event name). Static (`from 'node:…'`, `import 'node:…'`), dynamic (`import('node:…')`)
// and CommonJS (`require('node:…')`) forms.
const NODE_IMPORT = /\bfrom\s*["']node:|\bimport\s*\(?\s*["']node:|\brequire\s*\(\s*["']node:/;
for (const sample of ["import { x } from 'node:fs'", 'import "node:fs"', "await import('node:fs')", 'require("node:fs")', "export * from 'node:fs'"]) {
  assert.match(sample, NODE_IMPORT, `the node: import check misses ${sample}`);
}
for (const sample of ["case 'node:started':", 'type: "node:completed"', 'imported node:failed']) {
  assert.doesNotMatch(sample, NODE_IMPORT, `the node: import check flags ${sample}`);
}
// esbuild may print a built-in without its prefix (dist/testing imports "http"), so also list every
// module specifier the entry loads and compare them with Node's built-ins, prefixed or not.
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*["']([^"'\n]+)["']/g;
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const specifiers = (file) => [...new Set([...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => match[1]))];
assert.ok(specifiers('dist/testing/index.js').some((name) => builtins.has(name)), 'the built-in check sees no built-in in dist/testing/index.js');
const entryImports = {};
for (const file of ['dist/index.js', 'dist/index.cjs']) {
  assert.doesNotMatch(readFileSync(file, 'utf8'), NODE_IMPORT, `${file} imports a node: module`);
  entryImports[file] = specifiers(file);
  const nodeOnly = entryImports[file].filter((name) => builtins.has(name));
  assert.deepEqual(nodeOnly, [], `${file} imports Node built-ins`);
}
assert.deepEqual(entryImports['dist/index.js'], ['eventsource-parser'], 'dist/index.js imports only eventsource-parser');
assert.deepEqual(entryImports['dist/index.cjs'], [], 'dist/index.cjs requires nothing');
// The CommonJS build inlines eventsource-parser (ESM-only), so it never require()s it.
assert.doesNotMatch(readFileSync('dist/index.cjs', 'utf8'), /require\(["']eventsource-parser["']\)/);
console.log(`package ok on Node ${process.version}: import and require of runstream and runstream/testing`);
console.log(`browser entry ok: dist/index.js imports [${entryImports['dist/index.js'].join(', ')}], dist/index.cjs requires [${entryImports['dist/index.cjs'].join(', ')}]; no Node built-in (node: or bare)`);
