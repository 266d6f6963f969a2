/**
 * Ready scripts of the five platforms, built from their stories (src/platforms/<name>/stories.ts):
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
import { staxStories, storyRunStarted, STORY_RUN_ID, WORKFLOW_NAMES, type StaxWorkflow } from '../../platforms/stax/stories.js';
import type { Script, ScriptRoutes } from './script.js';
import type { Story } from './story.js';

/** A platform runstream supports, as {@link platformScripts} names it. */
export type PlatformName = 'crewship' | 'flowmaestro' | 'praisonai' | 'skills' | 'stax' | 'agui';

/** Options of {@link platformScripts}. */
export interface PlatformScriptOptions {
  /** Only these platforms. @defaultValue all five */
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
