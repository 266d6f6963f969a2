/**
 * The clients: `Runstream` resolves options once and attaches the five platform resources; each
 * platform's own client comes from one helper, {@link platformClient}, and its definition.
 *
 * @module
 */
import type { ClientOptions } from './core/options.js';
import { Transport } from './core/request.js';
import { crewship } from './platforms/crewship/definition.js';
import type { PlatformDefinition } from './platforms/define.js';
import { flowmaestro } from './platforms/flowmaestro/definition.js';
import { praisonai } from './platforms/praisonai/definition.js';
import { skills } from './platforms/skills/definition.js';
import { stax } from './platforms/stax/definition.js';
import { CrewshipRuns } from './platforms/crewship/resource.js';
import { FlowMaestroExecutions } from './platforms/flowmaestro/resource.js';
import { PraisonAIJobs } from './platforms/praisonai/resource.js';
import { Skills } from './platforms/skills/resource.js';
import { StaxRunner } from './platforms/stax/resource.js';
import { mcp } from './platforms/mcp/definition.js';
import { MCPEndpoint, type MCPClientSettings } from './platforms/mcp/resource.js';

import { a2a } from './platforms/a2a/definition.js';
import { A2ATasks } from './platforms/a2a/resource.js';

import { agui } from './platforms/agui/definition.js';
import { AGUIRuns } from './platforms/agui/resource.js';

import { openai } from './platforms/openai/definition.js';
import { OpenAIResponseStreams } from './platforms/openai/resource.js';
import { anthropic } from './platforms/anthropic/definition.js';
import { AnthropicMessageStreams } from './platforms/anthropic/resource.js';

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
  /** Root URL of the platform's API. @defaultValue the platform's documented URL (the class's static `baseUrl`) */
  baseUrl?: string | undefined;
};

/**
 * A client for one platform: its one resource under `Key` (e.g. `runs`) and the base URL it
 * talks to.
 *
 * @typeParam Key - the resource's property name.
 * @typeParam Resource - the resource class.
 */
export type PlatformClient<Key extends string, Resource> = {
  /** The platform's resource, e.g. `crewship.runs`. */
  readonly [Name in Key]: Resource;
} & {
  /** The base URL every path is joined to, without a trailing slash. */
  readonly baseUrl: string;
};

/**
 * The class of a platform client: `new Crewship({ apiKey })`, with the platform's documented URL
 * as the static `baseUrl`.
 *
 * @typeParam Key - the resource's property name.
 * @typeParam Resource - the resource class.
 */
export interface PlatformClientClass<Key extends string, Resource> {
  /**
   * A client for the platform.
   *
   * @param options - see {@link PlatformClientOptions}; `baseUrl` defaults to the static `baseUrl`.
   * @throws TypeError when `baseUrl` is not an absolute http(s) URL or its port is not 1–65535,
   *   or an `apiKey` is given in a browser page without `dangerouslyAllowBrowser`.
   * @throws RangeError when a numeric option (`timeout`, `idleTimeout`, `maxEventSize`, a
   *   `reconnect` field) is out of its documented range; the message names the option and value.
   */
  new (options?: PlatformClientOptions): PlatformClient<Key, Resource>;
  /** The platform's documented URL, the default `baseUrl`; from the platform's definition. */
  readonly baseUrl: string;
}

/**
 * The client class of the platform `definition`: one resource `Resource` under `key`, talking to
 * the definition's documented URL unless `baseUrl` says otherwise. @internal
 */
function platformClient<const Key extends string, Resource>(
  definition: Pick<PlatformDefinition, 'baseUrl'>,
  key: Key,
  Resource: new (transport: Transport) => Resource,
): PlatformClientClass<Key, Resource> {
  return class {
    static readonly baseUrl = definition.baseUrl;
    readonly baseUrl: string;

    constructor(options: PlatformClientOptions = {}) {
      const transport = new Transport({ ...options, baseUrl: options.baseUrl ?? definition.baseUrl });
      this.baseUrl = transport.baseUrl;
      (this as Record<string, unknown>)[key] = new Resource(transport);
    }
  } as unknown as PlatformClientClass<Key, Resource>;
}

/**
 * A Crewship client: only {@link CrewshipRuns} (`client.runs`), `GET /v1/runs/{id}/events` with
 * `Authorization: Bearer`. `Crewship.baseUrl` is `https://api.crewship.dev`, as Crewship's
 * "Streaming" page calls it.
 *
 * @example
 * ```ts
 * import { Crewship } from 'runstream';
 *
 * const crewship = new Crewship({ apiKey: process.env.CREWSHIP_API_KEY });
 * for await (const event of crewship.runs.stream('run_abc123')) console.log(event.type);
 * ```
 */
export const Crewship = /* @__PURE__ */ platformClient(crewship, 'runs', CrewshipRuns);
/** A {@link Crewship} client. */
export type Crewship = PlatformClient<'runs', CrewshipRuns>;

/**
 * A FlowMaestro client: only {@link FlowMaestroExecutions} (`client.executions`),
 * `GET /v1/executions/{id}/events` with `X-API-Key`. `FlowMaestro.baseUrl` is
 * `https://api.flowmaestro.ai`, as its curl example calls it (add `/api` if your server needs it).
 *
 * @example
 * ```ts
 * import { FlowMaestro } from 'runstream';
 *
 * const flow = new FlowMaestro({ apiKey: process.env.FLOWMAESTRO_API_KEY });
 * for await (const event of flow.executions.streamIterator('exec_xyz789')) console.log(event.type);
 * ```
 */
export const FlowMaestro = /* @__PURE__ */ platformClient(flowmaestro, 'executions', FlowMaestroExecutions);
/** A {@link FlowMaestro} client. */
export type FlowMaestro = PlatformClient<'executions', FlowMaestroExecutions>;

/**
 * A PraisonAI client: only {@link PraisonAIJobs} (`client.jobs`), the async jobs API under
 * `/api/v1/runs`, without auth. `PraisonAI.baseUrl` is `http://127.0.0.1:8005`, PraisonAI's local
 * API server as its "Stream Run API" page calls it (`API_URL`).
 *
 * @example
 * ```ts
 * import { PraisonAI } from 'runstream';
 *
 * const praison = new PraisonAI(); // http://127.0.0.1:8005, PraisonAI's local server
 * const output = await praison.jobs.run<string>({ prompt: 'Analyze quarterly sales data' });
 * ```
 */
export const PraisonAI = /* @__PURE__ */ platformClient(praisonai, 'jobs', PraisonAIJobs);
/** A {@link PraisonAI} client. */
export type PraisonAI = PlatformClient<'jobs', PraisonAIJobs>;

/**
 * A skills engine client: only {@link Skills} (`client.skills`),
 * `POST /v1/skills/{id}/execute/stream` with `x-api-key`. `SkillsEngine.baseUrl` is
 * `http://localhost:8080`, the engine's local address as its "Streaming SSE" page calls it.
 *
 * @example
 * ```ts
 * import { SkillsEngine } from 'runstream';
 *
 * const engine = new SkillsEngine({ apiKey: process.env.SKILLS_API_KEY }); // http://localhost:8080
 * const result = await engine.skills.execute('my.skill', { inputs: { text: 'Hello world' } });
 * ```
 */
export const SkillsEngine = /* @__PURE__ */ platformClient(skills, 'skills', Skills);
/** A {@link SkillsEngine} client. */
export type SkillsEngine = PlatformClient<'skills', Skills>;

/**
 * A stax runner client: only {@link StaxRunner} (`client.runner`), the event bus `GET /api/events`
 * and the run API, without auth. `Stax.baseUrl` is `http://localhost:4800`, the runner's default
 * as its "SSE Events" page calls it.
 *
 * @example
 * ```ts
 * import { Stax } from 'runstream';
 *
 * const stax = new Stax(); // http://localhost:4800, the runner's default
 * for await (const event of stax.runner.stream('a1b2c3d4')) console.log(event.type);
 * ```
 */
export const Stax = /* @__PURE__ */ platformClient(stax, 'runner', StaxRunner);
/** A {@link Stax} client. */
export type Stax = PlatformClient<'runner', StaxRunner>;

// MCP Streamable HTTP (#22)

/**
 * Options of the {@link MCP} client: the {@link PlatformClientOptions} (`baseUrl` is the MCP
 * endpoint itself, e.g. `http://127.0.0.1:3000/mcp`; `apiKey` goes out as
 * `Authorization: Bearer`, the OAuth access token of MCP basic/authorization) and the MCP
 * settings: `protocolVersion`, `sessionId`, `clientInfo`, `clientCapabilities`.
 */
export type MCPClientOptions = PlatformClientOptions & MCPClientSettings;

/**
 * An MCP Streamable HTTP client (MCP 2025-11-25 and 2026-07-28, basic/transports): each
 * request is one `POST` to the endpoint whose answer is streamed, `request(method, params)` and
 * `tools.call(name, args)`; for 2025-11-25 `initialize()` opens a session. `MCP.baseUrl` is
 * `http://localhost:3000/mcp`, the endpoint of the TypeScript SDK's examples: pass your server's.
 *
 * @example
 * ```ts
 * import { MCP } from 'runstream';
 *
 * const mcp = new MCP({ baseUrl: 'http://127.0.0.1:3000/mcp', protocolVersion: '2025-11-25' });
 * await mcp.initialize(); // a stateful server gives a session id; a stateless one needs none
 * const stream = mcp.tools.call('search', { q: 'sse' });
 * for await (const event of stream) {
 *   if (event.type === 'notifications/progress') console.log(`${event.data.progress}/${event.data.total ?? '?'}`);
 * }
 * console.log(stream.outcome?.type); // 'completed', or 'failed' for a tool error
 * ```
 */
export const MCP: MCPClientClass = /* @__PURE__ */ mcpClientClass();
/** An {@link MCP} client: an {@link MCPEndpoint} and the endpoint URL it talks to. */
export type MCP = MCPEndpoint & {
  /** The MCP endpoint every request is sent to, without a trailing slash. */
  readonly baseUrl: string;
};

/** The class of the {@link MCP} client: `new MCP({ baseUrl, protocolVersion })`. */
export interface MCPClientClass {
  /**
   * An MCP client.
   *
   * @param options - see {@link MCPClientOptions}; `baseUrl` defaults to `MCP.baseUrl`.
   * @throws TypeError when `baseUrl` is not an absolute http(s) URL or its port is not 1–65535,
   *   an `apiKey` is given in a browser page without `dangerouslyAllowBrowser`, or
   *   `protocolVersion` is neither `'2025-11-25'` nor `'2026-07-28'`.
   * @throws RangeError when a numeric option is out of its documented range.
   */
  new (options?: MCPClientOptions): MCP;
  /** The default `baseUrl`: `http://localhost:3000/mcp`, the TypeScript SDK examples' endpoint. */
  readonly baseUrl: string;
}

/** The MCP client class, made in a function so that bundles that do not use it drop it. */
function mcpClientClass(): MCPClientClass {
  return class extends MCPEndpoint {
    static readonly baseUrl: string = mcp.baseUrl;
    readonly baseUrl: string;

    constructor(options: MCPClientOptions = {}) {
      const { protocolVersion, sessionId, clientInfo, clientCapabilities, ...rest } = options;
      const transport = new Transport({ ...rest, baseUrl: rest.baseUrl ?? mcp.baseUrl });
      super(transport, { protocolVersion, sessionId, clientInfo, clientCapabilities, fetch: rest.fetch });
      this.baseUrl = transport.baseUrl;
    }
  };
}

/**
 * An A2A v1.0 agent client: only {@link A2ATasks} (`client.tasks`), `SendStreamingMessage` and
 * `SubscribeToTask` over the JSON-RPC binding (a POST to `baseUrl`) or the HTTP+JSON binding
 * (`{baseUrl}/message:stream`, `{baseUrl}/tasks/{id}:subscribe`), with `A2A-Version: 1.0`.
 * `baseUrl` is the agent's interface URL from its card (`supportedInterfaces[].url`); without
 * it, `A2A.baseUrl` is `http://localhost:41241`, where the a2a-samples JavaScript agents listen.
 * `apiKey` is sent as `Authorization: Bearer` (the card's `securitySchemes` say what an agent wants).
 *
 * @example
 * ```ts
 * import { A2A } from 'runstream';
 *
 * const agent = new A2A({ baseUrl: 'http://localhost:41241' });
 * for await (const event of agent.tasks.stream('Tell me a joke')) console.log(event.type);
 * ```
 */
export const A2A = /* @__PURE__ */ platformClient(a2a, 'tasks', A2ATasks);
/** An {@link A2A} client. */
export type A2A = PlatformClient<'tasks', A2ATasks>;

/**
 * An AG-UI client (protocol 1.0): only {@link AGUIRuns} (`client.runs`), the `POST` of a
 * `RunAgentInput` to one agent. Its `baseUrl` is the agent's URL itself (AG-UI puts an agent at
 * any path; a trailing `/` is dropped); `AGUI.baseUrl` is `http://localhost:8000`, the AG-UI
 * quickstart server's. `apiKey` is sent as `Authorization: Bearer`.
 *
 * @example
 * ```ts
 * import { AGUI } from 'runstream';
 *
 * const agent = new AGUI({ baseUrl: 'http://localhost:8000/agent' });
 * const run = await agent.runs.run({ threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'Hi' }] });
 * console.log(run.status, run.messages);
 * ```
 */
export const AGUI = /* @__PURE__ */ platformClient(agui, 'runs', AGUIRuns);
/** An {@link AGUI} client. */
export type AGUI = PlatformClient<'runs', AGUIRuns>;

/**
 * An OpenAI Responses client: only {@link OpenAIResponseStreams} (`client.responses`),
 * `POST /v1/responses` with `stream: true` and `Authorization: Bearer`.
 * `OpenAIResponses.baseUrl` is `https://api.openai.com`, as OpenAI's API reference calls it.
 *
 * @example
 * ```ts
 * import { OpenAIResponses } from 'runstream';
 *
 * const client = new OpenAIResponses({ apiKey: process.env.OPENAI_API_KEY });
 * for await (const event of client.responses.stream({ model: 'gpt-5', input: 'Say hello' })) console.log(event.type);
 * ```
 */
export const OpenAIResponses = /* @__PURE__ */ platformClient(openai, 'responses', OpenAIResponseStreams);
/** An {@link OpenAIResponses} client. */
export type OpenAIResponses = PlatformClient<'responses', OpenAIResponseStreams>;

/**
 * An Anthropic Messages client: only {@link AnthropicMessageStreams} (`client.messages`),
 * `POST /v1/messages` with `stream: true`, `x-api-key` and `anthropic-version: 2023-06-01`.
 * `AnthropicMessages.baseUrl` is `https://api.anthropic.com`, as Anthropic's API reference calls it.
 *
 * @example
 * ```ts
 * import { AnthropicMessages } from 'runstream';
 *
 * const client = new AnthropicMessages({ apiKey: process.env.ANTHROPIC_API_KEY });
 * const stream = client.messages.stream({ model: 'claude-opus-4-1', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });
 * for await (const event of stream) console.log(event.type);
 * ```
 */
export const AnthropicMessages = /* @__PURE__ */ platformClient(anthropic, 'messages', AnthropicMessageStreams);
/** An {@link AnthropicMessages} client. */
export type AnthropicMessages = PlatformClient<'messages', AnthropicMessageStreams>;
