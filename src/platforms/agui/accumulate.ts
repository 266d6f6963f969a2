/**
 * Folds an AG-UI run's events into what a UI shows: the messages (text, tool calls, tool results,
 * reasoning, activities), the tool calls with their parsed arguments, the agent state (snapshots
 * and JSON Patch deltas), and how the run ended. A pure reducer with an initial value: use it in
 * a `for await` loop or as `useEventStream`'s `reduce`/`initial` in `runstream/react`.
 *
 * @module
 */
import type { EventOf } from '../../core/types.js';
import type { AGUIContentPart, AGUIEventMap, AGUIInterrupt, AGUIMessage, AGUIToolCall } from './definition.js';
import { applyJSONPatch } from './json-patch.js';

/** A tool call as the run streamed it: its argument text, parsed once complete, and its result. */
export interface AGUIToolCallState {
  /** `toolCallId`. */
  id: string;
  /** `toolCallName`. */
  name: string;
  /** The assistant message that holds it, when the agent said. */
  parentMessageId?: string | undefined;
  /** The argument text so far (the `TOOL_CALL_ARGS` deltas, in order): kept as sent. */
  arguments: string;
  /** `'streaming'` until `TOOL_CALL_END` (or the end of its chunks), then `'done'`. */
  status: 'streaming' | 'done';
  /**
   * The arguments parsed as JSON once the call is done; `undefined` while streaming, when the
   * text is empty, or when it is not JSON (then {@link AGUIToolCallState.argsError} says why and
   * `arguments` keeps the text).
   */
  args?: unknown;
  /** Why `arguments` did not parse as JSON at the end (the parser's message). */
  argsError?: string | undefined;
  /** The tool's result (`TOOL_CALL_RESULT.content`), once it came. */
  result?: string | AGUIContentPart[] | undefined;
}

/**
 * An AG-UI run as its events built it. A plain JSON value (it survives `JSON.stringify`, as
 * `useEventStream`'s `persist` needs); each event returns a new object when it changed
 * something, and the same object otherwise.
 */
export interface AGUIRunState {
  /** From `RUN_STARTED`. */
  threadId?: string | undefined;
  /** From `RUN_STARTED`. */
  runId?: string | undefined;
  /**
   * `'idle'` before `RUN_STARTED`, `'running'` after it, then as the terminal event says:
   * `'completed'`, `'interrupted'`, `'cancelled'` (`RUN_FINISHED`'s outcome), `'failed'` (`RUN_ERROR`).
   */
  status: 'idle' | 'running' | 'completed' | 'interrupted' | 'cancelled' | 'failed';
  /**
   * The conversation in `@ag-ui/core`'s `Message` shape, ready to send back as the next run's
   * `messages`: text messages, assistant messages with their `toolCalls` (`function.arguments`
   * as streamed), `tool` messages from `TOOL_CALL_RESULT`, `reasoning` and `activity`
   * messages. `MESSAGES_SNAPSHOT` replaces it.
   */
  messages: AGUIMessage[];
  /** Every tool call of the run, in the order they started. */
  toolCalls: AGUIToolCallState[];
  /** The agent state: the last `STATE_SNAPSHOT` with the `STATE_DELTA`s after it applied; `undefined` before any. */
  state?: unknown;
  /** `RUN_FINISHED.result`. */
  result?: unknown;
  /** For `'interrupted'`: what the run waits for (answer each in a new run's `resume`). */
  interrupts: AGUIInterrupt[];
  /** For `'failed'`: `RUN_ERROR`'s `message` and `code`. */
  error?: { message: string; code?: string | undefined } | undefined;
  /** The ids a `*_CHUNK` event without an id continues; `{}` when none is open. */
  open: { text?: string | undefined; toolCall?: string | undefined; reasoning?: string | undefined };
}

/** The state before any event: `reduceAGUIRun`'s starting value (and `useEventStream`'s `initial`). */
export const initialAGUIRun: AGUIRunState = /* @__PURE__ */ Object.freeze({ status: 'idle', messages: [], toolCalls: [], interrupts: [], open: {} }) as AGUIRunState;

/** The index of the last item that matches, or -1 (`findLastIndex` is ES2023). */
function lastIndex<T>(items: readonly T[], match: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return i;
  return -1;
}

/** `messages` with the message `id` replaced by `update(message)`, or `added` appended when none has that id. */
function withMessage(messages: AGUIMessage[], id: string, update: (message: AGUIMessage) => AGUIMessage, added: () => AGUIMessage): AGUIMessage[] {
  const index = lastIndex(messages, (message) => message.id === id);
  if (index < 0) return [...messages, added()];
  const out = messages.slice();
  out[index] = update(messages[index]!);
  return out;
}

/** Appends `delta` to the text content of message `id` (made with `role` when absent). */
function appendText(messages: AGUIMessage[], id: string, delta: string, role: 'assistant' | 'reasoning' | 'developer' | 'system' | 'user'): AGUIMessage[] {
  return withMessage(
    messages,
    id,
    // Strings are appended, not joined from a copied array: engines build `a + b` as a rope in
    // O(1) and flatten it once when read, so a long message costs no O(n²) copying.
    (message) => ({ ...message, content: (typeof message.content === 'string' ? message.content : '') + delta }) as AGUIMessage,
    () => ({ id, role, content: delta }) as AGUIMessage,
  );
}

/** `toolCalls` with call `id` replaced by `update(call)`; unchanged when there is none. */
function withToolCall(calls: AGUIToolCallState[], id: string, update: (call: AGUIToolCallState) => AGUIToolCallState): AGUIToolCallState[] {
  const index = lastIndex(calls, (call) => call.id === id);
  if (index < 0) return calls;
  const out = calls.slice();
  out[index] = update(calls[index]!);
  return out;
}

/** The assistant message's tool call `id`, updated; the messages unchanged when none holds it. */
function withMessageToolCall(messages: AGUIMessage[], id: string, update: (call: AGUIToolCall) => AGUIToolCall): AGUIMessage[] {
  const index = lastIndex(messages, (message) => message.role === 'assistant' && !!message.toolCalls?.some((call) => call.id === id));
  if (index < 0) return messages;
  const message = messages[index] as Extract<AGUIMessage, { role: 'assistant' }>;
  const out = messages.slice();
  out[index] = { ...message, toolCalls: message.toolCalls!.map((call) => (call.id === id ? update(call) : call)) };
  return out;
}

/** A started tool call: in `toolCalls`, and in its parent assistant message (a new one when there is none). */
function startToolCall(state: AGUIRunState, id: string, name: string, parentMessageId: string | undefined): AGUIRunState {
  const call: AGUIToolCall = { id, type: 'function', function: { name, arguments: '' } };
  const messageId = parentMessageId ?? id;
  const messages = withMessage(
    state.messages,
    messageId,
    (message) => (message.role === 'assistant' ? { ...message, toolCalls: [...(message.toolCalls ?? []), call] } : message),
    () => ({ id: messageId, role: 'assistant', toolCalls: [call] }),
  );
  return { ...state, messages, toolCalls: [...state.toolCalls, { id, name, parentMessageId, arguments: '', status: 'streaming' }] };
}

/** Appends argument text to tool call `id`, in both places. */
function appendArgs(state: AGUIRunState, id: string, delta: string): AGUIRunState {
  if (!delta) return state;
  return {
    ...state,
    toolCalls: withToolCall(state.toolCalls, id, (call) => ({ ...call, arguments: call.arguments + delta })),
    messages: withMessageToolCall(state.messages, id, (call) => ({ ...call, function: { ...call.function, arguments: call.function.arguments + delta } })),
  };
}

/** Ends tool call `id`: its argument text parsed as JSON (kept as text, with `argsError`, when it is not JSON). */
function endToolCall(state: AGUIRunState, id: string): AGUIRunState {
  return {
    ...state,
    toolCalls: withToolCall(state.toolCalls, id, (call) => {
      if (call.status === 'done') return call;
      if (!call.arguments.trim()) return { ...call, status: 'done' };
      try {
        return { ...call, status: 'done', args: JSON.parse(call.arguments) as unknown };
      } catch (error) {
        return { ...call, status: 'done', argsError: (error as Error).message };
      }
    }),
  };
}

/** Closes the chunk-built message or tool call an event of another kind ends (events.mdx: chunks stand for start/content/end). */
function closeChunks(state: AGUIRunState, type: string): AGUIRunState {
  const { text, toolCall, reasoning } = state.open;
  const keepText = type === 'TEXT_MESSAGE_CHUNK' && text !== undefined;
  const keepTool = type === 'TOOL_CALL_CHUNK' && toolCall !== undefined;
  const keepReasoning = type === 'REASONING_MESSAGE_CHUNK' && reasoning !== undefined;
  if ((text === undefined || keepText) && (toolCall === undefined || keepTool) && (reasoning === undefined || keepReasoning)) return state;
  const next = toolCall !== undefined && !keepTool ? endToolCall(state, toolCall) : state;
  return { ...next, open: { text: keepText ? text : undefined, toolCall: keepTool ? toolCall : undefined, reasoning: keepReasoning ? reasoning : undefined } };
}

/** The id a chunk names, or the open one it continues. */
function chunkId(type: string, given: string | undefined, open: string | undefined, key: string): string {
  const id = given ?? open;
  if (id === undefined) throw new TypeError(`runstream: AG-UI ${type} without ${key} and no open ${type} to continue (the first chunk must carry ${key})`);
  return id;
}

/**
 * Folds one AG-UI event into the run's state (see {@link AGUIRunState}); pure: `state` is never
 * changed, the result shares what did not change.
 *
 * - `TEXT_MESSAGE_START/CONTENT/END` and `TEXT_MESSAGE_CHUNK` build text messages by `messageId`
 *   (content for an unknown id starts the message: nothing is dropped);
 * - `TOOL_CALL_START/ARGS/END` and `TOOL_CALL_CHUNK` build tool calls by `toolCallId`; at the end
 *   the argument text is parsed (`args`), or kept with `argsError` when it is not JSON;
 *   `TOOL_CALL_RESULT` sets the call's `result` and adds a `tool` message;
 * - `STATE_SNAPSHOT` sets `state`, `STATE_DELTA` applies its JSON Patch (RFC 6902) to it;
 * - `MESSAGES_SNAPSHOT` replaces `messages`; `ACTIVITY_SNAPSHOT`/`ACTIVITY_DELTA` set or patch an
 *   `activity` message; `REASONING_MESSAGE_*` build `reasoning` messages;
 * - `RUN_STARTED`, `RUN_FINISHED`, `RUN_ERROR` set the ids, `status`, `result`, `interrupts`, `error`.
 *
 * @example
 * ```ts
 * import { AGUI, initialAGUIRun, reduceAGUIRun } from 'runstream';
 *
 * const agent = new AGUI({ baseUrl: 'http://localhost:8000/agent' });
 * let run = initialAGUIRun;
 * for await (const event of agent.runs.start({ threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'Hi' }] })) {
 *   run = reduceAGUIRun(run, event);
 * }
 * console.log(run.status, run.messages, run.state);
 * ```
 *
 * @param state - the state so far ({@link initialAGUIRun} at first).
 * @param event - the next event of the run's stream.
 * @returns the new state (the same object when the event changed nothing).
 * @throws JSONPatchError when a `STATE_DELTA` or `ACTIVITY_DELTA` cannot be applied (a failing
 *   `test`, a path that names nothing): the agent's state and yours disagree; nothing of the
 *   patch is applied.
 * @throws TypeError when a `*_CHUNK` event names no id and none is open to continue.
 */
export function reduceAGUIRun(state: AGUIRunState, event: EventOf<AGUIEventMap>): AGUIRunState {
  const current = closeChunks(state, event.type);
  switch (event.type) {
    case 'RUN_STARTED':
      return { ...current, threadId: event.data.threadId, runId: event.data.runId, status: 'running' };
    case 'RUN_FINISHED': {
      const outcome = event.data.outcome;
      const status = outcome?.type === 'interrupt' ? 'interrupted' : outcome?.type === 'cancelled' ? 'cancelled' : 'completed';
      return { ...current, status, result: event.data.result, interrupts: outcome?.type === 'interrupt' ? outcome.interrupts : [] };
    }
    case 'RUN_ERROR':
      return { ...current, status: 'failed', error: { message: event.data.message, code: event.data.code } };
    case 'TEXT_MESSAGE_START': {
      const { messageId: id, role = 'assistant', name } = event.data;
      return { ...current, messages: withMessage(current.messages, id, (message) => message, () => ({ id, role, content: '', ...(name !== undefined && { name }) }) as AGUIMessage) };
    }
    case 'TEXT_MESSAGE_CONTENT':
      return { ...current, messages: appendText(current.messages, event.data.messageId, event.data.delta, 'assistant') };
    case 'TEXT_MESSAGE_CHUNK': {
      const id = chunkId(event.type, event.data.messageId, current.open.text, 'messageId');
      const messages = appendText(current.messages, id, event.data.delta ?? '', event.data.role ?? 'assistant');
      return { ...current, messages, open: { ...current.open, text: id } };
    }
    case 'REASONING_MESSAGE_START':
      return { ...current, messages: withMessage(current.messages, event.data.messageId, (message) => message, () => ({ id: event.data.messageId, role: 'reasoning', content: '' })) };
    case 'REASONING_MESSAGE_CONTENT':
      return { ...current, messages: appendText(current.messages, event.data.messageId, event.data.delta, 'reasoning') };
    case 'REASONING_MESSAGE_CHUNK': {
      const id = chunkId(event.type, event.data.messageId, current.open.reasoning, 'messageId');
      return { ...current, messages: appendText(current.messages, id, event.data.delta ?? '', 'reasoning'), open: { ...current.open, reasoning: id } };
    }
    case 'REASONING_ENCRYPTED_VALUE': {
      const { subtype, entityId, encryptedValue } = event.data;
      const messages =
        subtype === 'tool-call'
          ? withMessageToolCall(current.messages, entityId, (call) => ({ ...call, encryptedValue }))
          : current.messages.map((message) => (message.id === entityId && message.role !== 'activity' ? ({ ...message, encryptedValue } as AGUIMessage) : message));
      return { ...current, messages };
    }
    case 'TOOL_CALL_START':
      return startToolCall(current, event.data.toolCallId, event.data.toolCallName, event.data.parentMessageId);
    case 'TOOL_CALL_ARGS':
      return appendArgs(current, event.data.toolCallId, event.data.delta);
    case 'TOOL_CALL_END':
      return endToolCall(current, event.data.toolCallId);
    case 'TOOL_CALL_CHUNK': {
      const { toolCallId, toolCallName, parentMessageId, delta } = event.data;
      const open = current.open.toolCall;
      // A chunk naming another call closes the open one.
      let next = open !== undefined && toolCallId !== undefined && toolCallId !== open ? endToolCall(current, open) : current;
      const id = chunkId(event.type, toolCallId, toolCallId === undefined ? open : undefined, 'toolCallId');
      if (!next.toolCalls.some((call) => call.id === id)) {
        if (toolCallName === undefined) throw new TypeError(`runstream: AG-UI TOOL_CALL_CHUNK starts tool call ${JSON.stringify(id)} without toolCallName`);
        next = startToolCall(next, id, toolCallName, parentMessageId);
      }
      next = appendArgs(next, id, delta ?? '');
      return { ...next, open: { ...next.open, toolCall: id } };
    }
    case 'TOOL_CALL_RESULT': {
      const { messageId, toolCallId, content } = event.data;
      const toolCalls = withToolCall(current.toolCalls, toolCallId, (call) => ({ ...call, result: content }));
      const message: AGUIMessage = { id: messageId, role: 'tool', toolCallId, content };
      return { ...current, toolCalls, messages: withMessage(current.messages, messageId, () => message, () => message) };
    }
    case 'STATE_SNAPSHOT':
      return { ...current, state: event.data.snapshot };
    case 'STATE_DELTA':
      return { ...current, state: applyJSONPatch(current.state, event.data.delta) };
    case 'MESSAGES_SNAPSHOT':
      return { ...current, messages: event.data.messages };
    case 'ACTIVITY_SNAPSHOT': {
      const { messageId: id, activityType, content, replace = true } = event.data;
      const message: AGUIMessage = { id, role: 'activity', activityType, content };
      return { ...current, messages: withMessage(current.messages, id, (old) => (replace ? message : old), () => message) };
    }
    case 'ACTIVITY_DELTA': {
      const { messageId: id, activityType, patch } = event.data;
      const messages = withMessage(
        current.messages,
        id,
        (old) => ({ id, role: 'activity', activityType, content: applyJSONPatch(old.role === 'activity' ? old.content : {}, patch) }),
        () => ({ id, role: 'activity', activityType, content: applyJSONPatch({}, patch) }),
      );
      return { ...current, messages };
    }
    default:
      return current;
  }
}
