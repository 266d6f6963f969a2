// What a new user meets, checked from the outside (`npm run check:new-user`; dist/ must be built):
//
// 1. `npm pack` (of the built dist/, scripts skipped) ships what the package.json points at
//    (every `exports`/`main`/`types` target, both entries, ESM + CJS + .d.ts + .d.cts) and no
//    test/, node_modules/ or other dev-only folder.
// 2. A fresh project (`npm init -y`, npm defaults, no flags) runs `npm install ./runstream-0.1.0.tgz`;
//    eventsource-parser comes from the registry.
// 3. Both entries load by `import` (.mjs) and `require` (.cjs) with the expected exports.
// 4. Every ```ts / ```typescript block of README.md and docs/*.md compiles with `strict` and
//    `exactOptionalPropertyTypes`, under moduleResolution `bundler` (module ESNext, lib ES2022 +
//    DOM) and `nodenext` (module NodeNext, lib ES2022, @types/node), with typescript and
//    @types/node of this repo's lockfile installed into the project. Blocks are snippets: the free
//    names they use come from scripts/new-user/prelude.d.ts, and a block that does not import
//    runstream gets an `import { … } from 'runstream'` line for the exports it uses. A fence marked
//    ```ts nocompile is skipped (and listed).
// 5. The README's quick-start block runs for real against the installed reference server, its base
//    URL replaced, and its loop must end with `run.completed`.
// 6. The testing guide's examples (examples/testing, each shown whole in docs/testing.md) run in
//    the project with vitest and node:test.
// 7. A relay (relayResponse) in front of the reference server, read as a page would, and
//    runstream/react by import and require, rendered on the server without a request.
// 8. The bin: `npx runstream demo` exits 0.
//
// Every child process is bounded in time (its whole process group is killed at the deadline).
// Prints one summary line; exits 1 on any failure. `--keep` keeps the temp project and prints its
// path.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'scripts', 'new-user');
const keep = process.argv.includes('--keep');
const started = Date.now();

const DOC_FILES = () => ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
const REQUIRED_FILES = [
  'package.json',
  'README.md',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/testing/index.js',
  'dist/testing/index.cjs',
  'dist/testing/index.d.ts',
  'dist/testing/index.d.cts',
];
const DEV_ONLY = ['test/', 'node_modules/', 'bench/', 'examples/', 'scripts/', '.ci/', 'coverage/', 'test-results/', 'docs/api/'];
const ROOT_EXPORTS = ['Runstream', 'connect', 'EventStream', 'SDKError', 'HTTPError', 'ConnectionError', 'TimeoutError', 'StreamError'];
const TESTING_EXPORTS = ['startReferenceServer'];
const ENTRIES = { runstream: ROOT_EXPORTS, 'runstream/testing': TESTING_EXPORTS };
const COMPILER_OPTIONS = { target: 'ES2022', strict: true, exactOptionalPropertyTypes: true, moduleDetection: 'force', skipLibCheck: true, noEmit: true };
const PROFILES = {
  bundler: { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: ['node'] },
  nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'] },
};

const failures = [];
const fail = (step, message) => {
  failures.push(step);
  console.log(`FAILED ${step}: ${message}`);
};

// ---- child processes: bounded, their process group killed at the deadline --------------------

// The child npm must see this machine's npm defaults, not the flags `npm run` exports to scripts
// (npm_config_local_prefix, loglevel, ignore-scripts, …). Kept: where the cache, config files and
// registry are.
const KEEP_NPM_ENV = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_registry', 'npm_config_cafile', 'npm_config_proxy', 'npm_config_https_proxy']);
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key, value]) => !/^npm_/i.test(key) || (KEEP_NPM_ENV.has(key.toLowerCase()) && value)),
);
delete cleanEnv.INIT_CWD;

const live = new Set();
const killGroup = (pid) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
process.on('exit', () => live.forEach(killGroup));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

function run(command, args, { cwd, timeout, env = {} }) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: { ...cleanEnv, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    live.add(child.pid);
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeout);
    const finish = (code, error) => {
      clearTimeout(timer);
      live.delete(child.pid);
      killGroup(child.pid); // anything the child left running
      const ok = code === 0 && !timedOut && !error;
      const why = timedOut ? `timed out after ${timeout / 1000} s` : error ? error.message : `exit code ${code}`;
      done({ ok, code, stdout, stderr, why, command: `${command} ${args.join(' ')}` });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

const asPath = (file) => (file.startsWith('file:') ? fileURLToPath(file) : file);
const tail = (text, lines = 15) => text.trim().split('\n').slice(-lines).map((line) => `    ${line}`).join('\n');
/** npm's warnings a new user sees on install: the install-scripts notice, and EBADENGINE in one line each. */
const npmNotes = (output) => {
  const notes = output
    .split('\n')
    .filter((line) => /^npm warn install-scripts\s+\S/.test(line))
    .map((line) => `    ${line.trim()}`);
  for (const [, name, required] of output.matchAll(/EBADENGINE\s+package: '([^']+)',\s*npm warn EBADENGINE\s+required: \{ ([^}]*) \}/g)) {
    notes.unshift(`    npm warn EBADENGINE ${name} requires ${required}, this is Node ${process.version}`);
  }
  return notes;
};

// ---- 1. the tarball --------------------------------------------------------------------------

const missingDist = REQUIRED_FILES.filter((file) => file.startsWith('dist/') && !existsSync(join(root, file)));
if (missingDist.length) {
  console.log(`new user: FAILED: dist/ is not built (${missingDist.join(', ')} missing); run \`npm run build\` first`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'runstream-new-user-'));
const app = join(dir, 'app');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let tarball;
let blocksSummary = 'doc blocks not checked';
let runSummary = 'no snippet run';
let examplesSummary = 'testing examples not run';
let relaySummary = 'relay and React not checked';
try {
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, timeout: 120_000 });
  if (!packed.ok) throw new Error(`npm pack: ${packed.why}\n${tail(packed.stderr)}`);
  const [info] = JSON.parse(packed.stdout);
  tarball = info.filename;
  const files = info.files.map((file) => file.path);
  const inTarball = new Set(files);
  // Every file package.json points a consumer at, plus the fixed list.
  const targets = new Set(REQUIRED_FILES);
  const collect = (value) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect([pkg.main, pkg.module, pkg.types, pkg.exports, pkg.typesVersions]);
  const missing = [...targets].filter((file) => !file.includes('*') && !inTarball.has(file));
  const devOnly = files.filter((file) => DEV_ONLY.some((prefix) => file.startsWith(prefix) || file.includes(`/${prefix}`)));
  const groups = {};
  for (const file of files) {
    const top = file.includes('/') ? `${file.split('/')[0]}/` : file;
    groups[top] = (groups[top] ?? 0) + 1;
  }
  const listing = Object.entries(groups)
    .map(([name, count]) => (name.endsWith('/') ? `${name} (${count})` : name))
    .join(', ');
  console.log(`tarball: ${tarball}, ${files.length} files, ${(info.size / 1000).toFixed(1)} kB packed, ${(info.unpackedSize / 1e6).toFixed(2)} MB unpacked: ${listing}`);
  if (missing.length) fail('tarball', `missing ${missing.join(', ')}`);
  if (devOnly.length) fail('tarball', `ships dev-only files: ${devOnly.slice(0, 10).join(', ')}${devOnly.length > 10 ? ', …' : ''}`);
  if (!missing.length && !devOnly.length) console.log(`tarball ok: ${targets.size} files package.json and the entries need are in it; no ${DEV_ONLY.join(', ')}`);
  // The README and docs/*.md ship; every relative link in them must open a file of the tarball,
  // since that is the copy an installed user reads.
  const deadLinks = [];
  for (const doc of files.filter((file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file))) {
    for (const [, target] of readFileSync(join(root, doc), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z\d+.-]*:|^#/i.test(target)) continue;
      const path = posix.normalize(posix.join(posix.dirname(doc), target.split('#')[0]));
      if (!inTarball.has(path)) deadLinks.push(`${doc} → ${target}`);
    }
  }
  if (deadLinks.length) fail('tarball', `links in the shipped docs that open nothing in an installed copy: ${deadLinks.join(', ')}`);
  else console.log('docs ok: every relative link of README.md and docs/*.md opens a file of the tarball');
  if (!files.some((file) => /^licen[cs]e/i.test(file))) console.log(`  note: no LICENSE file ships (package.json says "license": "${pkg.license}")`);

  // ---- 2. a fresh project, npm install ./<tarball> with npm's defaults ------------------------

  mkdirSync(app);
  const init = await run('npm', ['init', '-y'], { cwd: app, timeout: 30_000 });
  if (!init.ok) throw new Error(`npm init -y: ${init.why}\n${tail(init.stderr)}`);
  copyFileSync(join(dir, tarball), join(app, tarball));
  const install = await run('npm', ['install', `./${tarball}`], { cwd: app, timeout: 300_000 });
  if (!install.ok) throw new Error(`npm install ./${tarball} in a fresh project: ${install.why}\n${tail(install.stdout + install.stderr)}`);
  const appRequire = createRequire(join(app, 'package.json'));
  const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'runstream', 'package.json'), 'utf8'));
  const parser = JSON.parse(readFileSync(join(app, 'node_modules', 'eventsource-parser', 'package.json'), 'utf8'));
  const added = /added \d+ packages?/.exec(install.stdout)?.[0] ?? 'installed';
  console.log(`install ok: fresh project (npm init -y), \`npm install ./${tarball}\`: ${added}; runstream ${installed.version}, eventsource-parser ${parser.version}`);
  const notes = npmNotes(install.stdout + install.stderr);
  if (notes.length) console.log(`  npm printed:\n${notes.join('\n')}`);

  // ---- 3. import and require, both entries --------------------------------------------------

  const expectation = JSON.stringify(ENTRIES);
  writeFileSync(
    join(app, 'load.mjs'),
    `const entries = ${expectation};\nconst out = {};\nfor (const [entry, names] of Object.entries(entries)) {\n  const module = await import(entry);\n  out[entry] = { file: import.meta.resolve(entry), missing: names.filter((name) => typeof module[name] !== 'function') };\n}\nconsole.log(JSON.stringify(out));\n`,
  );
  writeFileSync(
    join(app, 'load.cjs'),
    `const entries = ${expectation};\nconst out = {};\nfor (const [entry, names] of Object.entries(entries)) {\n  const module = require(entry);\n  out[entry] = { file: require.resolve(entry), missing: names.filter((name) => typeof module[name] !== 'function') };\n}\nconsole.log(JSON.stringify(out));\n`,
  );
  for (const [how, file] of [
    ['import (ESM)', 'load.mjs'],
    ['require (CJS)', 'load.cjs'],
  ]) {
    const loaded = await run(process.execPath, [file], { cwd: app, timeout: 30_000 });
    if (!loaded.ok) {
      fail(how, `${loaded.why}\n${tail(loaded.stderr)}`);
      continue;
    }
    const result = JSON.parse(loaded.stdout.trim().split('\n').pop());
    const problems = Object.entries(result).flatMap(([entry, { file: resolved, missing }]) => [
      ...missing.map((name) => `${entry} has no ${name}`),
      ...(relative(join(app, 'node_modules', 'runstream'), asPath(resolved)).startsWith('..') ? [`${entry} resolved outside the project: ${resolved}`] : []),
    ]);
    if (problems.length) fail(how, problems.join('; '));
    else console.log(`${how} ok: ${Object.entries(result).map(([entry, { file: resolved }]) => `${entry} → ${relative(app, asPath(resolved))}`).join(', ')}; ${ROOT_EXPORTS.length} + ${TESTING_EXPORTS.length} exports present`);
  }

  // ---- 4. every TypeScript block of the docs, compiled ----------------------------------------

  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const version = (name) => lock.packages?.[`node_modules/${name}`]?.version ?? pkg.devDependencies[name];
  // The compiler, and what the testing guide's examples (docs/testing.md, examples/testing) and
  // the React and OpenTelemetry snippets use: a user who copies them has these too.
  const tools = ['typescript', '@types/node', 'vitest', 'msw', 'happy-dom', 'tsx', 'react', 'react-dom', '@types/react', '@opentelemetry/api', '@opentelemetry/core', '@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-metrics', '@opentelemetry/sdk-node', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/exporter-metrics-otlp-http'].map((name) => `${name}@${version(name)}`);
  const toolInstall = await run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', ...tools], { cwd: app, timeout: 300_000 });
  if (!toolInstall.ok) throw new Error(`npm install ${tools.join(' ')}: ${toolInstall.why}\n${tail(toolInstall.stdout + toolInstall.stderr)}`);
  const ts = appRequire('typescript');
  console.log(`tools: ${tools.join(', ')} installed into the project (versions of this repo's lockfile)`);
  blocksSummary = await checkDocBlocks(ts);

  // ---- 5. the README quick start, run against the reference server ----------------------------

  runSummary = await runQuickStart(ts);

  // ---- 6. the testing guide's examples, copied into the project, pass ------------------------

  examplesSummary = await runTestingExamples();

  // ---- 7. the relay and runstream/react, from the tarball -------------------------------------

  relaySummary = await runRelayAndReact();

  // ---- 8. the bin: npx runstream demo -------------------------------------------------------

  const demo = await run('npx', ['--no-install', 'runstream', 'demo', '--event-delay', '5'], { cwd: app, timeout: 120_000 });
  if (!demo.ok) fail('npx runstream demo', `${demo.why}\n${tail(demo.stdout + demo.stderr)}`);
  else console.log(`bin ok: npx runstream demo exits 0 (${tail(demo.stdout, 1).trim()})`);
} catch (error) {
  fail('setup', error.message);
} finally {
  if (keep) console.log(`kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length) {
  console.log(`new user: FAILED (${[...new Set(failures)].join(', ')}): ${blocksSummary}; ${runSummary}; ${examplesSummary}; ${relaySummary} (${seconds} s)`);
  process.exit(1);
}
console.log(`new user: ok: ${tarball} packs and installs into a fresh project, loads by import and require; ${blocksSummary}; ${runSummary}; ${examplesSummary}; ${relaySummary} (${seconds} s)`);

// ---- the relay and runstream/react ---------------------------------------------------------------

/**
 * From the installed tarball: a Node http relay in front of the reference server, read by a
 * page-like `connect()` (the key stays on the relay); `runstream/react` loads by import and
 * require, and its hook sends no request during server rendering.
 */
async function runRelayAndReact() {
  writeFileSync(
    join(app, 'relay.mjs'),
    `import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { Crewship, connect, lastEventIdFrom, relayResponse } from 'runstream';
import { useEventStream } from 'runstream/react';
import { startReferenceServer } from 'runstream/testing';

const reference = await startReferenceServer({ eventDelay: 5 });
const crewship = new Crewship({ baseUrl: reference.url, apiKey: 'test-key' });
let requests = 0;
const relay = createServer((request, response) => {
  requests++;
  const relayed = relayResponse(crewship.runs.stream('run_abc123', { lastEventId: lastEventIdFrom(request.headers['last-event-id']) }));
  response.writeHead(relayed.status, Object.fromEntries(relayed.headers));
  Readable.fromWeb(relayed.body).pipe(response);
});
await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
const url = 'http://127.0.0.1:' + relay.address().port + '/run';
const types = [];
for await (const event of connect(url, { json: true, reconnect: false, lastEventId: 'evt_004' })) types.push(event.type + ' ' + event.id);
const html = renderToString(createElement(function Run() {
  return createElement('p', null, useEventStream(() => connect(url), []).status);
}));
const cjs = createRequire(import.meta.url)('runstream/react');
console.log(JSON.stringify({ types, html, requests, cjs: typeof cjs.useEventStream, esm: typeof useEventStream }));
relay.close();
await reference.close();
`,
  );
  const result = await run(process.execPath, [join(app, 'relay.mjs')], { cwd: app, timeout: 60_000 });
  if (!result.ok) {
    fail('relay and React', `${result.why}\n${tail(result.stdout + result.stderr)}`);
    return 'relay and React FAILED';
  }
  const { types, html, requests, cjs, esm } = JSON.parse(result.stdout.trim().split('\n').pop());
  const problems = [
    ...(types.length === 6 && types.at(-1) === 'run.completed evt_010' ? [] : [`the page got ${types.join(', ')}, not evt_005 … evt_010 ending with run.completed`]),
    ...(requests === 1 ? [] : [`${requests} requests reached the relay; server rendering must make none`]),
    ...(html.includes('connecting') ? [] : [`the server-rendered hook gave ${html}`]),
    ...(cjs === 'function' && esm === 'function' ? [] : ['runstream/react has no useEventStream by import or require']),
  ];
  if (problems.length) fail('relay and React', problems.join('; '));
  const summary = `a relay in front of the reference server resumed after evt_004 and ended with run.completed; runstream/react loads by import and require and renders on the server without a request`;
  console.log(`relay and React ${problems.length ? 'FAILED' : 'ok'}: ${summary}`);
  return summary;
}

// ---- the testing guide's examples ----------------------------------------------------------------

/**
 * Copies every example of examples/testing into the project and runs it there against the
 * installed tarball: the vitest ones with vitest, node-test.ts with `node --test` (through tsx).
 * Each must also stand whole, as is, in a block of docs/testing.md: what a reader copies.
 */
async function runTestingExamples() {
  const source = join(root, 'examples', 'testing');
  const files = readdirSync(source).filter((name) => name.endsWith('.ts') && !name.endsWith('.config.ts'));
  const guide = extractBlocks('docs/testing.md').map((block) => block.code.trim());
  const missing = files.filter((name) => !guide.includes(readFileSync(join(source, name), 'utf8').trim()));
  if (missing.length) fail('testing guide', `docs/testing.md does not show ${missing.join(', ')} whole, as in examples/testing`);
  const target = join(app, 'testing-examples');
  mkdirSync(target, { recursive: true });
  for (const name of files) cpSync(join(source, name), join(target, name));
  const tests = files.filter((name) => name.endsWith('.test.ts'));
  const vitest = await run(process.execPath, [join(app, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', target, '--reporter=dot'], { cwd: app, timeout: 120_000 });
  if (!vitest.ok) fail('testing examples', `vitest: ${vitest.why}\n${tail(vitest.stdout + vitest.stderr)}`);
  const nodeTests = files.filter((name) => !name.endsWith('.test.ts'));
  for (const name of nodeTests) {
    const result = await run(process.execPath, ['--import', 'tsx', '--test', join(target, name)], { cwd: app, timeout: 60_000 });
    if (!result.ok) fail('testing examples', `node --test ${name}: ${result.why}\n${tail(result.stdout + result.stderr)}`);
  }
  const summary = `${tests.length} vitest and ${nodeTests.length} node:test examples of docs/testing.md pass in the project`;
  console.log(`testing examples ${vitest.ok ? 'ok' : 'FAILED'}: ${summary}`);
  return summary;
}

// ---- doc blocks ------------------------------------------------------------------------------

/** The ```ts / ```typescript blocks of one Markdown file, with the line of each opening fence. */
function extractBlocks(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks = [];
  let open;
  lines.forEach((line, index) => {
    if (!open) {
      const fence = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
      if (!fence) return;
      const [lang = '', ...markers] = fence[3].trim().split(/[\s{},]+/).filter(Boolean);
      open = { indent: fence[1].length, fence: fence[2], lang: lang.toLowerCase(), markers, line: index + 1, body: [] };
      return;
    }
    const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
    if (close && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
      if (open.lang === 'ts' || open.lang === 'typescript') blocks.push({ file, line: open.line, nocompile: open.markers.includes('nocompile'), indent: open.indent, code: open.body.join('\n') });
      open = undefined;
      return;
    }
    open.body.push(line.slice(Math.min(open.indent, /^\s*/.exec(line)[0].length)));
  });
  return blocks;
}

/** The export names of each entry as the installed declarations give them: `{ name: isValue }`. */
function entryExports(ts, where) {
  const probe = join(where, '__exports.ts');
  writeFileSync(probe, Object.keys(ENTRIES).map((entry, i) => `import * as e${i} from '${entry}';`).join('\n'));
  const { options, errors } = ts.convertCompilerOptionsFromJson({ ...COMPILER_OPTIONS, ...PROFILES.bundler }, where);
  if (errors.length) throw new Error(`compiler options: ${errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, ' ')).join('; ')}`);
  const program = ts.createProgram([probe], options);
  const checker = program.getTypeChecker();
  const out = {};
  for (const statement of program.getSourceFile(probe).statements) {
    const entry = statement.moduleSpecifier.text;
    const symbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!symbol) throw new Error(`the installed ${entry} has no types the compiler can resolve`);
    out[entry] = {};
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      out[entry][exported.name] = Boolean(target.flags & ts.SymbolFlags.Value);
    }
  }
  rmSync(probe);
  return out;
}

/** `import { … } from '<entry>'` lines for the exports a block uses without importing them. */
function autoImports(ts, code, exportsOf) {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imported = new Set();
  const declared = new Set();
  const used = new Set();
  const names = (node) => {
    if (ts.isIdentifier(node)) declared.add(node.text);
    else if (node && (ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node))) node.elements.forEach((element) => element.name && names(element.name));
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) imported.add(statement.moduleSpecifier.text);
    if (ts.isVariableStatement(statement)) statement.declarationList.declarations.forEach((declaration) => names(declaration.name));
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) declared.add(statement.name.text);
  }
  const visit = (node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName =
        ((ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) && (parent.name ?? parent.right) === node && parent.expression !== node) ||
        ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node);
      if (!isMemberName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const lines = [];
  for (const [entry, exported] of Object.entries(exportsOf)) {
    if (imported.has(entry)) continue;
    const wanted = Object.keys(exported).filter((name) => used.has(name) && !declared.has(name)).sort();
    if (wanted.length) lines.push(`import { ${wanted.map((name) => (exported[name] ? name : `type ${name}`)).join(', ')} } from '${entry}';`);
  }
  return lines;
}

async function checkDocBlocks(ts) {
  const where = join(app, 'doc-blocks');
  mkdirSync(where);
  writeFileSync(join(where, 'package.json'), JSON.stringify({ type: 'module' }));
  copyFileSync(join(fixtures, 'prelude.d.ts'), join(where, 'prelude.d.ts'));
  const exportsOf = entryExports(ts, where);
  const blocks = DOC_FILES().flatMap(extractBlocks);
  const skipped = blocks.filter((block) => block.nocompile);
  const compiled = blocks.filter((block) => !block.nocompile);
  const byFile = new Map();
  for (const block of compiled) {
    const header = [`// ${block.file}:${block.line}`, ...autoImports(ts, block.code, exportsOf)];
    block.name = `${block.file.replace(/[/.]/g, '_')}_L${block.line}.ts`;
    block.header = header;
    block.errors = [];
    byFile.set(block.name, block);
    writeFileSync(join(where, block.name), `${header.join('\n')}\n${block.code}\n`);
  }
  const files = ['prelude.d.ts', ...compiled.map((block) => block.name)];
  const globalErrors = [];
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [profile, options] of Object.entries(PROFILES)) {
    writeFileSync(join(where, `tsconfig.${profile}.json`), JSON.stringify({ compilerOptions: { ...COMPILER_OPTIONS, ...options }, files }, null, 2));
    const result = await run(process.execPath, [tsc, '-p', `tsconfig.${profile}.json`, '--pretty', 'false'], { cwd: where, timeout: 120_000 });
    if (result.ok) continue;
    if (result.code !== 1 && result.code !== 2) globalErrors.push(`${profile}: tsc ${result.why}\n${tail(result.stdout + result.stderr)}`);
    let last;
    for (const line of result.stdout.split('\n')) {
      const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
      if (match) {
        const [, name, row, column, code, message] = match;
        const block = byFile.get(name);
        if (!block) {
          last = { text: `${profile}: ${name}:${row}:${column} ${code}: ${message}` };
          globalErrors.push(last);
          continue;
        }
        const bodyLine = Number(row) - block.header.length; // 1-based line inside the block
        const mdLine = block.line + bodyLine;
        const source = block.code.split('\n')[bodyLine - 1] ?? '';
        last = { profile, where: `${block.file}:${mdLine}:${Number(column) + block.indent}`, code, message, source };
        block.errors.push(last);
      } else if (line.trim() && last) {
        if (last.message !== undefined) last.message += `\n${line}`;
        else last.text += `\n${line}`;
      } else if (line.trim() && /error TS/.test(line)) {
        globalErrors.push({ text: `${profile}: ${line}` });
      }
    }
  }

  const failed = compiled.filter((block) => block.errors.length);
  console.log(
    `doc blocks: ${blocks.length} TypeScript blocks in ${DOC_FILES().join(', ')}; ${compiled.length} compiled under ${Object.keys(PROFILES).join(' and ')} ` +
      `(strict, exactOptionalPropertyTypes; prelude scripts/new-user/prelude.d.ts), ${skipped.length} skipped (nocompile)`,
  );
  for (const block of skipped) console.log(`  skipped (nocompile): ${block.file}:${block.line}`);
  for (const block of compiled) {
    const added = block.header.slice(1);
    const profiles = [...new Set(block.errors.map((error) => error.profile))];
    const status = block.errors.length ? `FAILED ${block.file}:${block.line} [${profiles.join(', ')}]` : `ok     ${block.file}:${block.line}`;
    console.log(`  ${status}${added.length ? ` (+ ${added.join(' ')})` : ''}`);
    // One entry per distinct error, with the profiles that report it.
    const distinct = new Map();
    for (const error of block.errors) {
      const key = `${error.where} ${error.code} ${error.message}`;
      distinct.set(key, { ...error, profiles: [...(distinct.get(key)?.profiles ?? []), error.profile] });
    }
    for (const error of distinct.values()) {
      const message = error.message.split('\n').map((line, i) => (i ? `        ${line.trim()}` : line)).join('\n');
      console.log(`      ${error.where} ${error.code} [${error.profiles.join(', ')}]: ${message}`);
      if (error.source.trim()) console.log(`        > ${error.source.trim().slice(0, 160)}`);
    }
  }
  for (const error of globalErrors) console.log(`  error outside the blocks: ${typeof error === 'string' ? error : error.text}`);
  const perProfile = Object.keys(PROFILES)
    .map((profile) => `${profile} ${compiled.filter((block) => block.errors.some((error) => error.profile === profile)).length}`)
    .join(', ');
  if (failed.length || globalErrors.length) {
    fail('doc blocks', `${failed.length} of ${compiled.length} blocks do not compile (${perProfile})${globalErrors.length ? `, ${globalErrors.length} errors outside the blocks` : ''}`);
    return `${failed.length} of ${compiled.length} doc blocks do not compile (${perProfile}): ${failed.map((block) => `${block.file}:${block.line}`).join(', ')}${skipped.length ? `; ${skipped.length} skipped` : ''}`;
  }
  return `${compiled.length} doc blocks compile under ${Object.keys(PROFILES).join(' and ')}${skipped.length ? ` (${skipped.length} skipped: nocompile)` : ''}`;
}

/**
 * Runs the README's quick start: its first ```ts block that makes a client (`new X({ … })`) and
 * loops over `.runs.stream(…)`, with the client's base URL pointed at the reference server (the
 * `baseUrl` literal replaced, or a `baseUrl` added when the block relies on the default).
 */
async function runQuickStart(ts) {
  const CLIENT = /new\s+([A-Z]\w*)\(\s*\{/;
  const BASE_URL = /\bbaseUrl:\s*(['"`])[^'"`]*\1/;
  const block = extractBlocks('README.md').find((candidate) => !candidate.nocompile && CLIENT.test(candidate.code) && /for\s+await\b[^\n]*\.runs\.stream\(/.test(candidate.code));
  if (!block) {
    fail('run', 'README.md has no ```ts block that makes a client (`new X({ … })`) and loops over `.runs.stream(…)`');
    return 'no README block to run';
  }
  const code = BASE_URL.test(block.code)
    ? block.code.replace(BASE_URL, 'baseUrl: process.env.RUNSTREAM_BASE_URL')
    : block.code.replace(CLIENT, (match) => `${match} baseUrl: process.env.RUNSTREAM_BASE_URL,`);
  const where = join(app, 'run');
  mkdirSync(where);
  const exportsOf = entryExports(ts, where);
  const source = `${autoImports(ts, code, exportsOf).join('\n')}\n${code}\n`;
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  writeFileSync(join(where, 'block.mjs'), outputText);
  copyFileSync(join(fixtures, 'run-block.mjs'), join(where, 'run-block.mjs'));
  const label = `${block.file}:${block.line}`;
  const result = await run(process.execPath, ['run-block.mjs', 'block.mjs'], { cwd: where, timeout: 30_000 });
  const output = result.stdout.trim().split('\n');
  const resultLine = output.findLast((line) => line.startsWith('RESULT '));
  if (!result.ok || !resultLine) {
    fail('run', `${label} against the reference server: ${result.why}\n${tail(result.stdout + result.stderr)}`);
    return `${label} did not run`;
  }
  const { seen } = JSON.parse(resultLine.slice('RESULT '.length));
  const printed = output.filter((line) => line !== resultLine);
  const last = seen.at(-1);
  if (last !== 'run.completed') {
    fail('run', `${label}: its loop received [${seen.join(', ')}], ending with ${last ?? 'nothing'}, not run.completed`);
    return `${label} did not end with run.completed`;
  }
  console.log(`run ok: ${label} with its baseUrl set to the reference server of the installed runstream/testing: its loop got ${seen.length} events, ${seen.slice(0, 3).join(', ')}, …, ${last}`);
  for (const line of printed) console.log(`    | ${line}`);
  return `${label} runs against the reference server and ends with run.completed`;
}
