/**
 * The stax runner's stories: the runs of its four workflows, as the reference server plays them
 * on the bus (`GET /api/events`) and `platformScripts()` scripts them. {@link StaxRunScript}
 * is one run: each step mutates the run object (what `GET /api/runs/:id` returns) and gives the
 * event to broadcast; the server plays it live (and cancels it), the stories play it to the end
 * with a fixed id and clock. Web APIs only.
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';
import type { ScriptStep } from '../../testing/kit/script.js';
import type { Story } from '../../testing/kit/story.js';

/** The workflows the runner knows. */
export type StaxWorkflow = 'build' | 'failing' | 'quick' | 'slow';
/** How `sandbox.strategy` may be set. */
export type StaxSandboxStrategy = 'worktree' | 'copy' | 'none';

/** A run request: the workflow, and what the run object stores. */
export interface StaxRunRequest {
  workflow: StaxWorkflow;
  inputs?: Record<string, unknown> | undefined;
  sandbox?: { strategy: StaxSandboxStrategy; ref?: string | undefined } | undefined;
}

type Status = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

interface StepSpec {
  name: string;
  lines: readonly string[];
  /** @defaultValue 'success' */
  conclusion?: 'success' | 'failure' | undefined;
}

/** A workflow: its job, its steps and its pace. */
export interface WorkflowSpec {
  readonly job: string;
  readonly steps: readonly StepSpec[];
  /** Wait before each event after `run.started`: a multiple of the server's `eventDelay`, or `'immediate'`. */
  readonly pace: number | 'immediate';
}

/** The scripted workflows, small and deterministic. */
export const WORKFLOWS: Readonly<Record<StaxWorkflow, WorkflowSpec>> = {
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

/** The workflow names, in order. */
export const WORKFLOW_NAMES = Object.keys(WORKFLOWS) as StaxWorkflow[];

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

/** The run object, as `GET /api/runs/:id` returns it. */
export interface StaxRunState {
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

const clone = <T>(value: T): T => structuredClone(value);

function isTerminal(status: Status): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** Status of a finished run, job or step from its conclusion. */
function statusOf(conclusion: Conclusion): Status {
  return conclusion === 'failure' ? 'failed' : conclusion === 'cancelled' ? 'cancelled' : 'completed';
}

/**
 * One run of a workflow: `run.started` at construction, then {@link StaxRunScript.next} gives
 * each following event (`job.started`, per step `step.started`, `step.log` per line,
 * `step.completed`; `job.completed`, `run.completed`), mutating {@link StaxRunScript.state}
 * as the runner does. A failed step ends the job: the steps after it are skipped.
 */
export class StaxRunScript {
  /** The run object, as it is now. */
  readonly state: StaxRunState;
  /** The workflow played. */
  readonly spec: WorkflowSpec;
  /** The run's first event, `run.started` (`{runId, run}`, `jobs: []`). */
  readonly started: SSEFrame;
  readonly #now: () => string;
  #queue: (() => SSEFrame)[];

  /**
   * @param id - the run id.
   * @param request - the workflow, inputs and sandbox.
   * @param now - the clock of the run object's times (ISO 8601 with milliseconds).
   */
  constructor(id: string, request: StaxRunRequest, now: () => string) {
    this.#now = now;
    this.spec = WORKFLOWS[request.workflow];
    const createdAt = now();
    const sandbox = request.sandbox;
    this.state = {
      id,
      workflow: request.workflow,
      status: 'in_progress',
      inputs: clone(request.inputs ?? {}),
      sandbox: sandbox ? { strategy: sandbox.strategy, ...(sandbox.ref === undefined ? {} : { ref: sandbox.ref }) } : null,
      jobs: [],
      createdAt,
      startedAt: createdAt,
      completedAt: null,
    };
    this.started = { event: 'run.started', data: { runId: id, run: clone(this.state) } };
    this.#queue = this.#script();
  }

  /** True while events are left. */
  get playing(): boolean {
    return this.#queue.length > 0;
  }

  /** The next event, its change made to the run object; `undefined` once the run has ended. */
  next(): SSEFrame | undefined {
    return this.#queue.shift()?.();
  }

  /**
   * Cancels the run at once: the running step ends `cancelled`, the steps not started are
   * skipped, the job and the run end `cancelled`. Returns the closing events (`step.completed`
   * for a running step, `job.completed`, `run.completed`); {@link StaxRunScript.next} then gives them.
   */
  cancel(): SSEFrame[] {
    const closing: SSEFrame[] = [];
    const running = this.state.jobs[0]?.steps.find((step) => !isTerminal(step.status));
    if (running) closing.push(this.#stepCompleted(running, 'cancelled'));
    closing.push(this.#jobCompleted('cancelled'), this.#runCompleted('cancelled'));
    this.#queue = closing.map((frame) => () => frame);
    return closing;
  }

  #job(): JobState {
    return this.state.jobs[0]!;
  }

  #script(): (() => SSEFrame)[] {
    const actions: (() => SSEFrame)[] = [() => this.#jobStarted()];
    let conclusion: Conclusion = 'success';
    for (const [index, step] of this.spec.steps.entries()) {
      actions.push(() => this.#stepStarted(index));
      for (const line of step.lines) actions.push(() => this.#stepLog(index, line));
      const stepConclusion = step.conclusion ?? 'success';
      actions.push(() => this.#stepCompleted(this.#job().steps[index]!, stepConclusion));
      if (stepConclusion === 'failure') {
        conclusion = 'failure';
        break;
      }
    }
    actions.push(
      () => this.#jobCompleted(conclusion),
      () => this.#runCompleted(conclusion),
    );
    return actions;
  }

  #jobStarted(): SSEFrame {
    const job: JobState = { id: this.spec.job, name: this.spec.job, status: 'in_progress', steps: [], startedAt: this.#now(), completedAt: null };
    this.state.jobs.push(job);
    return { event: 'job.started', data: { runId: this.state.id, jobId: job.id, job: clone(job) } };
  }

  #stepStarted(index: number): SSEFrame {
    const job = this.#job();
    const step: StepState = { name: this.spec.steps[index]!.name, number: index + 1, status: 'in_progress', logs: [], startedAt: this.#now(), completedAt: null };
    job.steps.push(step);
    return { event: 'step.started', data: { runId: this.state.id, jobId: job.id, stepNumber: step.number, step: clone(step) } };
  }

  #stepLog(index: number, line: string): SSEFrame {
    const job = this.#job();
    const step = job.steps[index]!;
    step.logs.push(line);
    return { event: 'step.log', data: { runId: this.state.id, jobId: job.id, stepNumber: step.number, line } };
  }

  #stepCompleted(step: StepState, conclusion: Conclusion): SSEFrame {
    step.status = statusOf(conclusion);
    step.conclusion = conclusion;
    step.completedAt = this.#now();
    return { event: 'step.completed', data: { runId: this.state.id, jobId: this.#job().id, stepNumber: step.number, step: clone(step) } };
  }

  /** Ends the job: the steps that never started join it as skipped (no events of their own). */
  #jobCompleted(conclusion: Conclusion): SSEFrame {
    if (this.state.jobs.length === 0) {
      // Cancelled before its job started: the job appears only here.
      this.state.jobs.push({ id: this.spec.job, name: this.spec.job, status: 'queued', steps: [], startedAt: null, completedAt: null });
    }
    const job = this.#job();
    for (let index = job.steps.length; index < this.spec.steps.length; index++) {
      job.steps.push({ name: this.spec.steps[index]!.name, number: index + 1, status: 'completed', conclusion: 'skipped', logs: [], startedAt: null, completedAt: null });
    }
    job.status = statusOf(conclusion);
    job.conclusion = conclusion;
    job.completedAt = this.#now();
    return { event: 'job.completed', data: { runId: this.state.id, jobId: job.id, job: clone(job) } };
  }

  /** Ends the run. Its `run` has no `id`, as the runner's documented sample shows: use `runId`. */
  #runCompleted(conclusion: Conclusion): SSEFrame {
    this.state.status = statusOf(conclusion);
    this.state.conclusion = conclusion;
    this.state.completedAt = this.#now();
    const { id: _id, ...rest } = clone(this.state);
    return { event: 'run.completed', data: { runId: this.state.id, run: rest } };
  }
}

/** The run id of the stories. */
export const STORY_RUN_ID = 'a1b2c3d4';
/** The time of every run object time in the stories. */
export const STORY_TIME = '2024-01-15T10:30:00.000Z';

/** The bus as one subscriber sees one run: `ping` on connect, the run's events, then open until the client leaves. */
function story(workflow: StaxWorkflow): Story {
  const run = new StaxRunScript(STORY_RUN_ID, { workflow }, () => STORY_TIME);
  const events: ScriptStep[] = [{ event: 'ping', data: {} }, run.started];
  for (let event = run.next(); event; event = run.next()) events.push(event);
  const status = run.state.status;
  return {
    name: workflow,
    route: 'GET /api/events',
    outcome: status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : 'completed',
    connection: { steps: [...events, { wait: Infinity }] },
  };
}

/** The stax runner's runs, by workflow: `build`, `failing`, `quick`, `slow`, each run `a1b2c3d4` on the bus. */
export const staxStories: readonly Story[] = WORKFLOW_NAMES.map(story);

/** The run object of a story's run when it starts (what `POST /api/runs` answers). */
export function storyRunStarted(workflow: StaxWorkflow): StaxRunState {
  return new StaxRunScript(STORY_RUN_ID, { workflow }, () => STORY_TIME).state;
}
