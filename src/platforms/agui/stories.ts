/**
 * AG-UI's stories: the runs the reference server plays on `POST /agui/:story` (each story is an
 * agent of its own URL) and `platformScripts()` scripts, as data. AG-UI's wire form: unnamed
 * `data:` JSON events named by their `type`, no ids, no keepalives, as `@ag-ui/encoder` 1.0.0
 * writes them (the transcripts of the issue #22 research memo). Web APIs only.
 *
 * @module
 */
import type { ScriptStep } from '../../testing/kit/script.js';
import type { Story } from '../../testing/kit/story.js';

/** The thread and run ids of the stories' input (the server echoes the request's). */
export const STORY_THREAD_ID = 'thread_1';
/** See {@link STORY_THREAD_ID}. */
export const STORY_RUN_ID = 'run_1';

/** The `RunAgentInput` every story is played with. */
export const STORY_INPUT = {
  threadId: STORY_THREAD_ID,
  runId: STORY_RUN_ID,
  messages: [{ id: 'u1', role: 'user', content: 'What is the weather in Oslo?' }],
  tools: [],
  context: [],
} as const;

type Event = Record<string, unknown> & { type: string };

/**
 * A run's events for `threadId`/`runId`: text, then (unless it fails) a tool call, its result
 * and a state delta, then the terminal event `end`.
 */
export function aguiRun(threadId: string, runId: string, end: 'success' | 'error' | 'interrupt' | 'cancelled'): Event[] {
  const events: Event[] = [
    { type: 'RUN_STARTED', threadId, runId },
    { type: 'STATE_SNAPSHOT', snapshot: { step: 0, items: [] } },
    { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
    ...['Let me ', 'check the ', 'weather.'].map((delta) => ({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta })),
    { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
  ];
  if (end === 'error') return [...events, { type: 'RUN_ERROR', message: 'model quota exceeded', code: 'QUOTA' }];
  events.push(
    { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'search', parentMessageId: 'm1' },
    ...['{"q":', '"weather', ' in Oslo"}'].map((delta) => ({ type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta })),
    { type: 'TOOL_CALL_END', toolCallId: 'c1' },
    { type: 'TOOL_CALL_RESULT', messageId: 'm2', toolCallId: 'c1', content: 'sunny, 18 °C', role: 'tool' },
    {
      type: 'STATE_DELTA',
      delta: [
        { op: 'replace', path: '/step', value: 1 },
        { op: 'add', path: '/items/-', value: 'sunny' },
      ],
    },
  );
  if (end === 'interrupt') {
    const interrupts = [{ id: 'i1', reason: 'approval', message: 'Book the flight to Oslo?', toolCallId: 'c1' }];
    return [...events, { type: 'RUN_FINISHED', threadId, runId, outcome: { type: 'interrupt', interrupts } }];
  }
  if (end === 'cancelled') return [...events, { type: 'RUN_FINISHED', threadId, runId, outcome: { type: 'cancelled' } }];
  return [
    ...events,
    { type: 'TEXT_MESSAGE_START', messageId: 'm3', role: 'assistant' },
    { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm3', delta: 'It is sunny in Oslo, 18 °C.' },
    { type: 'TEXT_MESSAGE_END', messageId: 'm3' },
    { type: 'RUN_FINISHED', threadId, runId, result: { answer: 'sunny' }, outcome: { type: 'success' } },
  ];
}

/** The story names and how each run ends. */
export const AGUI_STORY_ENDS = { weather: 'success', quota: 'error', approval: 'interrupt', cancelled: 'cancelled' } as const;

/** A story's steps: each event one `data:` block. */
export function aguiSteps(events: readonly Event[]): ScriptStep[] {
  return events.map((data) => ({ data }));
}

function story(name: keyof typeof AGUI_STORY_ENDS, outcome: Story['outcome']): Story {
  return {
    name,
    route: `POST /agui/${name}`,
    body: STORY_INPUT,
    outcome,
    connection: { steps: aguiSteps(aguiRun(STORY_THREAD_ID, STORY_RUN_ID, AGUI_STORY_ENDS[name])) },
  };
}

/**
 * AG-UI's runs, by agent: `weather` (completed: text, a tool call, a state delta, more text),
 * `quota` (`RUN_ERROR` `QUOTA` after the first message), `approval` (`RUN_FINISHED` with an
 * interrupt), `cancelled` (`RUN_FINISHED` with the `cancelled` outcome).
 */
export const aguiStories: readonly Story[] = [story('weather', 'completed'), story('quota', 'failed'), story('approval', 'interrupted'), story('cancelled', 'cancelled')];
