/**
 * The client: resolves options once and attaches the five platform resources.
 *
 * @module
 */
import type { ClientOptions } from './core/options.js';
import { Transport } from './core/request.js';
import { CrewshipRuns } from './platforms/crewship/resource.js';
import { FlowMaestroExecutions } from './platforms/flowmaestro/resource.js';
import { PraisonAIJobs } from './platforms/praisonai/resource.js';
import { Skills } from './platforms/skills/resource.js';
import { StaxRunner } from './platforms/stax/resource.js';

/**
 * A client for a server that speaks several platforms' APIs (like the bundled reference
 * server): typed event streams and JSON calls for all five. For one real platform, use its own
 * client instead ({@link Crewship}, {@link FlowMaestro}, {@link PraisonAI}, {@link SkillsEngine},
 * {@link Stax}): it offers only that platform's resource and knows its documented URL.
 *
 * @example
 * ```ts
 * import { Runstream } from 'runstream';
 *
 * const client = new Runstream({ baseUrl: 'http://127.0.0.1:4800', apiKey: 'test-key' });
 * for await (const event of client.runs.stream('run_abc123')) {
 *   console.log(event.type, event.data);
 * }
 * ```
 */
export class Runstream {
  /** Crewship runs: `GET /v1/runs/{id}/events`. */
  readonly runs: CrewshipRuns;
  /** FlowMaestro executions: `GET {baseUrl}/v1/executions/{id}/events`. */
  readonly executions: FlowMaestroExecutions;
  /** PraisonAI async jobs: `/api/v1/runs…`. */
  readonly jobs: PraisonAIJobs;
  /** The skills engine: `POST /v1/skills/{id}/execute/stream`. */
  readonly skills: Skills;
  /** The stax runner's event bus: `GET /api/events`. */
  readonly runner: StaxRunner;
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;

  /**
   * @param options - see {@link ClientOptions}; `baseUrl` is required.
   * @throws TypeError when `baseUrl` is not an absolute http(s) URL or its port is not 1–65535,
   *   or an `apiKey` is given in a browser page without `dangerouslyAllowBrowser`.
   * @throws RangeError when a numeric option (`timeout`, `idleTimeout`, `maxEventSize`, a
   *   `reconnect` field) is out of its documented range; the message names the option and value.
   */
  constructor(options: ClientOptions) {
    const transport = new Transport(options);
    this.baseUrl = transport.baseUrl;
    this.runs = new CrewshipRuns(transport);
    this.executions = new FlowMaestroExecutions(transport);
    this.jobs = new PraisonAIJobs(transport);
    this.skills = new Skills(transport);
    this.runner = new StaxRunner(transport);
  }
}

/**
 * Options of a platform client ({@link Crewship}, {@link FlowMaestro}, {@link PraisonAI},
 * {@link SkillsEngine}, {@link Stax}): the {@link ClientOptions} of `Runstream`, with `baseUrl`
 * optional. Without it, the client talks to the URL its platform's own docs give.
 */
export type PlatformClientOptions = Omit<ClientOptions, 'baseUrl'> & {
  /** Root URL of the platform's API. @defaultValue the platform's documented URL (see each class) */
  baseUrl?: string | undefined;
};

/** A transport for `options`, with the platform's documented URL when none is given. */
function platformTransport(options: PlatformClientOptions, baseUrl: string): Transport {
  return new Transport({ ...options, baseUrl: options.baseUrl ?? baseUrl });
}

/**
 * A Crewship client: only {@link CrewshipRuns}, `GET /v1/runs/{id}/events` with `Authorization: Bearer`.
 *
 * @example
 * ```ts
 * import { Crewship } from 'runstream';
 *
 * const crewship = new Crewship({ apiKey: process.env.CREWSHIP_API_KEY });
 * for await (const event of crewship.runs.stream('run_abc123')) console.log(event.type);
 * ```
 */
export class Crewship {
  /** Crewship's public API, as its "Streaming" page calls it. */
  static readonly baseUrl = 'https://api.crewship.dev';
  /** Crewship runs: `GET /v1/runs/{id}/events`. */
  readonly runs: CrewshipRuns;
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;

  /**
   * @param options - see {@link PlatformClientOptions}. @defaultValue `baseUrl` {@link Crewship.baseUrl}
   * @throws TypeError when `baseUrl` is not an absolute http(s) URL or its port is not 1–65535,
   *   or an `apiKey` is given in a browser page without `dangerouslyAllowBrowser`.
   * @throws RangeError when a numeric option (`timeout`, `idleTimeout`, `maxEventSize`, a
   *   `reconnect` field) is out of its documented range; the message names the option and value.
   */
  constructor(options: PlatformClientOptions = {}) {
    const transport = platformTransport(options, Crewship.baseUrl);
    this.baseUrl = transport.baseUrl;
    this.runs = new CrewshipRuns(transport);
  }
}

/**
 * A FlowMaestro client: only {@link FlowMaestroExecutions}, `GET /v1/executions/{id}/events` with `X-API-Key`.
 *
 * @example
 * ```ts
 * import { FlowMaestro } from 'runstream';
 *
 * const flow = new FlowMaestro({ apiKey: process.env.FLOWMAESTRO_API_KEY });
 * for await (const event of flow.executions.streamIterator('exec_xyz789')) console.log(event.type);
 * ```
 */
export class FlowMaestro {
  /** FlowMaestro's public API, as its curl example calls it (add `/api` if your server needs it). */
  static readonly baseUrl = 'https://api.flowmaestro.ai';
  /** FlowMaestro executions: `GET {baseUrl}/v1/executions/{id}/events`. */
  readonly executions: FlowMaestroExecutions;
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;

  /**
   * @param options - see {@link PlatformClientOptions}. @defaultValue `baseUrl` {@link FlowMaestro.baseUrl}
   * @throws TypeError, RangeError as {@link Crewship}'s constructor.
   */
  constructor(options: PlatformClientOptions = {}) {
    const transport = platformTransport(options, FlowMaestro.baseUrl);
    this.baseUrl = transport.baseUrl;
    this.executions = new FlowMaestroExecutions(transport);
  }
}

/**
 * A PraisonAI client: only {@link PraisonAIJobs}, the async jobs API under `/api/v1/runs`.
 *
 * @example
 * ```ts
 * import { PraisonAI } from 'runstream';
 *
 * const praison = new PraisonAI(); // http://127.0.0.1:8005, PraisonAI's local server
 * const output = await praison.jobs.run<string>({ prompt: 'Analyze quarterly sales data' });
 * ```
 */
export class PraisonAI {
  /** PraisonAI's local API server, as its "Stream Run API" page calls it (`API_URL`). */
  static readonly baseUrl = 'http://127.0.0.1:8005';
  /** PraisonAI async jobs: `/api/v1/runs…`. */
  readonly jobs: PraisonAIJobs;
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;

  /**
   * @param options - see {@link PlatformClientOptions}. @defaultValue `baseUrl` {@link PraisonAI.baseUrl}
   * @throws TypeError, RangeError as {@link Crewship}'s constructor.
   */
  constructor(options: PlatformClientOptions = {}) {
    const transport = platformTransport(options, PraisonAI.baseUrl);
    this.baseUrl = transport.baseUrl;
    this.jobs = new PraisonAIJobs(transport);
  }
}

/**
 * A skills engine client: only {@link Skills}, `POST /v1/skills/{id}/execute/stream` with `x-api-key`.
 *
 * @example
 * ```ts
 * import { SkillsEngine } from 'runstream';
 *
 * const engine = new SkillsEngine({ apiKey: process.env.SKILLS_API_KEY }); // http://localhost:8080
 * const result = await engine.skills.execute('my.skill', { inputs: { text: 'Hello world' } });
 * ```
 */
export class SkillsEngine {
  /** The engine's local address, as its "Streaming SSE" page calls it. */
  static readonly baseUrl = 'http://localhost:8080';
  /** The skills engine: `POST /v1/skills/{id}/execute/stream`. */
  readonly skills: Skills;
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;

  /**
   * @param options - see {@link PlatformClientOptions}. @defaultValue `baseUrl` {@link SkillsEngine.baseUrl}
   * @throws TypeError, RangeError as {@link Crewship}'s constructor.
   */
  constructor(options: PlatformClientOptions = {}) {
    const transport = platformTransport(options, SkillsEngine.baseUrl);
    this.baseUrl = transport.baseUrl;
    this.skills = new Skills(transport);
  }
}

/**
 * A stax runner client: only {@link StaxRunner}, the event bus `GET /api/events`.
 *
 * @example
 * ```ts
 * import { Stax } from 'runstream';
 *
 * const stax = new Stax(); // http://localhost:4800, the runner's default
 * for await (const event of stax.runner.follow('a1b2c3d4')) console.log(event.type);
 * ```
 */
export class Stax {
  /** The runner's local address, as its "SSE Events" page calls it. */
  static readonly baseUrl = 'http://localhost:4800';
  /** The stax runner's event bus: `GET /api/events`. */
  readonly runner: StaxRunner;
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;

  /**
   * @param options - see {@link PlatformClientOptions}. @defaultValue `baseUrl` {@link Stax.baseUrl}
   * @throws TypeError, RangeError as {@link Crewship}'s constructor.
   */
  constructor(options: PlatformClientOptions = {}) {
    const transport = platformTransport(options, Stax.baseUrl);
    this.baseUrl = transport.baseUrl;
    this.runner = new StaxRunner(transport);
  }
}
