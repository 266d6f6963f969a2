// What instrument() costs per event: the instrumented rows (runstream-otel-noop, -sdk) against
// runstream for await (runstream-iter), from a finished run's bench/results/latest.json.
//
//   npm run bench -- --only=net,mem --clients=baseline,runstream-iter,runstream-otel-noop,runstream-otel-sdk
//   node bench/otel-ratios.mjs [path/to/latest.json]
//
// For each section and configuration: per round, the row's wall (and CPU) time ÷ runstream-iter's
// in the same round; the median over a run's rounds; then the median across runs with the
// [min–max] of the per-run medians (with one run, of the per-round ratios, as bench.mjs does).
// "Δ CPU µs/ev" is the difference of the median CPU times divided by the events read.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import console from 'node:console';
import { resolve } from 'node:path';
import { RESULTS } from './paths.mjs';
import { OTEL_CLIENTS } from './clients.mjs';

const REFERENCE = 'runstream-iter';
const file = process.argv[2] ?? resolve(RESULTS, 'latest.json');
const results = JSON.parse(readFileSync(file, 'utf8'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fixed = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** Per-run medians of row ÷ reference, per round, on `key`; undefined when either is missing. */
function perRun(runs, client, key) {
  const out = [];
  const rounds = [];
  for (const run of runs) {
    const a = run[client]?.rounds;
    const b = run[REFERENCE]?.rounds;
    if (!a?.length || !b || a.length !== b.length || run[client].invalid || run[REFERENCE].invalid) continue;
    const ratios = a.map((r, i) => r[key] / b[i][key]);
    rounds.push(...ratios);
    out.push(median(ratios));
  }
  return { runs: out, rounds };
}

const rows = [];
for (const section of ['net', 'mem']) {
  for (const [config, entry] of Object.entries(results[section] ?? {})) {
    if (!Array.isArray(entry?.runs)) continue;
    const events = entry.events * (entry.passes ?? 1);
    for (const client of OTEL_CLIENTS) {
      const wall = perRun(entry.runs, client, 'wallMs');
      if (!wall.runs.length) continue;
      const cpu = perRun(entry.runs, client, 'cpuUs');
      const spread = wall.runs.length > 1 ? wall.runs : wall.rounds;
      const cpuOf = (name) => median(entry.runs.flatMap((run) => run[name]?.rounds?.map((r) => r.cpuUs) ?? []));
      rows.push([
        `${section} ${config}`,
        client,
        `${fixed(median(wall.runs))}×`,
        `[${fixed(Math.min(...spread))}–${fixed(Math.max(...spread))}]`,
        `${fixed(median(cpu.runs))}×`,
        fixed((cpuOf(client) - cpuOf(REFERENCE)) / events, 3),
        String(wall.runs.length),
      ]);
    }
  }
}

const head = ['configuration', 'row', `wall ÷ ${REFERENCE}`, '[min–max]', 'CPU ÷', 'Δ CPU µs/ev', 'runs'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`instrument() vs ${REFERENCE} (${file}; ${results.machine?.cores ?? '?'} cores, ${results.machine?.cpu ?? ''}, Node ${results.machine?.node ?? ''})`);
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
if (!rows.length) console.log('no instrumented rows in this result: run with --clients=…,runstream-iter,runstream-otel-noop,runstream-otel-sdk');
