/**
 * The A2A task, folded from its stream's events: a pure reducer for `for await` loops and for
 * `useEventStream`'s `reduce`/`initial` (runstream/react).
 *
 * @module
 */
import type { EventOf } from '../../core/types.js';
import type { A2AArtifact, A2AEventMap, A2AMessage, A2APart, A2ATask, A2ATaskStatus } from './definition.js';

/** What {@link accumulateA2ATask} has folded so far. Treat it as read-only: each event makes a new one. */
export interface A2ATaskAccumulator {
  /**
   * The task as the events describe it: the first `task` (or a `resync`'s snapshot), its
   * `status` replaced by each `statusUpdate`, its `artifacts` grown by each `artifactUpdate`.
   * `undefined` until a `task` or a `statusUpdate` arrives.
   */
  readonly task: A2ATask | undefined;
  /** The status messages of the agent, in order (each `statusUpdate`'s `status.message`; a `resync` keeps the snapshot's). */
  readonly statusMessages: readonly A2AMessage[];
  /** The `artifactId`s whose `lastChunk` arrived, in order (an array, so the state survives `persist`'s JSON). */
  readonly complete: readonly string[];
  /** The agent's answer when it answered with a `message` and no task. */
  readonly message: A2AMessage | undefined;
  /** How many events were folded; a `resync` counts too. */
  readonly events: number;
  /** How many times a `resync` snapshot replaced the state (the updates of each gap were not seen). */
  readonly resyncs: number;
}

/** The accumulator before any event: pass it as `initial`. */
export const initialA2ATask: A2ATaskAccumulator = /* @__PURE__ */ Object.freeze({
  task: undefined,
  statusMessages: /* @__PURE__ */ Object.freeze([]) as readonly A2AMessage[],
  complete: /* @__PURE__ */ Object.freeze([]) as readonly string[],
  message: undefined,
  events: 0,
  resyncs: 0,
});

/** The task after `artifact` arrived: appended to the one of the same id (`append`), else replacing it (A2A v1.0, `TaskArtifactUpdateEvent`). */
function withArtifact(artifacts: readonly A2AArtifact[], artifact: A2AArtifact, append: boolean): A2AArtifact[] {
  const index = artifacts.findIndex((item) => item.artifactId === artifact.artifactId);
  const next = artifacts.slice();
  if (index < 0) next.push(artifact);
  else if (!append) next[index] = artifact;
  else {
    const old = artifacts[index]!;
    // The parts array is copied (references, never the text): a long stream of chunks costs one
    // array copy each, and artifactText joins the text once, when read.
    next[index] = { ...old, ...artifact, name: artifact.name ?? old.name, parts: old.parts.concat(artifact.parts ?? []) };
  }
  return next;
}

/**
 * Folds one A2A event into the task (A2A v1.0: `task`, `statusUpdate`, `artifactUpdate`,
 * `message`; runstream's `resync`). Pure: returns a new accumulator, never changes `state`.
 * - `task` and `resync` replace the task (a `resync` is the whole task after a gap: what the
 *   stream missed is in it), and the status messages with the snapshot's own.
 * - `statusUpdate` replaces `task.status` and records its message.
 * - `artifactUpdate` adds the artifact, appends its parts to the one of the same `artifactId`
 *   (`append: true`) or replaces it, and marks it complete on `lastChunk`.
 * - `message` is the agent's answer without a task. `error` changes nothing.
 *
 * @example
 * ```ts
 * import { A2A, accumulateA2ATask, artifactText, initialA2ATask } from 'runstream';
 *
 * const agent = new A2A({ baseUrl: 'http://localhost:41241' });
 * let state = initialA2ATask;
 * for await (const event of agent.tasks.stream('Write a haiku')) state = accumulateA2ATask(state, event);
 * console.log(state.task?.status.state, state.task?.artifacts?.map(artifactText));
 * ```
 */
export function accumulateA2ATask(state: A2ATaskAccumulator, event: EventOf<A2AEventMap>): A2ATaskAccumulator {
  const events = state.events + 1;
  switch (event.type) {
    case 'task':
    case 'resync': {
      const task = event.type === 'task' ? event.data : event.data.task;
      const message = task.status?.message;
      return {
        ...state,
        task,
        statusMessages: message ? [message] : [],
        complete: [],
        events,
        resyncs: state.resyncs + (event.type === 'resync' ? 1 : 0),
      };
    }
    case 'statusUpdate': {
      const { taskId, contextId, status } = event.data;
      const task: A2ATask = state.task ? { ...state.task, status } : { id: taskId, contextId, status };
      return { ...state, task, statusMessages: status.message ? [...state.statusMessages, status.message] : state.statusMessages, events };
    }
    case 'artifactUpdate': {
      const { taskId, contextId, artifact, append, lastChunk } = event.data;
      const base: A2ATask = state.task ?? { id: taskId, contextId, status: { state: 'TASK_STATE_WORKING' } satisfies A2ATaskStatus };
      const task = { ...base, artifacts: withArtifact(base.artifacts ?? [], artifact, !!append) };
      const complete = lastChunk && !state.complete.includes(artifact.artifactId) ? [...state.complete, artifact.artifactId] : state.complete;
      return { ...state, task, complete, events };
    }
    case 'message':
      return { ...state, message: event.data, events };
    default:
      return { ...state, events };
  }
}

/** The text of an artifact's (or a message's) text parts, joined without a separator (chunks of one text). */
export function artifactText(artifact: { parts: readonly A2APart[] } | undefined): string {
  return (artifact?.parts ?? []).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
}
