/// <reference types="node" />
/**
 * The stax runner (no auth): `GET /api/events`, a never-ending multicast of every run's events
 * with `ping` keepalives, and the runs API: `POST /api/runs` (the runner chooses the id and has
 * broadcast `run.started` before it answers), `GET /api/runs`, `GET /api/runs/:id`,
 * `POST /api/runs/:id/cancel`.
 *
 * A run plays the runner's story of its workflow (src/platforms/stax/stories.ts: the events and
 * the run object they change) on the runner whether or not anyone listens: one event every `eventDelay` ms
 * (`slow`: 50 × `eventDelay`; `quick`: all the rest at once on `setImmediate`, right after the
 * answer), mutating the run object that `GET /api/runs/:id` returns. The bus never replays.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { SSEFrame } from '../../core/encode.js';
import { StaxRunScript, WORKFLOW_NAMES, type StaxRunRequest, type StaxSandboxStrategy, type StaxWorkflow } from '../../platforms/stax/stories.js';
import type { Core, RequestContext, Route } from '../context.js';
import type { SseChannel } from '../sse.js';

export type { StaxSandboxStrategy, StaxWorkflow } from '../../platforms/stax/stories.js';

/** What `ReferenceServer.staxStartRun()` accepts besides a bare run id. */
export interface StaxRunOptions {
  /** The run id (the test hook may choose it; `POST /api/runs` may not); by default 8 random hex digits. */
  id?: string | undefined;
  /** @defaultValue 'build' */
  workflow?: StaxWorkflow | undefined;
  /** Stored in the run object as `inputs`. @defaultValue {} */
  inputs?: Record<string, unknown> | undefined;
  /** Stored in the run object as `sandbox`. @defaultValue null */
  sandbox?: { strategy: StaxSandboxStrategy; ref?: string | undefined } | undefined;
}

/** A checked run request: what `create()` takes. */
type RunRequest = StaxRunRequest;

const STRATEGIES: readonly string[] = ['worktree', 'copy', 'none'] satisfies StaxSandboxStrategy[];

/** Finished runs kept for `GET`; the oldest beyond this are forgotten. */
const MAX_FINISHED = 200;
/** Runs still playing at once; more answer 503. */
const MAX_ACTIVE = 1000;
const RUN_ID = /^[\w.-]{1,64}$/;

const PING: SSEFrame = { event: 'ping', data: {} };

interface Run {
  script: StaxRunScript;
  /** Bumped on cancel, so that a pending tick of the old pace does nothing. */
  generation: number;
  timer: NodeJS.Timeout | undefined;
  /** True until the script has played out. */
  playing: boolean;
}

function now(): string {
  return new Date().toISOString();
}

function isTerminal(status: string): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a run request; returns the error message, or the parsed options. */
function parseRunRequest(body: unknown): string | RunRequest {
  if (!isPlainObject(body)) return 'The request body must be a JSON object: {"workflow": name, "inputs"?, "sandbox"?}';
  const { workflow, inputs, sandbox } = body;
  if (workflow === undefined || workflow === null || workflow === '') return `workflow is required (one of ${WORKFLOW_NAMES.join(', ')})`;
  if (typeof workflow !== 'string' || !WORKFLOW_NAMES.includes(workflow as StaxWorkflow)) {
    return `Unknown workflow ${JSON.stringify(workflow)}; known: ${WORKFLOW_NAMES.join(', ')}`;
  }
  if (inputs !== undefined && inputs !== null && !isPlainObject(inputs)) return 'inputs must be an object';
  let parsedSandbox: StaxRunOptions['sandbox'];
  if (sandbox !== undefined && sandbox !== null) {
    if (!isPlainObject(sandbox)) return 'sandbox must be an object: {"strategy": "worktree" | "copy" | "none", "ref"?: string}';
    if (typeof sandbox.strategy !== 'string' || !STRATEGIES.includes(sandbox.strategy)) {
      return `Invalid sandbox strategy ${JSON.stringify(sandbox.strategy)}; expected one of ${STRATEGIES.join(', ')}`;
    }
    if (sandbox.ref !== undefined && typeof sandbox.ref !== 'string') return 'sandbox.ref must be a string';
    parsedSandbox = { strategy: sandbox.strategy as StaxSandboxStrategy, ref: sandbox.ref };
  }
  return { workflow: workflow as StaxWorkflow, inputs: isPlainObject(inputs) ? inputs : undefined, sandbox: parsedSandbox };
}

/** The stax runner of one server: its routes and `startRun` (the `staxStartRun()` hook). @internal */
export function staxRunner(core: Core): {
  routes: Route[];
  startRun(run?: string | StaxRunOptions): string;
} {
  const subscribers = new Set<SseChannel>();
  /** Every run kept, oldest first (Map order is insertion order). */
  const runs = new Map<string, Run>();

  function broadcast(entry: SSEFrame): void {
    for (const channel of [...subscribers]) channel.send(entry);
  }

  // ── Playing ──

  function schedule(run: Run, delay: number | 'immediate'): void {
    const generation = run.generation;
    const tick = () => {
      run.timer = undefined;
      if (run.generation !== generation) return;
      // 'immediate' plays the whole rest in this one callback: done within the turn.
      do {
        const event = run.script.next();
        if (event) broadcast(event);
      } while (delay === 'immediate' && run.script.playing);
      if (run.script.playing) schedule(run, delay);
      else finish(run);
    };
    if (delay === 'immediate') core.timers.soon(tick);
    else run.timer = core.timers.later(delay, tick);
  }

  function finish(run: Run): void {
    run.playing = false;
    prune();
  }

  /** Forgets the oldest finished runs beyond MAX_FINISHED. */
  function prune(): void {
    let finished = 0;
    for (const run of runs.values()) if (!run.playing) finished++;
    for (const [id, run] of runs) {
      if (finished <= MAX_FINISHED) break;
      if (run.playing) continue;
      runs.delete(id);
      finished--;
    }
  }

  function activeCount(): number {
    let active = 0;
    for (const run of runs.values()) if (run.playing) active++;
    return active;
  }

  function newId(): string {
    let id: string;
    do id = randomBytes(4).toString('hex');
    while (runs.has(id));
    return id;
  }

  /**
   * Creates a run and broadcasts `run.started` to every subscriber before returning, so that a
   * caller answering an HTTP request afterwards answers after the event is on the wire.
   */
  function create(id: string, options: RunRequest): Run {
    const run: Run = { script: new StaxRunScript(id, options, now), generation: 0, timer: undefined, playing: true };
    runs.delete(id);
    runs.set(id, run);
    broadcast(run.script.started);
    const pace = run.script.spec.pace;
    schedule(run, pace === 'immediate' ? 'immediate' : pace * core.settings.eventDelay);
    prune();
    return run;
  }

  /**
   * Cancels a run still in progress: the running step ends `cancelled`, the steps not started
   * are skipped, the job and the run end `cancelled`. The run object changes at once; the
   * closing events follow on the bus, one every `eventDelay` ms.
   */
  function cancelRun(run: Run): void {
    run.generation++;
    core.timers.cancel(run.timer);
    run.timer = undefined;
    run.script.cancel();
    schedule(run, core.settings.eventDelay);
  }

  function startRun(options: string | StaxRunOptions = {}): string {
    const { id: requested, workflow = 'build', inputs, sandbox } = typeof options === 'string' ? { id: options } : options;
    if (requested !== undefined && (typeof requested !== 'string' || !RUN_ID.test(requested))) {
      throw new TypeError('staxStartRun: a run id is 1 to 64 letters, digits, `_`, `.` or `-`');
    }
    if (!WORKFLOW_NAMES.includes(workflow)) {
      throw new TypeError(`staxStartRun: unknown workflow ${JSON.stringify(workflow)}; known: ${WORKFLOW_NAMES.join(', ')}`);
    }
    if (sandbox !== undefined && !STRATEGIES.includes(sandbox.strategy)) {
      throw new TypeError(`staxStartRun: sandbox.strategy must be one of ${STRATEGIES.join(', ')}`);
    }
    if (requested !== undefined && runs.get(requested)?.playing) throw new Error(`staxStartRun: run ${requested} is already running`);
    if (activeCount() >= MAX_ACTIVE) throw new Error(`staxStartRun: ${MAX_ACTIVE} runs are already running`);
    return create(requested ?? newId(), { workflow, inputs, sandbox }).script.state.id;
  }

  // ── Routes ──

  function events(ctx: RequestContext): void {
    const channel = ctx.sse();
    subscribers.add(channel);
    channel.signal.addEventListener('abort', () => subscribers.delete(channel), { once: true });
    channel.send(PING);
    core.timers.every(core.settings.keepaliveInterval, channel.signal, () => channel.send(PING));
  }

  function submit(ctx: RequestContext): void {
    const parsed = parseRunRequest(ctx.body);
    if (typeof parsed === 'string') {
      ctx.json(400, { error: parsed });
      return;
    }
    if (activeCount() >= MAX_ACTIVE) {
      ctx.json(503, { error: `Too many runs in progress (${MAX_ACTIVE})` });
      return;
    }
    // run.started is on every subscriber's socket before this answer is written.
    const run = create(newId(), parsed);
    ctx.json(201, run.script.state);
  }

  function list(ctx: RequestContext): void {
    ctx.json(200, [...runs.values()].reverse().map((run) => run.script.state));
  }

  function lookup(ctx: RequestContext): Run | undefined {
    const run = runs.get(ctx.params.id!);
    if (!run) ctx.json(404, { error: 'Run not found' });
    return run;
  }

  function retrieve(ctx: RequestContext): void {
    const run = lookup(ctx);
    if (run) ctx.json(200, run.script.state);
  }

  function cancel(ctx: RequestContext): void {
    const run = lookup(ctx);
    if (!run) return;
    const state = run.script.state;
    if (isTerminal(state.status)) {
      ctx.json(409, { error: `Run ${state.id} can no longer be cancelled (status: ${state.status})` });
      return;
    }
    cancelRun(run);
    ctx.json(200, state);
  }

  return {
    routes: [
      { method: 'GET', pattern: '/api/events', handler: events },
      { method: 'POST', pattern: '/api/runs', handler: submit },
      { method: 'GET', pattern: '/api/runs', handler: list },
      { method: 'GET', pattern: '/api/runs/:id', handler: retrieve },
      { method: 'POST', pattern: '/api/runs/:id/cancel', handler: cancel },
    ],
    startRun,
  };
}
