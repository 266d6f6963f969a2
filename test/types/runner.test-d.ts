import { describe, expectTypeOf, test } from 'vitest';
import { Runstream, type EventStream, type StaxBusEventMap, type StaxEventMap, type StaxRun } from '../../src/index.js';

const client = new Runstream({ baseUrl: 'http://localhost:4800' });

describe('runner types', () => {
  test('events() is the bus; stream(runId) and start() are EventStreams of one run; run() a Promise of the run', () => {
    expectTypeOf(client.runner.events()).toEqualTypeOf<EventStream<StaxBusEventMap>>();
    expectTypeOf(client.runner.start({ workflow: 'build' })).toEqualTypeOf<EventStream<StaxEventMap>>();
    expectTypeOf(client.runner.stream('a1b2c3d4')).toEqualTypeOf<EventStream<StaxEventMap>>();
    expectTypeOf(client.runner.run({ workflow: 'build' })).toEqualTypeOf<Promise<StaxRun & { id: string }>>();
    void client.runner.run({ workflow: 'build' }, { timeout: 1000, idleTimeout: 5000, onEvent: (event) => expectTypeOf(event.type).toEqualTypeOf<keyof StaxEventMap>() });
  });

  test('narrowing on event.type narrows event.data', async () => {
    for await (const event of client.runner.stream('a1b2c3d4')) {
      expectTypeOf(event.data.runId).toBeString();
      if (event.type === 'step.log') {
        expectTypeOf(event.data).toEqualTypeOf<{ runId: string; jobId: string; stepNumber: number; line: string }>();
      } else if (event.type === 'run.completed') {
        expectTypeOf(event.data.run).toEqualTypeOf<StaxRun>();
        // @ts-expect-error run events have no line
        void event.data.line;
      }
    }
  });

  test('addEventListener: typed for known names, unknown for others', () => {
    const bus = client.runner.events();
    bus.addEventListener('step.log', (event) => expectTypeOf(event.data.line).toBeString());
    bus.addEventListener('weird', (event) => expectTypeOf(event.data).toBeUnknown());
  });
});
