import { describe, expectTypeOf, test } from 'vitest';
import {
  Runstream,
  type EventStream,
  type PraisonAIJob,
  type PraisonAIEventMap,
  type PraisonAIEventType,
  type PraisonAIJobResult,
  type PraisonAIJobState,
  type PraisonAIJobStatus,
  type PraisonAIJobStartOptions,
} from '../../src/index.js';

const client = new Runstream({ baseUrl: 'http://127.0.0.1:8005' });

describe('jobs types', () => {
  test('JSON calls return their documented shapes', () => {
    expectTypeOf(client.jobs.create({ prompt: 'x' }, { idempotencyKey: 'k' })).toEqualTypeOf<Promise<PraisonAIJob>>();
    expectTypeOf(client.jobs.retrieve('run_abc123')).toEqualTypeOf<Promise<PraisonAIJobState>>();
    expectTypeOf(client.jobs.result('run_abc123')).toEqualTypeOf<Promise<PraisonAIJobResult>>();
    expectTypeOf(client.jobs.cancel('run_abc123')).toEqualTypeOf<Promise<PraisonAIJobState>>();
    expectTypeOf(client.jobs.run({ prompt: 'x' })).toEqualTypeOf<Promise<unknown>>();
    // @ts-expect-error prompt is required
    void client.jobs.create({ framework: 'crewai' });
  });

  test('narrowing on event.type narrows event.data', async () => {
    const stream = client.jobs.stream('run_abc123');
    expectTypeOf(stream).toEqualTypeOf<EventStream<PraisonAIEventMap>>();
    for await (const event of stream) {
      expectTypeOf(event.type).toEqualTypeOf<PraisonAIEventType>();
      if (event.type === 'progress') {
        expectTypeOf(event.data.percentage).toBeNumber();
        expectTypeOf(event.data.current_step).toEqualTypeOf<string | undefined>();
      } else if (event.type === 'complete') {
        expectTypeOf(event.data.status).toEqualTypeOf<PraisonAIJobStatus>();
        expectTypeOf(event.data.job_id).toBeString();
      } else if (event.type === 'log') {
        expectTypeOf(event.data.message).toBeString();
      }
    }
  });

  test('addEventListener gives the typed payload', () => {
    client.jobs.stream('run_abc123').addEventListener('complete', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'complete'>();
      expectTypeOf(event.data.status).toEqualTypeOf<PraisonAIJobStatus>();
    });
  });

  test('run() onEvent receives events that narrow like the iterator', () => {
    void client.jobs.run(
      { prompt: 'Analyze quarterly sales data' },
      {
        onEvent: (event) => {
          expectTypeOf(event.type).toEqualTypeOf<PraisonAIEventType>();
          if (event.type === 'progress') expectTypeOf(event.data.percentage).toBeNumber();
          if (event.type === 'complete') expectTypeOf(event.data.status).toEqualTypeOf<PraisonAIJobStatus>();
        },
      },
    );
  });

  test('start() returns the job stream at once; created carries the job', async () => {
    const stream = client.jobs.start({ prompt: 'x' }, { idempotencyKey: 'k', timeout: 5_000, idleTimeout: 60_000, headers: { 'x-tenant': 't' } });
    expectTypeOf(stream).toEqualTypeOf<EventStream<PraisonAIEventMap>>();
    expectTypeOf(client.jobs.start).parameter(1).toEqualTypeOf<PraisonAIJobStartOptions | undefined>();
    stream.addEventListener('created', (event) => {
      expectTypeOf(event.data).toEqualTypeOf<PraisonAIJob>();
      expectTypeOf(event.data.job_id).toBeString();
    });
    for await (const event of stream) {
      if (event.type === 'created') void client.jobs.cancel(event.data.job_id);
    }
    // @ts-expect-error prompt is required
    void client.jobs.start({ framework: 'crewai' });
    // @ts-expect-error onEvent belongs to run()
    void client.jobs.start({ prompt: 'x' }, { onEvent: () => {} });
  });
});
