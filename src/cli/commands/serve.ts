/// <reference types="node" />
/**
 * `runstream serve`: the reference server (`startReferenceServer` from `runstream/testing`),
 * its URL and routes printed, until Ctrl-C.
 *
 * @module
 */
import { startReferenceServer, type ReferenceServer } from '../../testing/index.js';
import { UsageError, bool, int, parse, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, helpText, type Command, type Context } from '../command.js';
import { EXIT } from '../watch.js';

const FLAGS: Flag[] = [
  { name: 'port', type: 'string', arg: '<port>', help: 'TCP port (default 4800; 0 picks a free one)' },
  { name: 'host', type: 'string', arg: '<host>', help: 'loopback interface to listen on (default 127.0.0.1; only 127.x, ::1, localhost)' },
  { name: 'api-key', type: 'string', arg: '<key>', help: 'the key the server accepts (default test-key)' },
  { name: 'event-delay', type: 'string', arg: '<ms>', help: 'wait before each scripted event (default 250, slow enough to watch)' },
  { name: 'keepalive-interval', type: 'string', arg: '<ms>', help: 'time between keepalives on open streams (default 15000)' },
];

/** The routes and a command to try for each, as `serve` prints them. */
export function routes(url: string, keyFlag: string): string[] {
  return [
    `  Crewship     GET  ${url}/v1/runs/run_abc123/events        runstream runs run_abc123 --base-url ${url}${keyFlag}`,
    `  FlowMaestro  GET  ${url}/api/v1/executions/exec_xyz789/events   runstream executions exec_xyz789 --base-url ${url}${keyFlag}`,
    `  PraisonAI    POST ${url}/api/v1/runs, GET …/runs/{id}/stream    runstream jobs run --prompt "Analyze quarterly sales data" --base-url ${url}`,
    `  Skills       POST ${url}/v1/skills/my.skill/execute/stream     runstream skills my.skill --inputs '{"text":"Hello world"}' --base-url ${url}${keyFlag}`,
    `  stax         GET  ${url}/api/events, POST ${url}/api/runs      runstream runner run --workflow build --base-url ${url}`,
    `  any SSE URL                                                    runstream tail ${url}/api/events`,
  ];
}

/** Resolves when SIGINT or SIGTERM arrives. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `runstream serve`. */
export const serve: Command = {
  name: 'serve',
  summary: 'run the reference server (scripted runs of all five platforms) until Ctrl-C',
  usage: ['runstream serve [--port 4800] [--host 127.0.0.1] [--api-key test-key] [--event-delay 250] [--keepalive-interval 15000]'],
  description:
    'Starts runstream\'s reference server on a loopback address: scripted runs of Crewship, FlowMaestro,\n' +
    'PraisonAI, the skills engine and the stax runner, over real sockets (ids and prompts: docs/reference-server.md).\n' +
    'Prints its URL as the first line of stdout (for scripts) and its routes on stderr. Ctrl-C stops it (exit 0).',
  flags: FLAGS,
  examples: ['runstream serve', 'url=$(runstream serve --port 0 | head -1)   # in a script: the URL of a free port'],
  exitCodes: `Exit codes:
  0    stopped with Ctrl-C (SIGINT) or SIGTERM
  1    the server could not start (e.g. the port is in use)
  2    usage error (unknown flag, bad value, a host that is not loopback)`,
  async run(argv, context: Context) {
    const parsed = parse(argv, FLAGS, 'see runstream serve --help');
    if (bool(parsed, 'help')) {
      process.stdout.write(helpText(serve));
      return HELP_SHOWN;
    }
    positionals(parsed, [], 'runstream serve [--port 4800]');
    const apiKey = str(parsed, 'api-key') ?? 'test-key';
    let server: ReferenceServer;
    try {
      server = await startReferenceServer({
        port: int(parsed, 'port') ?? 4800,
        host: str(parsed, 'host') ?? '127.0.0.1',
        apiKey,
        eventDelay: int(parsed, 'event-delay') ?? 250,
        keepaliveInterval: int(parsed, 'keepalive-interval') ?? 15_000,
      });
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    const { output } = context;
    // The default key is public; a key you chose is not printed.
    const keyFlag = apiKey === 'test-key' ? ' --api-key test-key' : ' --api-key "$RUNSTREAM_API_KEY"';
    process.stdout.write(`${server.url}\n`);
    output.diag(output.err.bold(`runstream reference server on ${server.url}${apiKey === 'test-key' ? ' (API key "test-key")' : ' (API key from --api-key)'}`));
    for (const line of routes(server.url, keyFlag)) output.diag(line);
    output.diag(output.err.dim('Ctrl-C to stop.'));
    await stopSignal();
    await server.close();
    output.diag('stopped.');
    return EXIT.ok;
  },
};
