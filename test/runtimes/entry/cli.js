// @ts-check
/**
 * Entry of the matrix for runtimes with a command line (Node, Bun, Deno):
 * `<runtime> cli.js <reference-server-url> <control-url>`. Prints one line per test on stderr
 * and the report as one `RUNSTREAM_REPORT <json>` line on stdout.
 */
import { runSuite } from '../suite.js';

/** @type {any} */
const g = globalThis;
const args = g.Deno ? g.Deno.args : g.process.argv.slice(2);
const [server, control, filter] = args;
if (!server || !control) throw new Error('usage: cli.js <reference-server-url> <control-url> [filter]');

const runtime = g.Deno
  ? { name: 'deno', version: g.Deno.version.deno }
  : g.Bun
    ? { name: 'bun', version: g.Bun.version }
    : { name: 'node', version: g.process.version };

const report = await runSuite({
  server,
  control,
  filter,
  onResult: (result) => console.error(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name} (${result.ms} ms)${result.error ? `\n     ${result.error}` : ''}`),
});
console.log(`RUNSTREAM_REPORT ${JSON.stringify({ runtime, ...report })}`);
