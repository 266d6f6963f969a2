import { describe, expectTypeOf, test } from 'vitest';
import { Runstream, type EventStream, type FlowMaestroEventMap, type FlowMaestroEventType } from '../../src/index.js';

const client = new Runstream({ baseUrl: 'http://api.test/api', apiKey: 'sk-test-secret' });

describe('executions types', () => {
  test('stream and streamIterator return the same EventStream', () => {
    expectTypeOf(client.executions.stream('exec_xyz789')).toEqualTypeOf<EventStream<FlowMaestroEventMap>>();
    expectTypeOf(client.executions.streamIterator('exec_xyz789')).toEqualTypeOf<EventStream<FlowMaestroEventMap>>();
  });

  test('narrowing on event.type narrows event.data', async () => {
    for await (const event of client.executions.streamIterator('exec_xyz789')) {
      expectTypeOf(event.type).toEqualTypeOf<FlowMaestroEventType>();
      if (event.type === 'execution:completed') {
        expectTypeOf(event.data.outputs).toEqualTypeOf<Record<string, unknown> | undefined>();
        expectTypeOf(event.data.status).toEqualTypeOf<string | undefined>();
      } else if (event.type === 'execution:progress') {
        expectTypeOf(event.data.progress).toBeNumber();
        // @ts-expect-error progress events carry no outputs
        void event.data.outputs;
      } else if (event.type === 'node:completed') {
        expectTypeOf(event.data.durationMs).toEqualTypeOf<number | undefined>();
        expectTypeOf(event.data.duration_ms).toEqualTypeOf<number | undefined>();
      }
    }
  });

  test('payloads expose both executionId? and execution_id?', () => {
    type Completed = FlowMaestroEventMap['execution:completed'];
    expectTypeOf<Completed['executionId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Completed['execution_id']>().toEqualTypeOf<string | undefined>();
    const stream = client.executions.stream('exec_xyz789');
    stream.addEventListener('connected', (event) => {
      expectTypeOf(event.data).toEqualTypeOf<{ executionId?: string; execution_id?: string }>();
    });
    stream.addEventListener('node:started', (event) => {
      expectTypeOf(event.data.nodeId).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.data.node_id).toEqualTypeOf<string | undefined>();
    });
  });

  test('the string overload gives unknown data', () => {
    client.executions.stream('exec_xyz789').addEventListener('execution:paused', (event) => {
      expectTypeOf(event.data).toBeUnknown();
    });
  });
});
