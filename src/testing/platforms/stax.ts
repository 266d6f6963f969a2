/// <reference types="node" />
/**
 * The stax runner (no auth): `GET /api/events`, a never-ending multicast of every run's events
 * with `ping` keepalives, and the runs API: `POST /api/runs` (the runner chooses the id and has
 * broadcast `run.started` before it answers), `GET /api/runs`, `GET /api/runs/:id`,
 * `POST /api/runs/:id/cancel`.
 *
 * A run plays on the runner whether or not anyone listens: one event every `eventDelay` ms
 * (`slow`: 50 × `eventDelay`; `quick`: all the rest at once on `setImmediate`, right after the
 * answer), mutating the run object that `GET /api/runs/:id` returns. The bus never replays.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Core, RequestContext, Route } from '../context.js';
import type { SseChannel, SseEntry } from '../sse.js';

/** The workflows the runner knows. */
export type StaxWorkflow = 'build' | 'failing' | 'quick' | 'slow';
/** How `sandbox.strategy` may be set. */
export type StaxSandboxStrategy = 'worktree' | 'copy' | 'none';

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
interface RunRequest {
  workflow: StaxWorkflow;
  inputs: Record<string, unknown> | undefined;
  sandbox: StaxRunOptions['sandbox'];
}

type Status = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

interface StepSpec {
  name: string;
  lines: readonly string[];
  /** @defaultValue 'success' */
  conclusion?: 'success' | 'failure' | undefined;
}

interface WorkflowSpec {
  job: string;
  steps: readonly StepSpec[];
  /** Wait before each event after `run.started`: a multiple of `eventDelay`, or `'immediate'`. */
  pace: number | 'immediate';
}

/** The scripted workflows, small and deterministic. */
const WORKFLOWS: Readonly<Record<StaxWorkflow, WorkflowSpec>> = {
  build: {
    job: 'build',
    pace: 1,
    steps: [
      { name: 'Checkout', lines: ['Workspace already available\n'] },
      { name: 'Install', lines: ['$ npm ci\n', 'added 312 packages in 4s\n'] },
      { name: 'Test', lines: ['$ npm test\n', '✓ 42 tests passed (1.2 s)\n', 'Done — no failures\n'] },
    ],
  },
  failing: {
    job: 'build',
    pace: 1,
    steps: [
      { name: 'Checkout', lines: ['Workspace already available\n'] },
      { name: 'Test', lines: ['$ npm test\n', '✗ 3 of 42 tests failed\n'], conclusion: 'failure' },
      { name: 'Deploy', lines: ['$ npm run deploy\n'] },
    ],
  },
  quick: { job: 'quick', pace: 'immediate', steps: [{ name: 'Echo', lines: ['hello\n'] }] },
  slow: {
    job: 'slow',
    pace: 50,
    steps: [
      { name: 'Prepare', lines: ['Preparing workspace\n'] },
      { name: 'Wait', lines: ['$ sleep 600\n'] },
      { name: 'Report', lines: ['Done\n'] },
    ],
  },
};
const WORKFLOW_NAMES = Object.keys(WORKFLOWS) as StaxWorkflow[];
const STRATEGIES: readonly string[] = ['worktree', 'copy', 'none'] satisfies StaxSandboxStrategy[];

/** Finished runs kept for `GET`; the oldest beyond this are forgotten. */
const MAX_FINISHED = 200;
/** Runs still playing at once; more answer 503. */
const MAX_ACTIVE = 1000;
const RUN_ID = /^[\w.-]{1,64}$/;

const PING: SseEntry = { event: 'ping', data: {}, keepalive: true };

interface StepState {
  name: string;
  number: number;
  status: Status;
  /** Set once finished; absent before. */
  conclusion?: Conclusion;
  logs: string[];
  startedAt: string | null;
  completedAt: string | null;
}

interface JobState {
  id: string;
  name: string;
  status: Status;
  /** Set once finished; absent before. */
  conclusion?: Conclusion;
  steps: StepState[];
  startedAt: string | null;
  completedAt: string | null;
}

interface RunState {
  id: string;
  workflow: StaxWorkflow;
  status: Status;
  /** Set once finished; absent before. */
  conclusion?: Conclusion;
  inputs: Record<string, unknown>;
  sandbox: { strategy: StaxSandboxStrategy; ref?: string } | null;
  jobs: JobState[];
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

interface Run {
  state: RunState;
  spec: WorkflowSpec;
  /** What is left to play: each mutates the state and returns the event to broadcast. */
  queue: (() => SseEntry)[];
  /** Bumped when the queue is replaced (cancel), so that a pending tick of the old one does nothing. */
  generation: number;
  timer: NodeJS.Timeout | undefined;
  /** True until the queue has played out. */
  playing: boolean;
}

function now(): string {
  return new Date().toISOString();
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isTerminal(status: Status): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** Status of a finished run, job or step from its conclusion. */
function statusOf(conclusion: Conclusion): Status {
  return conclusion === 'failure' ? 'failed' : conclusion === 'cancelled' ? 'cancelled' : 'completed';
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

  function broadcast(entry: SseEntry): void {
    for (const channel of [...subscribers]) channel.send(entry);
  }

  // ── The script of one run: each action mutates the run object, then returns its event. ──

  function jobOf(run: Run): JobState {
    return run.state.jobs[0]!;
  }

  function jobStarted(run: Run): SseEntry {
    const job: JobState = {
      id: run.spec.job,
      name: run.spec.job,
      status: 'in_progress',
      steps: [],
      startedAt: now(),
      completedAt: null,
    };
    run.state.jobs.push(job);
    return { event: 'job.started', data: { runId: run.state.id, jobId: job.id, job: clone(job) } };
  }

  function stepStarted(run: Run, index: number): SseEntry {
    const job = jobOf(run);
    const step: StepState = {
      name: run.spec.steps[index]!.name,
      number: index + 1,
      status: 'in_progress',
      logs: [],
      startedAt: now(),
      completedAt: null,
    };
    job.steps.push(step);
    return { event: 'step.started', data: { runId: run.state.id, jobId: job.id, stepNumber: step.number, step: clone(step) } };
  }

  function stepLog(run: Run, index: number, line: string): SseEntry {
    const job = jobOf(run);
    const step = job.steps[index]!;
    step.logs.push(line);
    return { event: 'step.log', data: { runId: run.state.id, jobId: job.id, stepNumber: step.number, line } };
  }

  function stepCompleted(run: Run, step: StepState, conclusion: Conclusion): SseEntry {
    const job = jobOf(run);
    step.status = statusOf(conclusion);
    step.conclusion = conclusion;
    step.completedAt = now();
    return { event: 'step.completed', data: { runId: run.state.id, jobId: job.id, stepNumber: step.number, step: clone(step) } };
  }

  /** Ends the job: the steps that never started join it as skipped (no events of their own). */
  function jobCompleted(run: Run, conclusion: Conclusion): SseEntry {
    if (run.state.jobs.length === 0) {
      // Cancelled before its job started: the job appears only here.
      run.state.jobs.push({ id: run.spec.job, name: run.spec.job, status: 'queued', steps: [], startedAt: null, completedAt: null });
    }
    const job = jobOf(run);
    for (let index = job.steps.length; index < run.spec.steps.length; index++) {
      job.steps.push({
        name: run.spec.steps[index]!.name,
        number: index + 1,
        status: 'completed',
        conclusion: 'skipped',
        logs: [],
        startedAt: null,
        completedAt: null,
      });
    }
    job.status = statusOf(conclusion);
    job.conclusion = conclusion;
    job.completedAt = now();
    return { event: 'job.completed', data: { runId: run.state.id, jobId: job.id, job: clone(job) } };
  }

  /** Ends the run. Its `run` has no `id`, as the runner's documented sample shows: use `runId`. */
  function runCompleted(run: Run, conclusion: Conclusion): SseEntry {
    run.state.status = statusOf(conclusion);
    run.state.conclusion = conclusion;
    run.state.completedAt = now();
    const { id: _id, ...rest } = clone(run.state);
    return { event: 'run.completed', data: { runId: run.state.id, run: rest } };
  }

  function script(run: Run): (() => SseEntry)[] {
    const actions: (() => SseEntry)[] = [() => jobStarted(run)];
    let conclusion: Conclusion = 'success';
    for (const [index, step] of run.spec.steps.entries()) {
      actions.push(() => stepStarted(run, index));
      for (const line of step.lines) actions.push(() => stepLog(run, index, line));
      const stepConclusion = step.conclusion ?? 'success';
      actions.push(() => stepCompleted(run, jobOf(run).steps[index]!, stepConclusion));
      if (stepConclusion === 'failure') {
        conclusion = 'failure';
        break;
      }
    }
    actions.push(
      () => jobCompleted(run, conclusion),
      () => runCompleted(run, conclusion),
    );
    return actions;
  }

  // ── Playing ──

  function schedule(run: Run, delay: number | 'immediate'): void {
    const generation = run.generation;
    const tick = () => {
      run.timer = undefined;
      if (run.generation !== generation) return;
      // 'immediate' plays the whole rest in this one callback: done within the turn.
      do {
        const action = run.queue.shift();
        if (action) broadcast(action());
      } while (delay === 'immediate' && run.queue.length > 0);
      if (run.queue.length > 0) schedule(run, delay);
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
    const spec = WORKFLOWS[options.workflow];
    const createdAt = now();
    const run: Run = {
      state: {
        id,
        workflow: options.workflow,
        status: 'queued',
        inputs: clone(options.inputs ?? {}),
        sandbox: options.sandbox ? { strategy: options.sandbox.strategy, ...(options.sandbox.ref === undefined ? {} : { ref: options.sandbox.ref }) } : null,
        jobs: [],
        createdAt,
        startedAt: null,
        completedAt: null,
      },
      spec,
      queue: [],
      generation: 0,
      timer: undefined,
      playing: true,
    };
    runs.delete(id);
    runs.set(id, run);
    run.queue = script(run);
    run.state.status = 'in_progress';
    run.state.startedAt = createdAt;
    broadcast({ event: 'run.started', data: { runId: id, run: clone(run.state) } });
    schedule(run, spec.pace === 'immediate' ? 'immediate' : spec.pace * core.settings.eventDelay);
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
    const closing: SseEntry[] = [];
    const running = run.state.jobs[0]?.steps.find((step) => !isTerminal(step.status));
    if (running) closing.push(stepCompleted(run, running, 'cancelled'));
    closing.push(jobCompleted(run, 'cancelled'), runCompleted(run, 'cancelled'));
    run.queue = closing.map((entry) => () => entry);
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
    return create(requested ?? newId(), { workflow, inputs, sandbox }).state.id;
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
    ctx.json(201, run.state);
  }

  function list(ctx: RequestContext): void {
    ctx.json(200, [...runs.values()].reverse().map((run) => run.state));
  }

  function lookup(ctx: RequestContext): Run | undefined {
    const run = runs.get(ctx.params.id!);
    if (!run) ctx.json(404, { error: 'Run not found' });
    return run;
  }

  function retrieve(ctx: RequestContext): void {
    const run = lookup(ctx);
    if (run) ctx.json(200, run.state);
  }

  function cancel(ctx: RequestContext): void {
    const run = lookup(ctx);
    if (!run) return;
    if (isTerminal(run.state.status)) {
      ctx.json(409, { error: `Run ${run.state.id} can no longer be cancelled (status: ${run.state.status})` });
      return;
    }
    cancelRun(run);
    ctx.json(200, run.state);
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
