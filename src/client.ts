/**
 * The client: resolves options once and attaches the five platform resources.
 *
 * @module
 */
import type { ClientOptions } from './core/options.js';
import { Transport } from './core/request.js';
import { Executions } from './resources/executions.js';
import { Jobs } from './resources/jobs.js';
import { Runner } from './resources/runner.js';
import { Runs } from './resources/runs.js';
import { Skills } from './resources/skills.js';

/**
 * A client for one server: typed event streams and JSON calls for each platform runstream
 * knows. Real platforms live on different hosts, so make one client per platform; a server
 * that speaks several (like the bundled reference server) can share one.
 *
 * @example
 * ```ts
 * import { Runstream } from 'runstream';
 *
 * const client = new Runstream({ baseUrl: 'https://api.crewship.dev', apiKey: process.env.CREWSHIP_API_KEY });
 * for await (const event of client.runs.stream('run_abc123')) {
 *   console.log(event.type, event.data);
 * }
 * ```
 */
export class Runstream {
  /** Crewship runs: `GET /v1/runs/{id}/events`. */
  readonly runs: Runs;
  /** FlowMaestro executions: `GET {baseUrl}/v1/executions/{id}/events`. */
  readonly executions: Executions;
  /** PraisonAI async jobs: `/api/v1/runs…`. */
  readonly jobs: Jobs;
  /** The skills engine: `POST /v1/skills/{id}/execute/stream`. */
  readonly skills: Skills;
  /** The stax runner's event bus: `GET /api/events`. */
  readonly runner: Runner;
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;

  /**
   * @param options - see {@link ClientOptions}; `baseUrl` is required.
   * @throws TypeError when `baseUrl` is not an absolute http(s) URL.
   */
  constructor(options: ClientOptions) {
    const transport = new Transport(options);
    this.baseUrl = transport.baseUrl;
    this.runs = new Runs(transport);
    this.executions = new Executions(transport);
    this.jobs = new Jobs(transport);
    this.skills = new Skills(transport);
    this.runner = new Runner(transport);
  }
}
