import { describe, expectTypeOf, test } from 'vitest';
import { Runstream, type EventOf, type EventStream, type CrewshipEventMap, type CrewshipEventType, type StreamEvent } from '../../src/index.js';

const client = new Runstream({ baseUrl: 'http://api.test', apiKey: 'sk-test-secret' });

describe('runs.stream types', () => {
  test('returns an EventStream of CrewshipEventMap', () => {
    expectTypeOf(client.runs.stream('run_abc123')).toEqualTypeOf<EventStream<CrewshipEventMap>>();
  });

  test('narrowing on event.type narrows event.data in the iterator', async () => {
    for await (const event of client.runs.stream('run_abc123')) {
      expectTypeOf(event).toEqualTypeOf<EventOf<CrewshipEventMap>>();
      expectTypeOf(event.type).toEqualTypeOf<CrewshipEventType>();
      expectTypeOf(event.id).toBeString();
      expectTypeOf(event.raw).toBeString();
      if (event.type === 'tool.called') {
        expectTypeOf(event.data).toEqualTypeOf<{ tool: string; input: unknown; timestamp?: string }>();
        expectTypeOf(event.data.tool).toBeString();
      } else if (event.type === 'run.completed') {
        expectTypeOf(event.data).toEqualTypeOf<{ run_id: string; duration_ms: number; result: unknown }>();
      } else if (event.type === 'artifact') {
        expectTypeOf(event.data.size).toBeNumber();
      } else if (event.type === 'log') {
        expectTypeOf(event.data.level).toBeString();
        // @ts-expect-error `tool` belongs to tool events, not to log
        void event.data.tool;
      }
    }
  });

  test('addEventListener gives the typed payload for a known name', () => {
    const stream = client.runs.stream('run_abc123');
    stream.addEventListener('run.completed', (event) => {
      expectTypeOf(event).toEqualTypeOf<StreamEvent<'run.completed', CrewshipEventMap['run.completed']>>();
      expectTypeOf(event.data.duration_ms).toBeNumber();
      expectTypeOf(event.data.result).toBeUnknown();
    });
    stream.addEventListener('run.failed', (event) => {
      expectTypeOf(event.data.error).toBeString();
      expectTypeOf(event.data.stack_trace).toEqualTypeOf<string | undefined>();
      // @ts-expect-error run.failed has no duration_ms
      void event.data.duration_ms;
    }, { once: true });
  });

  test('the string overload gives unknown data for an unknown name', () => {
    const stream = client.runs.stream('run_abc123');
    stream.addEventListener('heartbeat', (event) => {
      expectTypeOf(event.type).toBeString();
      expectTypeOf(event.data).toBeUnknown();
    });
  });

  test('removeEventListener takes the same typed listener', () => {
    const stream = client.runs.stream('run_abc123');
    const onLog = (event: StreamEvent<'log', CrewshipEventMap['log']>) => void event.data.message;
    stream.addEventListener('log', onLog);
    stream.removeEventListener('log', onLog);
  });

  test('types only accepts Crewship event names', () => {
    client.runs.stream('run_abc123', { types: ['agent.started', 'artifact'] });
    // @ts-expect-error not a Crewship event name
    client.runs.stream('run_abc123', { types: ['agent.begun'] });
  });
});
