/**
 * Types of `useEventStream`: the event map flows from the factory's stream to `events`, to the
 * `reduce` callback and to `value`; narrowing on `type` narrows `data`. Checked by
 * `npm run typecheck` (tsconfig.test.json) and vitest's typecheck.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { Crewship, connect, type EventOf, type EventStream, type CrewshipEventMap, type StreamOutcome } from '../../src/index.js';
import { useEventStream, type EventStreamStatus, type EventStreamView } from '../../src/react/index.js';

const crewship = new Crewship({ baseUrl: 'http://127.0.0.1:4800' });

describe('useEventStream types', () => {
  it('infers the event map from the factory', () => {
    const view = useEventStream(({ lastEventId }) => crewship.runs.stream('run_abc123', { lastEventId }), []);
    expectTypeOf(view).toEqualTypeOf<EventStreamView<CrewshipEventMap, undefined>>();
    expectTypeOf(view.events).toEqualTypeOf<readonly EventOf<CrewshipEventMap>[]>();
    expectTypeOf(view.status).toEqualTypeOf<EventStreamStatus>();
    expectTypeOf(view.status).toEqualTypeOf<'idle' | 'connecting' | 'open' | 'closed'>();
    expectTypeOf(view.outcome).toEqualTypeOf<StreamOutcome | undefined>();
    expectTypeOf(view.error).toEqualTypeOf<Error | undefined>();
    expectTypeOf(view.lastEventId).toEqualTypeOf<string>();
    expectTypeOf(view.stream).toEqualTypeOf<EventStream<CrewshipEventMap> | undefined>();
    expectTypeOf(view.value).toEqualTypeOf<undefined>();
  });

  it('narrows data on the event type in a component', () => {
    const { events } = useEventStream(() => crewship.runs.stream('run_abc123'), []);
    for (const event of events) {
      if (event.type === 'artifact') expectTypeOf(event.data).toEqualTypeOf<{ name: string; size: number; content_type: string }>();
      if (event.type === 'run.completed') expectTypeOf(event.data.duration_ms).toEqualTypeOf<number>();
      // @ts-expect-error -- a log event has no `tool`
      if (event.type === 'log') void event.data.tool;
    }
  });

  it('types the reduce callback and the value from the stream and initial', () => {
    const view = useEventStream(() => crewship.runs.stream('run_abc123'), [], {
      initial: 0,
      reduce: (count, event) => {
        expectTypeOf(count).toEqualTypeOf<number>();
        expectTypeOf(event).toEqualTypeOf<EventOf<CrewshipEventMap>>();
        return event.type === 'agent.completed' ? count + 1 : count;
      },
    });
    expectTypeOf(view.value).toEqualTypeOf<number>();

    const tokens = useEventStream(() => connect<{ token: { text: string }; done: null }>('http://127.0.0.1:4800/tokens', { json: true }), [], {
      initial: '',
      window: 0,
      batch: 'frame',
      reduce: (text, event) => (event.type === 'token' ? text + event.data.text : text),
    });
    expectTypeOf(tokens.value).toEqualTypeOf<string>();
    expectTypeOf(tokens.events).toEqualTypeOf<readonly ({ readonly type: 'token'; readonly data: { text: string }; readonly id: string; readonly raw: string } | { readonly type: 'done'; readonly data: null; readonly id: string; readonly raw: string })[]>();

    useEventStream(() => crewship.runs.stream('run_abc123'), [], {
      initial: '',
      // @ts-expect-error -- reduce must return the type of initial
      reduce: (text: string) => text.length,
    });
  });

  it('accepts a factory that returns null to stay idle, and the batch and persist options', () => {
    const runId = null as string | null;
    const view = useEventStream(() => (runId ? crewship.runs.stream(runId) : null), [runId], {
      batch: 50,
      persist: { key: 'run', storage: { getItem: () => null, setItem: () => {} } },
    });
    expectTypeOf(view.events).toEqualTypeOf<readonly EventOf<CrewshipEventMap>[]>();
    // @ts-expect-error -- batch is 'frame', 'none' or milliseconds
    useEventStream(() => null, [], { batch: 'sometimes' });
    // @ts-expect-error -- the factory returns a stream or null
    useEventStream(() => 'not a stream', []);
  });

  it('types connect() streams as text without a map', () => {
    const { events } = useEventStream(() => connect('http://127.0.0.1:4800/events'), []);
    expectTypeOf(events[0]!.data).toEqualTypeOf<string>();
  });
});
