// CPU profile of one client on one corpus, beside the baseline's, with the top self-time
// functions (runstream's mapped back to src/ through dist/index.js.map).
//
//   npm run bench -- --profile [--client=runstream-iter] [--corpus=tokens] [--top=25] [--all]
//                              [--node-flags='--no-turbo-inlining']   (V8 flags for the children)
//
// Each client runs in a child under --cpu-prof (100 µs sampling); the .cpuprofile files land
// in bench/results/profiles/ (open them in Chrome DevTools → Performance, or speedscope).
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import process from 'node:process';
import console from 'node:console';
import { fileURLToPath } from 'node:url';
import { buildCorpora } from './corpus.mjs';
import { DIST, RESULTS, ROOT, BENCH } from './paths.mjs';
import { startServer } from './server.mjs';
import { table } from './stats.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a !== '--profile')
    .map((a) => /^--([^=]+)(?:=(.*))?$/.exec(a))
    .filter(Boolean)
    .map((m) => [m[1], m[2] ?? true]),
);
const client = args.client ?? 'runstream-iter';
const corpusName = args.corpus ?? 'tokens';
const top = Number(args.top ?? 25);
const dir = join(RESULTS, 'profiles');
mkdirSync(dir, { recursive: true });

const corpora = buildCorpora(args.quick ? 'quick' : 'full');
const corpus = corpora[corpusName];
if (!corpus) throw new Error(`unknown corpus ${corpusName}`);
const server = await startServer(corpora, Buffer.from(''));

function profiled(name) {
  const file = `${name}-${corpusName}.cpuprofile`;
  rmSync(join(dir, file), { force: true });
  const job = {
    kind: 'net',
    client: name,
    corpus: corpusName,
    types: corpus.types,
    url: `${server.base}/corpus/${corpusName}?k=p-${name}`,
    warmUrl: `${server.base}/warm/${corpusName}?k=p-${name}-w`,
    warmRuns: 1,
    expect: corpus.expect,
    warmExpect: corpus.warmExpect,
  };
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH, 'child.mjs'), [JSON.stringify(job)], {
      execArgv: [
        '--expose-gc',
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-name=${file}`,
        '--cpu-prof-interval=100',
        ...(typeof args['node-flags'] === 'string' ? args['node-flags'].split(' ') : []),
      ],
    });
    let result;
    child.on('message', (m) => (m.ok ? (result = m.result) : reject(new Error(m.error))));
    child.on('exit', () => (result ? resolve({ ...result, file: join(dir, file) }) : reject(new Error('no result'))));
  });
}

const distMap = new SourceMap(JSON.parse(readFileSync(`${DIST}.map`, 'utf8')));
const distUrl = `file://${DIST}`;

/** Where a frame is, for people: src/… line for runstream, a short path otherwise. */
function where(frame) {
  const { url, lineNumber, columnNumber } = frame;
  if (!url) return '';
  if (url === distUrl) {
    const entry = distMap.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      const source = entry.originalSource.replace(/^.*?src\//, 'src/');
      return `${source}:${entry.originalLine + 1}`;
    }
    return `dist/index.js:${lineNumber + 1}`;
  }
  if (url.startsWith('file://')) {
    const path = relative(ROOT, fileURLToPath(url)).replace(/^(bench\/)?node_modules\//, '');
    return `${path}:${lineNumber + 1}`;
  }
  return `${url}:${lineNumber + 1}`;
}

function summarize(file, window) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // Line-level self time inside runstream's own functions, from the samples' positions.
  const lines = new Map();
  const nodeSelf = new Map();
  let total = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (window && (at < window[0] || at > window[1])) continue;
    const node = byId.get(profile.samples[i]);
    nodeSelf.set(node.id, (nodeSelf.get(node.id) ?? 0) + dt);
    const key = `${node.callFrame.functionName || '(anonymous)'}\t${where(node.callFrame)}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  for (const node of profile.nodes) {
    if (node.callFrame.url !== distUrl || !node.positionTicks) continue;
    const us = nodeSelf.get(node.id);
    if (!us) continue;
    const ticks = node.positionTicks.reduce((sum, t) => sum + t.ticks, 0);
    for (const tick of node.positionTicks) {
      const entry = distMap.findEntry(tick.line - 1, 0);
      const line = entry?.originalSource ? `${entry.originalSource.replace(/^.*?src\//, 'src/')}:${entry.originalLine + 1}` : `dist:${tick.line}`;
      const key = `${node.callFrame.functionName || '(anonymous)'}\t${line}`;
      lines.set(key, (lines.get(key) ?? 0) + (us * tick.ticks) / ticks);
    }
  }
  const idle = self.get('(idle)\t') ?? 0;
  const busy = total - idle;
  const rows = [...self.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  const groups = new Map();
  for (const [key, us] of rows) {
    const at = key.split('\t')[1];
    const group = at.startsWith('src/')
      ? 'runstream (src/)'
      : at.startsWith('eventsource-parser')
        ? 'eventsource-parser'
        : at.startsWith('node:') || at.startsWith('internal')
          ? 'node internals (streams, fetch/undici, events)'
          : key.startsWith('(garbage collector)')
            ? 'garbage collector'
            : key.startsWith('(program)')
              ? '(program): native, runtime'
              : at.startsWith('bench/')
                ? 'bench harness + consumer (JSON.parse inlined here)'
                : 'other';
    groups.set(group, (groups.get(group) ?? 0) + us);
  }
  return { busy, rows, groups, lines };
}

const started = performance.now();
const results = {};
for (const name of ['baseline', client]) {
  const r = await profiled(name);
  results[name] = { ...r, ...summarize(r.file, args.all ? undefined : r.window) };
}
await server.close();

for (const [name, r] of Object.entries(results)) {
  console.log(`\n== ${name} on ${corpusName}: ${r.count} events, busy CPU in profile ${(r.busy / 1000).toFixed(0)} ms (${args.all ? 'whole process' : 'measured run only'}); measured run ${r.wallMs.toFixed(0)} ms wall`);
  console.log(`   profile: ${relative(ROOT, r.file)}`);
  console.log(
    table([
      ['group', 'self ms', '%'],
      ...[...r.groups.entries()].sort((a, b) => b[1] - a[1]).map(([g, us]) => [g, (us / 1000).toFixed(1), ((us / r.busy) * 100).toFixed(1)]),
    ]),
  );
  console.log();
  console.log(
    table([
      ['function', 'where', 'self ms', '%'],
      ...r.rows.slice(0, top).map(([key, us]) => {
        const [fn, at] = key.split('\t');
        return [fn, at, (us / 1000).toFixed(1), ((us / r.busy) * 100).toFixed(1)];
      }),
    ]),
  );
}
const own = results[client];
if (own.lines.size) {
  console.log(`\n== ${client}: hottest lines in src/ (self time spread over the lines V8 sampled)`);
  console.log(
    table([
      ['function', 'line', 'self ms', '% of busy'],
      ...[...own.lines.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([key, us]) => {
          const [fn, line] = key.split('\t');
          return [fn, line, (us / 1000).toFixed(1), ((us / own.busy) * 100).toFixed(1)];
        }),
    ]),
  );
}
const base = results.baseline;
const other = results[client];
console.log(`\nbusy CPU: ${client} ${(other.busy / 1000).toFixed(0)} ms vs baseline ${(base.busy / 1000).toFixed(0)} ms (×${(other.busy / base.busy).toFixed(2)})`);
console.log(`profiles in ${relative(ROOT, dir)}: ${readdirSync(dir).join(', ')}; took ${((performance.now() - started) / 1000).toFixed(0)} s`);
