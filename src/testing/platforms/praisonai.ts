/// <reference types="node" />
/**
 * PraisonAI async jobs (no auth): `POST /api/v1/runs`, `GET /api/v1/runs/:id`,
 * `GET /api/v1/runs/:id/stream`, `GET /api/v1/runs/:id/result`, `POST /api/v1/runs/:id/cancel`.
 *
 * The jobs play PraisonAI's stories (src/platforms/praisonai/stories.ts): the fixed ones as
 * they are, a created one as its form and outcome's story.
 *
 * A job starts on its first use (a stream, status, result or cancel request), not when it is
 * created: what a client sees after `POST /api/v1/runs` does not depend on how fast it asks.
 * From then on it runs on the server whether or not anyone streams it: every `eventDelay` ms it
 * advances one step of its script. A stream replays the steps so far (after `Last-Event-ID`),
 * then follows live; once the job's final event has happened (streamed or not), a stream request
 * gets 400 and only `GET /api/v1/runs/:id` and `/result` tell how it ended. A cancel ends the job
 * before it answers: its final events go to the streams open then, and a stream request after
 * it gets 400.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { SSEFrame } from '../../core/encode.js';
import { cancelledSteps, FIXED_JOBS, FIXED_PROMPT, jobError, jobResult, jobSteps, praisonaiStories, type JobForm as Form, type JobOutcome as Outcome } from '../../platforms/praisonai/stories.js';
import { framesOf, isoNow, resumeIndex, type Core, type RequestContext, type Route } from '../context.js';

type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

interface Step {
  entry: SSEFrame;
  /** The job's status once this step has happened. */
  status?: JobStatus | undefined;
  /** The job's progress, in percent, once this step has happened. */
  progress?: number | undefined;
  /** The step that ends the job: once it has happened, a new stream request gets 400. */
  terminal?: boolean | undefined;
}

interface Job {
  id: string;
  prompt: string;
  form: Form;
  outcome: Outcome;
  createdAt: string;
  steps: Step[];
  /** How many steps have happened. */
  emitted: number;
  status: JobStatus;
  progress: number;
  started: boolean;
  timer: NodeJS.Timeout | undefined;
  waiters: Set<() => void>;
  idempotencyKey: string | undefined;
}

const MAX_JOBS = 1000;
const RETRY_AFTER_SECONDS = 2;
const FIXED_IDS: ReadonlySet<string> = new Set(FIXED_JOBS.map((job) => job.id));

/** What a block of a job's stream does to the job: its status and progress, and whether it ends it. */
function stepOf(entry: SSEFrame): Step {
  const envelope = entry.event === undefined && typeof entry.data === 'object' && entry.data !== null ? (entry.data as { event?: string; data?: Record<string, unknown> }) : undefined;
  const event = envelope?.event ?? entry.event;
  const data = (envelope ? envelope.data : entry.data) as Record<string, unknown> | undefined;
  if (event === 'progress' && typeof data?.percentage === 'number') return { entry, progress: data.percentage };
  if (event === 'status') return { entry, status: data?.status as JobStatus };
  if (event === 'complete') return { entry, status: data?.status as JobStatus, terminal: true };
  if (event === 'result') return { entry, status: 'succeeded', terminal: true };
  if (event === 'error' && !envelope) return { entry, status: 'failed', terminal: true };
  if (event === 'cancelled') return { entry, status: 'cancelled', terminal: true };
  return { entry };
}

/** True once the job's final step (`complete`, `result`, `error`, `cancelled`) has happened. */
function finished(job: Pick<Job, 'steps' | 'emitted'>): boolean {
  return job.steps.slice(0, job.emitted).some((step) => step.terminal === true);
}

function isTerminal(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** The PraisonAI routes of one server. @internal */
export function praisonaiRoutes(core: Core): Route[] {
  const jobs = new Map<string, Job>();
  const byIdempotencyKey = new Map<string, Job>();

  function createJob(id: string, prompt: string, form: Form, outcome: Outcome, idempotencyKey?: string): Job {
    const job: Job = {
      id,
      prompt,
      form,
      outcome,
      createdAt: isoNow(),
      steps: [],
      emitted: 0,
      status: 'queued',
      progress: 0,
      started: false,
      timer: undefined,
      waiters: new Set(),
      idempotencyKey,
    };
    const story = FIXED_IDS.has(id) ? praisonaiStories.find((fixed) => fixed.name === id)?.connection.steps : undefined;
    job.steps = framesOf(story ?? jobSteps(job, isoNow())).map(stepOf);
    jobs.set(id, job);
    if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, job);
    return job;
  }

  for (const { id, form, outcome } of FIXED_JOBS) createJob(id, FIXED_PROMPT, form, outcome);

  /**
   * Starts the job's clock on its first use. Created jobs do not start at once: a client that
   * creates a job and then streams it must see it run, however long it took to ask.
   */
  function start(job: Job): void {
    if (job.started) return;
    job.started = true;
    job.timer = core.timers.later(core.settings.eventDelay, () => advance(job));
  }

  function advance(job: Job): void {
    job.timer = undefined;
    if (!emit(job)) return;
    if (job.emitted < job.steps.length) job.timer = core.timers.later(core.settings.eventDelay, () => advance(job));
  }

  /** The job's next step happens: its state changes and its streams wake. False when none is left. */
  function emit(job: Job): boolean {
    const step = job.steps[job.emitted];
    if (!step) return false;
    job.emitted++;
    if (job.status === 'queued') job.status = 'running';
    if (step.progress !== undefined) job.progress = step.progress;
    if (step.status !== undefined) job.status = step.status;
    for (const wake of [...job.waiters]) wake();
    return true;
  }

  /** Resolves true when the job takes its next step, false when `signal` aborts first. */
  function nextStep(job: Job, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const wake = () => {
        job.waiters.delete(wake);
        signal.removeEventListener('abort', stop);
        resolve(true);
      };
      const stop = () => {
        job.waiters.delete(wake);
        resolve(false);
      };
      job.waiters.add(wake);
      signal.addEventListener('abort', stop, { once: true });
    });
  }

  /** Keeps at most MAX_JOBS: forgets the oldest finished job created by POST. */
  function makeRoom(): boolean {
    if (jobs.size < MAX_JOBS) return true;
    for (const job of jobs.values()) {
      if (!FIXED_IDS.has(job.id) && isTerminal(job.status)) {
        jobs.delete(job.id);
        if (job.idempotencyKey) byIdempotencyKey.delete(job.idempotencyKey);
        return true;
      }
    }
    return false;
  }

  function lookup(ctx: RequestContext): Job | undefined {
    const job = jobs.get(ctx.params.id!);
    if (!job) ctx.json(404, { detail: 'Job not found' });
    else start(job);
    return job;
  }

  function state(job: Job): Record<string, unknown> {
    return {
      job_id: job.id,
      status: job.status,
      progress_percentage: job.progress,
      created_at: job.createdAt,
      retry_after: isTerminal(job.status) ? null : RETRY_AFTER_SECONDS,
    };
  }

  function submit(ctx: RequestContext): void {
    const body = ctx.body as { prompt?: unknown } | undefined;
    const prompt = body && typeof body === 'object' ? body.prompt : undefined;
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      ctx.json(400, { detail: 'prompt is required' });
      return;
    }
    const key = ctx.header('idempotency-key');
    let job = key ? byIdempotencyKey.get(key) : undefined;
    if (!job) {
      if (!makeRoom()) {
        ctx.json(503, { detail: 'Too many jobs' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
        return;
      }
      const form: Form = /\bnamed\b/i.test(prompt) ? 'named' : 'documented';
      const outcome: Outcome = /\bfail/i.test(prompt) ? 'failed' : /\bcancel/i.test(prompt) ? 'cancelled' : 'succeeded';
      job = createJob(`run_${randomBytes(6).toString('hex')}`, prompt, form, outcome, key);
    }
    const path = `/api/v1/runs/${job.id}`;
    ctx.json(
      202,
      { job_id: job.id, status: job.status, created_at: job.createdAt, poll_url: path, stream_url: `${path}/stream` },
      { location: path, 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }

  function retrieve(ctx: RequestContext): void {
    const job = lookup(ctx);
    if (job) ctx.json(200, state(job));
  }

  function result(ctx: RequestContext): void {
    const job = lookup(ctx);
    if (!job) return;
    if (!isTerminal(job.status)) {
      ctx.json(409, { detail: `Job not completed yet (status: ${job.status})` }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
      return;
    }
    const body: Record<string, unknown> = {
      job_id: job.id,
      status: job.status,
      result: job.status === 'succeeded' ? jobResult(job.prompt) : null,
    };
    if (job.status === 'failed') body.error = jobError(job.prompt);
    ctx.json(200, body);
  }

  function cancel(ctx: RequestContext): void {
    const job = lookup(ctx);
    if (!job) return;
    if (isTerminal(job.status)) {
      ctx.json(409, { detail: `Job already ${job.status}` });
      return;
    }
    const done = job.steps.slice(0, job.emitted);
    const previousIds = done.filter((step) => step.entry.id !== undefined).length;
    job.steps = [...done, ...framesOf(cancelledSteps(job.id, job.form, previousIds)).map(stepOf)];
    // The job ends before the answer, not at its next step: a client that streams it after
    // cancel() resolves gets 400 (and settles it by its status) in every interleaving, and the
    // streams open now get the final events at once.
    core.timers.cancel(job.timer);
    job.timer = undefined;
    while (emit(job));
    ctx.json(200, state(job));
  }

  async function stream(ctx: RequestContext): Promise<void> {
    const job = lookup(ctx);
    if (!job) return;
    // The server streams only a job still running: once its final event has happened, whether
    // or not a stream wrote it, there is nothing to stream (the status and /result tell the end).
    if (finished(job)) {
      ctx.json(400, { detail: 'Job already completed (no stream available)' });
      return;
    }
    let index = resumeIndex(
      job.steps.map((step) => step.entry),
      ctx.header('last-event-id'),
    );
    const channel =
      job.form === 'named'
        ? ctx.sse({ eol: '\r\n', idFirst: true, contentType: 'text/event-stream; charset=utf-8' })
        : ctx.sse();
    if (job.form === 'named') {
      core.timers.every(core.settings.keepaliveInterval, channel.signal, () => channel.send({ comment: `ping - ${isoNow()}` }));
    }
    for (;;) {
      while (index < job.emitted) {
        const step = job.steps[index++]!;
        if (!channel.send(step.entry)) return;
      }
      if (index >= job.steps.length) {
        channel.end();
        return;
      }
      if (!(await nextStep(job, channel.signal))) return;
    }
  }

  return [
    { method: 'POST', pattern: '/api/v1/runs', handler: submit },
    { method: 'GET', pattern: '/api/v1/runs/:id', handler: retrieve },
    { method: 'GET', pattern: '/api/v1/runs/:id/stream', handler: stream },
    { method: 'GET', pattern: '/api/v1/runs/:id/result', handler: result },
    { method: 'POST', pattern: '/api/v1/runs/:id/cancel', handler: cancel },
  ];
}
