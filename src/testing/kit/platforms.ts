/**
 * Ready scripts of runstream's platforms, built from their stories (src/platforms/<name>/stories.ts):
 * the runs the reference server plays, as {@link ScriptRoutes}, with the JSON routes around
 * them. Web APIs only.
 *
 * @module
 */
import { crewshipStories } from '../../platforms/crewship/stories.js';
import { flowmaestroStories } from '../../platforms/flowmaestro/stories.js';
import { FIXED_PROMPT, jobResult, praisonaiStories } from '../../platforms/praisonai/stories.js';
import { skillsStories } from '../../platforms/skills/stories.js';
import { aguiStories } from '../../platforms/agui/stories.js';
import { a2aStories } from '../../platforms/a2a/stories.js';
import { mcpStories, PROGRESS_TOKEN, REQUEST_ID, storyVersion } from '../../platforms/mcp/stories.js';
import { OPENAI_STORY_NAMES, openaiStoryFrames } from '../../platforms/openai/stories.js';
import { ANTHROPIC_STORY_NAMES, anthropicStoryFrames } from '../../platforms/anthropic/stories.js';
import { staxStories, storyRunStarted, STORY_RUN_ID, WORKFLOW_NAMES, type StaxWorkflow } from '../../platforms/stax/stories.js';
import type { Script, ScriptRoutes, ScriptStep } from './script.js';
import type { Story } from './story.js';

/** A platform runstream supports, as {@link platformScripts} names it. */
export type PlatformName = 'crewship' | 'flowmaestro' | 'praisonai' | 'skills' | 'stax' | 'agui' | 'a2a' | 'mcp' | 'openai' | 'anthropic';

/** Options of {@link platformScripts}. */
export interface PlatformScriptOptions {
  /** Only these platforms. @defaultValue all of them */
  platforms?: readonly PlatformName[] | undefined;
  /**
   * Prefix of every route: an origin with an optional path (`'https://api.test'`,
   * `'http://127.0.0.1:3000/api'`) or a path (`'/api'`). @defaultValue none: routes match the path alone, on any origin
   */
  baseUrl?: string | undefined;
  /**
   * The workflow of the run the stax bus plays (`'build'`, `'failing'`, `'quick'` or `'slow'`),
   * as the reference server plays it; `POST /api/runs` and `GET /api/runs/a1b2c3d4` answer with
   * that run. @defaultValue 'build'
   */
  staxWorkflow?: StaxWorkflow | undefined;
}

/** A story's script: its one connection on every request (a replaying server). */
function replayed(story: Story): Script {
  return { connections: [story.connection], afterLast: 'repeat' };
}

/** The stream routes of `stories`, each under its own route. */
function routesOf(stories: readonly Story[]): Record<string, Script> {
  return Object.fromEntries(stories.map((story) => [story.route, replayed(story)]));
}

/** A JSON answer on every request. */
function json(body: unknown, status = 200, headers?: Record<string, string>): Script {
  return { connections: [{ status, ...(headers ? { headers } : {}), body }], afterLast: 'repeat' };
}

function flowmaestro(): ScriptRoutes {
  const routes = routesOf(flowmaestroStories);
  // Both prefixes FlowMaestro's docs use.
  for (const story of flowmaestroStories) routes[story.route.replace('GET /v1/', 'GET /api/v1/')] = replayed(story);
  return routes;
}

function praisonai(): ScriptRoutes {
  const job = 'run_abc123';
  const path = `/api/v1/runs/${job}`;
  return {
    ...routesOf(praisonaiStories),
    'POST /api/v1/runs': json({ job_id: job, status: 'queued', created_at: '2024-01-15T10:30:00Z', poll_url: path, stream_url: `${path}/stream` }, 202, { location: path, 'retry-after': '2' }),
    [`GET ${path}`]: json({ job_id: job, status: 'succeeded', progress_percentage: 100, created_at: '2024-01-15T10:30:00Z', retry_after: null }),
    [`GET ${path}/result`]: json({ job_id: job, status: 'succeeded', result: jobResult(FIXED_PROMPT) }),
  };
}

function skills(): ScriptRoutes {
  const mySkill = skillsStories.find((story) => story.name === 'my.skill')!;
  const done = mySkill.connection.steps!.at(-1) as { data: unknown };
  return { ...routesOf(skillsStories), 'POST /v1/skills/my.skill/execute': json(done.data) };
}

function stax(workflow: StaxWorkflow): ScriptRoutes {
  const bus = staxStories.find((story) => story.name === workflow)!;
  const run = storyRunStarted(workflow);
  return { [bus.route]: replayed(bus), 'POST /api/runs': json(run, 201), [`GET /api/runs/${STORY_RUN_ID}`]: json(run) };
}

/**
 * The JSON-RPC id the kit's A2A and MCP stories answer: a fresh client's first request (the
 * reference server echoes the request's id; the kit cannot). @internal
 */
export const KIT_REQUEST_ID = 1;
/** The progress token of the kit's MCP stories: the MCP client's default for request 1. @internal */
export const KIT_PROGRESS_TOKEN = `runstream-${KIT_REQUEST_ID}`;
/** The id of the kit's OpenAI response and Anthropic message: the reference server's first. @internal */
export const KIT_RESPONSE_ID = 'resp_00000001';
/** See {@link KIT_RESPONSE_ID}. @internal */
export const KIT_MESSAGE_ID = 'msg_00000001';
/** The model the kit's Anthropic stories name in `message_start` (the server echoes the request's). @internal */
export const KIT_ANTHROPIC_MODEL = 'claude-opus-4-1';

/**
 * A2A's stories as the kit plays them: each task a JSON-RPC endpoint of its own,
 * `POST /a2a/<task>` (the `A2A` client's `baseUrl`), answering `SendStreamingMessage` with the
 * JSON-RPC responses of id {@link KIT_REQUEST_ID}. `task_cut` is left out: its recovery is a
 * `SubscribeToTask` on the same endpoint, a second answer a replaying script cannot tell apart.
 * @internal
 */
export function a2aKitStories(): Story[] {
  return a2aStories
    .filter((story) => !story.cut)
    .map((story) => {
      const steps: ScriptStep[] = story.events.map((result) => ({ data: { jsonrpc: '2.0', id: KIT_REQUEST_ID, result } }));
      const error = story.error;
      if (error) {
        const data = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: error.reason, domain: 'a2a-protocol.org' }];
        steps.push({ event: 'error', data: { jsonrpc: '2.0', id: KIT_REQUEST_ID, error: { code: error.code, message: error.message, data } } });
      }
      const message = { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: `please ${story.trigger}` }] };
      return {
        name: story.name,
        route: `POST /a2a/${story.name}`,
        body: { jsonrpc: '2.0', id: KIT_REQUEST_ID, method: 'SendStreamingMessage', params: { message } },
        outcome: story.outcome,
        connection: { steps },
      };
    });
}

/** `data` with the MCP placeholders filled: id {@link KIT_REQUEST_ID}, token {@link KIT_PROGRESS_TOKEN}. */
function mcpFilled(data: unknown): unknown {
  if (data === REQUEST_ID) return KIT_REQUEST_ID;
  if (data === PROGRESS_TOKEN) return KIT_PROGRESS_TOKEN;
  if (Array.isArray(data)) return data.map(mcpFilled);
  if (typeof data === 'object' && data !== null) return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, mcpFilled(value)]));
  return data;
}

/**
 * MCP's stories as the kit plays them: `POST /mcp/<story>` (the `MCP` client's `baseUrl`) answers
 * the `tools/call` of id {@link KIT_REQUEST_ID}; a 2025-11-25 story's `GET /mcp/<story>` resumes
 * after `Last-Event-ID` (how `cut` recovers). @internal
 */
export function mcpKitStories(): Story[] {
  return mcpStories.map((story) => {
    const steps = (story.connection.steps ?? []).map((step) => ('data' in step && step.data !== '' ? { ...step, data: mcpFilled(step.data) } : step));
    const { cutAfter, ...rest } = story;
    return { ...rest, connection: { ...story.connection, steps: cutAfter === undefined ? steps : steps.slice(0, cutAfter + 1) } };
  });
}

/** The resume routes of the 2025-11-25 MCP stories: the whole stream, after `Last-Event-ID`. */
function mcpResumes(): ScriptRoutes {
  const stories = mcpStories.filter((story) => storyVersion(story.name) === '2025-11-25');
  return Object.fromEntries(
    stories.map((story) => {
      const steps = (story.connection.steps ?? []).map((step) => ('data' in step && step.data !== '' ? { ...step, data: mcpFilled(step.data) } : step));
      return [`GET /mcp/${story.name}`, { connections: [{ steps, resume: true }], afterLast: 'repeat' } satisfies Script];
    }),
  );
}

/**
 * OpenAI's stories as the kit plays them: each at `POST /openai/<story>/v1/responses` (the
 * `OpenAIResponses` client's `baseUrl` is `…/openai/<story>`), response {@link KIT_RESPONSE_ID},
 * not in the background. `cut` drops the connection after six events, as the server does (a
 * foreground response cannot be resumed: the stream fails).
 * @internal
 */
export function openaiKitStories(): Story[] {
  const outcomes = { completed: 'completed', failed: 'failed', error: 'failed', incomplete: 'completed', cut: 'error' } as const;
  return OPENAI_STORY_NAMES.map((name) => {
    const steps: ScriptStep[] = openaiStoryFrames(name, KIT_RESPONSE_ID, false);
    if (name === 'cut') steps.push({ cut: 'between-events' });
    return { name, route: `POST /openai/${name}/v1/responses`, body: { model: 'gpt-4.1', input: `please ${name}`, stream: true }, outcome: outcomes[name], connection: { steps } };
  });
}

/**
 * Anthropic's stories as the kit plays them: each at `POST /anthropic/<story>/v1/messages` (the
 * `AnthropicMessages` client's `baseUrl` is `…/anthropic/<story>`), message
 * {@link KIT_MESSAGE_ID} of model {@link KIT_ANTHROPIC_MODEL}. @internal
 */
export function anthropicKitStories(): Story[] {
  const outcomes = { completed: 'completed', tool: 'completed', overloaded: 'failed', cut: 'error' } as const;
  return ANTHROPIC_STORY_NAMES.map((name) => ({
    name,
    route: `POST /anthropic/${name}/v1/messages`,
    body: { model: KIT_ANTHROPIC_MODEL, max_tokens: 256, stream: true, messages: [{ role: 'user', content: `please ${name}` }] },
    outcome: outcomes[name],
    connection: { steps: anthropicStoryFrames(name, KIT_MESSAGE_ID, KIT_ANTHROPIC_MODEL) },
  }));
}

/**
 * Ready scripts of runstream's platforms, by route, for {@link scriptedFetch} and the msw
 * handlers (`platformHandlers()` of `runstream/testing/msw`): each platform's stories, the runs
 * the reference server plays, event for event (a test in the repository holds the two to it).
 * Each replays on every request (Crewship and PraisonAI's named form resume after
 * `Last-Event-ID`); no route checks credentials (use the reference server for auth errors).
 * The ids, as docs/reference-server.md describes each run:
 *
 * - Crewship, `GET /v1/runs/:id/events`: `run_abc123` (10 events `evt_001`–`evt_010`, ends
 *   `run.completed`), `run_failed` (6 events, ends `run.failed`), `run_envelope` (unnamed
 *   envelopes, ends with a named `complete`), `run_error` (ends with an `error` event).
 * - FlowMaestro, `GET /v1/executions/:id/events` (and `/api/v1/…`): `exec_xyz789` (completes),
 *   `exec_failed` (fails), `exec_cancelled`; `connected` then a `: keepalive` comment; no ids.
 * - PraisonAI: `GET /api/v1/runs/run_abc123/stream` (documented envelopes, then `[DONE]`),
 *   `GET /api/v1/runs/run_named/stream` (named events, CRLF, `id:` first, ids `1`–`7`, a
 *   heartbeat and a `: ping`), `run_named_error`, `run_named_cancelled`; `POST /api/v1/runs`
 *   (202, job `run_abc123`), `GET /api/v1/runs/run_abc123` and `/result` (succeeded).
 * - Skills engine: `POST /v1/skills/my.skill/execute/stream` (7 events ending `done`, as for
 *   the inputs `{ text: 'Hello world' }`, whatever the inputs), `failing.skill` (its `done`
 *   carries `error` `STEP_FAILED`), `POST /v1/skills/my.skill/execute` (JSON).
 * - stax runner: `GET /api/events` (a `ping`, then run `a1b2c3d4` of workflow `build`, or
 *   `options.staxWorkflow`, from `run.started` to `run.completed`, then open until closed),
 *   `POST /api/runs` (201, run `a1b2c3d4`), `GET /api/runs/a1b2c3d4` (in progress).
 * - AG-UI: `POST /agui/weather` (completed), `/agui/quota` (`RUN_ERROR`), `/agui/approval`
 *   (interrupted), `/agui/cancelled`: unnamed `data:` events of thread `thread_1`, run `run_1`
 *   (whatever the body), no ids.
 *
 * Where the reference server picks a story by the request body, the kit gives each story a path
 * of its own (route keys are method and path only), and fixes what the server echoes or counts:
 *
 * - A2A: `POST /a2a/<task>` is a JSON-RPC endpoint (the `A2A` client's `baseUrl`, the default
 *   `jsonrpc` binding) answering `SendStreamingMessage`: `task_completed`, `task_failed`,
 *   `task_input` (interrupted), `task_error` (an `event: error` JSON-RPC error `-32603` after two
 *   events); JSON-RPC id `1` (a fresh client's first request), whatever the body.
 * - MCP: `POST /mcp/<story>` (the `MCP` client's `baseUrl`, as on the server) answers the
 *   `tools/call` of id `1` with progress token `runstream-1`: `report`, `report-2026`, `boom`,
 *   `missing`, `confirm-2026`, `cut` (its POST stream ends after two events;
 *   `GET /mcp/<story>` with `Last-Event-ID` replays the rest of a 2025-11-25 story).
 * - OpenAI Responses: `POST /openai/<story>/v1/responses` (`baseUrl` `…/openai/<story>`):
 *   `completed`, `failed`, `error`, `incomplete`, `cut` (dropped after six events), response
 *   `resp_00000001`, not in the background.
 * - Anthropic Messages: `POST /anthropic/<story>/v1/messages` (`baseUrl` `…/anthropic/<story>`):
 *   `completed`, `tool`, `overloaded`, `cut` (ends before `message_delta`), message
 *   `msg_00000001` of model `claude-opus-4-1`, whatever the body names.
 *
 * @example
 * ```ts
 * const client = new Crewship({ apiKey: 'test', fetch: scriptedFetch(platformScripts()) });
 * for await (const event of client.runs.stream('run_abc123')) console.log(event.type);
 * ```
 *
 * @param options - which platforms, a route prefix, the stax workflow; see {@link PlatformScriptOptions}.
 * @returns the scripts by route (`'GET /v1/runs/run_abc123/events'`, …).
 * @throws TypeError for an unknown platform name or stax workflow.
 */
export function platformScripts(options: PlatformScriptOptions = {}): ScriptRoutes {
  const workflow = options.staxWorkflow ?? 'build';
  if (!WORKFLOW_NAMES.includes(workflow)) throw new TypeError(`platformScripts: unknown staxWorkflow ${JSON.stringify(workflow)}; one of ${WORKFLOW_NAMES.join(', ')}`);
  const PLATFORMS: Readonly<Record<PlatformName, ScriptRoutes>> = {
    crewship: routesOf(crewshipStories),
    flowmaestro: flowmaestro(),
    praisonai: praisonai(),
    skills: skills(),
    stax: stax(workflow),
    agui: routesOf(aguiStories),
    a2a: routesOf(a2aKitStories()),
    mcp: { ...routesOf(mcpKitStories()), ...mcpResumes() },
    openai: routesOf(openaiKitStories()),
    anthropic: routesOf(anthropicKitStories()),
  };
  const names = options.platforms ?? (Object.keys(PLATFORMS) as PlatformName[]);
  const prefix = (options.baseUrl ?? '').replace(/\/+$/, '');
  const out: Record<string, ScriptRoutes[string]> = {};
  for (const name of names) {
    if (!Object.hasOwn(PLATFORMS, name)) throw new TypeError(`platformScripts: unknown platform ${JSON.stringify(name)}; one of ${Object.keys(PLATFORMS).join(', ')}`);
    for (const [key, script] of Object.entries(PLATFORMS[name])) {
      const [method, path] = key.split(' ') as [string, string];
      out[`${method} ${prefix}${path}`] = script;
    }
  }
  return out;
}
