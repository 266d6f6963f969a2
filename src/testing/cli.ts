/// <reference types="node" />
/**
 * Runs the reference server until SIGINT or SIGTERM, for demos and manual testing:
 *
 * ```sh
 * tsx src/testing/cli.ts --port 4800
 * ```
 *
 * Prints the server's URL as the first line of stdout (scripts can read it), a route summary
 * on stderr. Options: `--port` (default 4800; 0 picks a free port), `--host` (default
 * 127.0.0.1, loopback only), `--api-key` (default `test-key`), `--event-delay` in ms (default
 * 250, slow enough to watch), `--keepalive-interval` in ms (default 15000).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { startReferenceServer } from './server.js';

const HELP = `Usage: tsx src/testing/cli.ts [--port 4800] [--host 127.0.0.1] [--api-key test-key]
                           [--event-delay 250] [--keepalive-interval 15000]`;

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new RangeError(`--${name} must be a number ≥ 0, got "${value}"`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      'event-delay': { type: 'string' },
      'keepalive-interval': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const server = await startReferenceServer({
    port: number('port', values.port, 4800),
    host: values.host ?? '127.0.0.1',
    apiKey: values['api-key'] ?? 'test-key',
    eventDelay: number('event-delay', values['event-delay'], 250),
    keepaliveInterval: number('keepalive-interval', values['keepalive-interval'], 15_000),
  });
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(
    [
      `runstream reference server on ${server.url} (API key "${values['api-key'] ?? 'test-key'}")`,
      `  Crewship     GET  ${server.url}/v1/runs/run_abc123/events`,
      `  FlowMaestro  GET  ${server.url}/api/v1/executions/exec_xyz789/events`,
      `  PraisonAI    POST ${server.url}/api/v1/runs   GET ${server.url}/api/v1/runs/run_named/stream`,
      `  Skills       POST ${server.url}/v1/skills/my.skill/execute/stream   (also failing.skill; …/execute for JSON)`,
      `  stax         GET  ${server.url}/api/events   POST ${server.url}/api/runs {"workflow": "build" | "failing" | "quick" | "slow"}`,
      `               GET  ${server.url}/api/runs[/:id]   POST ${server.url}/api/runs/:id/cancel`,
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  // close() ends every stream and clears every timer, so the process then exits on its own; a
  // second signal uses Node's default handler and kills it.
  const stop = () => {
    server.close().catch((error: unknown) => {
      process.stderr.write(`close failed: ${String(error)}\n`);
      process.exitCode = 1;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${HELP}\n`);
  process.exit(1);
});
