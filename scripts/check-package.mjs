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
// The testing kit: in the full (Node) entry and in its browser build, by import and require.
const kit = ['scriptedFetch', 'platformScripts', 'instantReconnect', 'testClock', 'recordScript', 'scriptFromRaw', 'collectEvents', 'encodeFrame', 'encodeScript'];
const web = await import('../dist/testing/web.js');
const webCjs = require('../dist/testing/web.cjs');
for (const name of kit) {
  assert.equal(typeof (await import('runstream/testing'))[name], 'function', `import runstream/testing: ${name}`);
  assert.equal(typeof require('runstream/testing')[name], 'function', `require runstream/testing: ${name}`);
  assert.equal(typeof web[name], 'function', `dist/testing/web.js: ${name}`);
  assert.equal(typeof webCjs[name], 'function', `dist/testing/web.cjs: ${name}`);
}
assert.equal(web.startReferenceServer, undefined, 'the browser build of runstream/testing has no reference server');
// msw (an optional peer dependency) stays external: runstream/testing/msw loads the user's own.
for (const name of ['sseHandler', 'scriptHandlers', 'platformHandlers']) {
  assert.equal(typeof (await import('runstream/testing/msw'))[name], 'function', `import runstream/testing/msw: ${name}`);
  assert.equal(typeof require('runstream/testing/msw')[name], 'function', `require runstream/testing/msw: ${name}`);
}
// A bundler's `browser` condition resolves runstream/testing to the browser build.
const { execFileSync } = await import('node:child_process');
const probe = "const m = await import('runstream/testing'); console.log(typeof m.scriptedFetch, typeof m.startReferenceServer)";
for (const type of ['module', 'commonjs']) {
  const source = type === 'module' ? probe : `(async () => { ${probe.replace("await import('runstream/testing')", "require('runstream/testing')")} })()`;
  const seen = execFileSync(process.execPath, ['--conditions=browser', `--input-type=${type}`, '-e', source], { encoding: 'utf8' }).trim();
  assert.equal(seen, 'function undefined', `--conditions=browser (${type}): runstream/testing is the browser build`);
}

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
// A specifier has no whitespace: message text after the word "from" (`from" must not be a proper
// prefix of "`, in minified code) is no import.
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*["']([^"'\s]+)["']/g;
for (const sample of ['throw new E("`"+from" must not be a proper prefix of "+path)', "reason(from' member is missing or not a string')"]) {
  assert.deepEqual([...sample.matchAll(SPECIFIER)], [], `the specifier check takes message text for an import: ${sample}`);
}
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
// Comments are left out: a docstring's `@example` (`import { useSyncExternalStore } from 'react'`) loads nothing.
const code = (file) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const specifiers = (file) => [...new Set([...code(file).matchAll(SPECIFIER)].map((match) => match[1]))];
assert.ok(specifiers('dist/testing/index.js').some((name) => builtins.has(name)), 'the built-in check sees no built-in in dist/testing/index.js');
// An entry's imports are those of every file it loads. The builds are not split (tsup.config.ts):
// the root entry must load no file of its own besides itself, or runtimes that list a worker's
// modules one by one (workerd) cannot load it.
const { dirname, resolve } = await import('node:path');
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const name of specifiers(file)) if (name.startsWith('.')) closure(resolve(dirname(file), name), seen);
  return seen;
}
/** The bare (package and built-in) specifiers `file` and its chunks import; fails on a `node:` import in any of them. */
function bareImports(file) {
  const imported = new Set();
  for (const part of closure(resolve(file))) {
    assert.doesNotMatch(readFileSync(part, 'utf8'), NODE_IMPORT, `${part} (from ${file}) imports a node: module`);
    for (const name of specifiers(part)) if (!name.startsWith('.')) imported.add(name);
  }
  return [...imported].sort();
}
const entryImports = {};
for (const file of ['dist/index.js', 'dist/index.cjs']) {
  entryImports[file] = bareImports(file);
  assert.deepEqual(entryImports[file].filter((name) => builtins.has(name)), [], `${file} imports Node built-ins`);
}
assert.deepEqual(entryImports['dist/index.js'], ['eventsource-parser'], 'dist/index.js (and its chunks) imports only eventsource-parser');
assert.deepEqual(specifiers('dist/index.js').filter((name) => name.startsWith('.')), [], 'dist/index.js loads no other file of the package (no shared chunks)');
// The browser build of runstream/testing and runstream/testing/msw: no Node built-in either.
const webOnly = {};
for (const file of ['dist/testing/web.js', 'dist/testing/web.cjs', 'dist/testing/msw.js', 'dist/testing/msw.cjs']) {
  webOnly[file] = bareImports(file);
  assert.deepEqual(webOnly[file].filter((name) => builtins.has(name)), [], `${file} imports Node built-ins`);
}
assert.deepEqual(webOnly['dist/testing/msw.js'], ['msw'], 'dist/testing/msw.js imports only msw (and its own chunks)');
assert.deepEqual(entryImports['dist/index.cjs'], [], 'dist/index.cjs requires nothing');
// The CommonJS build inlines eventsource-parser (ESM-only), so it never require()s it.
assert.doesNotMatch(readFileSync('dist/index.cjs', 'utf8'), /require\(["']eventsource-parser["']\)/);
// runstream/react: React (an optional peer dependency) is imported by that entry alone.
const REACT = /^react(-dom)?(\/|$)/;
for (const file of ['dist/index.js', 'dist/index.cjs']) assert.deepEqual(entryImports[file].filter((name) => REACT.test(name)), [], `${file} imports React`);
const reactImports = {};
for (const file of ['dist/react/index.js', 'dist/react/index.cjs']) {
  reactImports[file] = bareImports(file);
  assert.deepEqual(reactImports[file], ['react'], `${file} imports only react`);
}
assert.equal(typeof (await import('runstream/react')).useEventStream, 'function', 'import runstream/react');
assert.equal(typeof require('runstream/react').useEventStream, 'function', 'require runstream/react');
// runstream/otel: @opentelemetry/api (an optional peer dependency) is imported by that entry alone.
const OTEL = /^@opentelemetry\//;
for (const file of ['dist/index.js', 'dist/index.cjs']) assert.deepEqual(entryImports[file].filter((name) => OTEL.test(name)), [], `${file} imports @opentelemetry`);
for (const file of ['dist/otel/index.js', 'dist/otel/index.cjs']) assert.deepEqual(bareImports(file), ['@opentelemetry/api'], `${file} imports only @opentelemetry/api`);
for (const name of ['instrument']) {
  assert.equal(typeof (await import('runstream/otel'))[name], 'function', `import runstream/otel: ${name}`);
  assert.equal(typeof require('runstream/otel')[name], 'function', `require runstream/otel: ${name}`);
}
console.log(`react entry ok: import and require of runstream/react (useEventStream); it imports [${reactImports['dist/react/index.js'].join(', ')}]; the root entry imports no React`);
console.log(`package ok on Node ${process.version}: import and require of runstream, runstream/testing (full and browser builds) and runstream/testing/msw`);
console.log(`browser builds ok: ${Object.entries(webOnly).map(([file, names]) => `${file} imports [${names.join(', ')}]`).join('; ')}; no Node built-in`);
console.log(`browser entry ok: dist/index.js imports [${entryImports['dist/index.js'].join(', ')}], dist/index.cjs requires [${entryImports['dist/index.cjs'].join(', ')}]; no Node built-in (node: or bare)`);
