/**
 * PraisonAI's stories: the async jobs the reference server plays on
 * `GET /api/v1/runs/:id/stream` and `platformScripts()` scripts, as data, in both wire forms:
 *
 * - `documented` (the "Stream Run API" page): unnamed `data: {"event", "data"}` envelopes, LF,
 *   no ids, a `complete`, then `data: [DONE]`.
 * - `named` (the real server, sse-starlette): named events, CRLF, `id:` first, ids `1`, `2`, …,
 *   a `heartbeat` keepalive and a `: ping - <time>` comment, no `[DONE]`.
 *
 * {@link jobSteps} builds a job's steps from its id, prompt, form and outcome: the fixed jobs
 * below, and the jobs the server creates on `POST /api/v1/runs`. Web APIs only.
 *
 * @module
 */
import type { ScriptConnection, ScriptStep } from '../../testing/kit/script.js';
import type { Story } from '../../testing/kit/story.js';

/** A job's wire form; see the module comment. */
export type JobForm = 'documented' | 'named';
/** How a job ends. */
export type JobOutcome = 'succeeded' | 'failed' | 'cancelled';

/** The prompt of the fixed jobs. */
export const FIXED_PROMPT = 'Analyze quarterly sales data';
/** The time in the `: ping - <time>` comment of the fixed jobs. */
const PING_AT = '2024-01-15T10:30:05Z';

const PROGRESS: readonly (readonly [number, string])[] = [
  [0, 'Initializing'],
  [25, 'Analyzing input'],
  [50, 'Processing data'],
  [75, 'Generating response'],
  [100, 'Complete'],
];

/** A succeeded job's result text. */
export function jobResult(prompt: string): string {
  return `Analysis complete for “${prompt}” (${prompt.length} characters).`;
}

/** A failed job's error text. */
export function jobError(prompt: string): string {
  return `Agent execution failed while processing “${prompt.slice(0, 40)}”: LLM provider returned 503`;
}

/** The wire form of a job's stream. */
export function jobConnection(form: JobForm): Omit<ScriptConnection, 'steps'> {
  return form === 'named' ? { eol: '\r\n', idFirst: true, resume: true, headers: { 'content-type': 'text/event-stream; charset=utf-8' } } : {};
}

const envelope = (event: string, data: Record<string, unknown>): ScriptStep => ({ data: { event, data } });

/** The steps that end a cancelled job; `lastId`: the named form's last id before them. */
export function cancelledSteps(jobId: string, form: JobForm, lastId = 0): ScriptStep[] {
  if (form === 'documented') return [envelope('complete', { status: 'cancelled', job_id: jobId }), { data: '[DONE]' }];
  return [{ event: 'cancelled', id: String(lastId + 1), data: { job_id: jobId } }];
}

/** Gives the named form's events ids `1`, `2`, … (keepalives and comments get none). */
function numbered(steps: readonly ScriptStep[]): ScriptStep[] {
  let count = 0;
  return steps.map((step) => ('data' in step && step.data !== undefined && !('event' in step && step.event === 'heartbeat') ? { ...step, id: String(++count) } : step));
}

/**
 * A job's stream from start to end.
 *
 * @param job - its id, prompt, form and outcome.
 * @param pingAt - the time in the named form's `: ping - <time>` comment.
 */
export function jobSteps(job: { id: string; prompt: string; form: JobForm; outcome: JobOutcome }, pingAt = PING_AT): ScriptStep[] {
  if (job.form === 'documented') {
    const progress = ([percentage, current_step]: readonly [number, string]) => envelope('progress', { percentage, current_step });
    const complete = (status: JobOutcome, extra: Record<string, unknown> = {}): ScriptStep[] => [envelope('complete', { status, job_id: job.id, ...extra }), { data: '[DONE]' }];
    const steps: ScriptStep[] = [progress(PROGRESS[0]!), envelope('log', { message: 'Agent started processing' }), progress(PROGRESS[1]!)];
    if (job.outcome === 'cancelled') return [...steps, ...cancelledSteps(job.id, 'documented')];
    steps.push(progress(PROGRESS[2]!), envelope('log', { message: 'Data analysis complete — 3 findings' }));
    if (job.outcome === 'failed') return [...steps, ...complete('failed', { error: jobError(job.prompt) })];
    return [...steps, progress(PROGRESS[3]!), progress(PROGRESS[4]!), ...complete('succeeded')];
  }
  const progress = ([percentage, step]: readonly [number, string]): ScriptStep => ({ event: 'progress', data: { percentage, step } });
  const steps: ScriptStep[] = [
    { event: 'status', data: { job_id: job.id, status: 'running' } },
    progress(PROGRESS[0]!),
    progress(PROGRESS[1]!),
    { event: 'heartbeat', data: {} },
    { comment: `ping - ${pingAt}` },
  ];
  if (job.outcome === 'cancelled') return [...numbered(steps), ...cancelledSteps(job.id, 'named', 3)];
  steps.push(progress(PROGRESS[2]!));
  if (job.outcome === 'failed') steps.push({ event: 'error', data: { job_id: job.id, error: jobError(job.prompt) } });
  else steps.push(progress(PROGRESS[3]!), progress(PROGRESS[4]!), { event: 'result', data: { job_id: job.id, status: 'succeeded', result: jobResult(job.prompt) } });
  return numbered(steps);
}

/**
 * PraisonAI's fixed jobs, by id: `run_abc123` (documented form, succeeds), `run_named`,
 * `run_named_error`, `run_named_cancelled` (named form), all with the prompt {@link FIXED_PROMPT}.
 */
export const FIXED_JOBS: readonly { readonly id: string; readonly form: JobForm; readonly outcome: JobOutcome; readonly settles: Story['outcome'] }[] = [
  { id: 'run_abc123', form: 'documented', outcome: 'succeeded', settles: 'completed' },
  { id: 'run_named', form: 'named', outcome: 'succeeded', settles: 'completed' },
  { id: 'run_named_error', form: 'named', outcome: 'failed', settles: 'failed' },
  { id: 'run_named_cancelled', form: 'named', outcome: 'cancelled', settles: 'cancelled' },
];

/** The stories of the {@link FIXED_JOBS}: each job's whole stream. */
export const praisonaiStories: readonly Story[] = FIXED_JOBS.map(({ id, form, outcome, settles }) => ({
  name: id,
  route: `GET /api/v1/runs/${id}/stream`,
  outcome: settles,
  connection: { ...jobConnection(form), steps: jobSteps({ id, prompt: FIXED_PROMPT, form, outcome }) },
}));
