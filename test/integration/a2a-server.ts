/**
 * A real A2A v1.0 agent for the tests: @a2a-js/sdk 1.3.0's request handler behind express 5, on
 * 127.0.0.1 (ephemeral port), JSON-RPC at `/rpc` and HTTP+JSON under `/rest`. The agent reads
 * the user's text:
 * - `hello`: working, an artifact in two chunks, completed;
 * - `fail`: working, then FAILED with a status message;
 * - `input`: working, then INPUT_REQUIRED ("which city?");
 * - `explode`: working, then a status the task store refuses to save: the SDK's stream throws
 *   after the headers went out and writes an `event: error`;
 * - `gated`: working ("started"), then waits for `gates.first`, publishes "step 1", waits for
 *   `gates.second`, then the artifact and COMPLETED: the test cuts the socket in between.
 * Every response is kept in `responses`, so a test can destroy a live stream's socket.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import express from 'express';
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor, type RequestContext, type ExecutionEventBus } from '@a2a-js/sdk/server';
import { jsonRpcHandler, restHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import { Role, TaskState, type Task } from '@a2a-js/sdk';

/** A promise the test settles by hand. */
export interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export interface A2AServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The task store: a test waits on it for a state the server reached. */
  store: InMemoryTaskStore;
  /** Every request, in order: its method, path, JSON body and live response. */
  requests: { method: string; path: string; body: unknown; res: ExpressResponse }[];
  /** The gates of the `gated` story; replace them before each such test. */
  gates: { first: Gate; second: Gate };
  close(): Promise<void>;
}

const now = () => new Date().toISOString();

/** The text of a task's status message, as the store holds it. */
export function statusText(task: Task | undefined): string | undefined {
  const part = task?.status?.message?.parts[0]?.content;
  return part?.$case === 'text' ? part.value : undefined;
}

export async function startA2AServer(): Promise<A2AServer> {
  const gates = { first: gate(), second: gate() };
  const executor: AgentExecutor = {
    async execute(ctx: RequestContext, bus: ExecutionEventBus) {
      const { taskId, contextId } = ctx;
      const text = ctx.userMessage.parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join(' ');
      const status = (state: TaskState, note?: string) =>
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            timestamp: now(),
            message: note ? { messageId: crypto.randomUUID(), role: Role.ROLE_AGENT, parts: [{ content: { $case: 'text', value: note }, metadata: undefined, filename: '', mediaType: '' }], contextId, taskId, metadata: undefined, extensions: [], referenceTaskIds: [] } : undefined,
          },
          metadata: undefined,
        });
      const chunk = (value: string, append: boolean, lastChunk: boolean) =>
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: { artifactId: 'a1', name: append ? '' : 'report', description: '', parts: [{ content: { $case: 'text', value }, metadata: undefined, filename: '', mediaType: '' }], metadata: undefined, extensions: [] },
          append,
          lastChunk,
          metadata: undefined,
        });
      // The SDK wants the task first on every stream, a continuation's too.
      if (ctx.task) bus.publish(AgentEvent.task(ctx.task));
      else bus.publish(AgentEvent.task({ id: taskId, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, timestamp: now(), message: undefined }, history: [ctx.userMessage], artifacts: [], metadata: undefined }));
      bus.publish(status(TaskState.TASK_STATE_WORKING, 'started'));
      if (text.includes('fail')) bus.publish(status(TaskState.TASK_STATE_FAILED, 'could not do it'));
      else if (text.includes('input')) bus.publish(status(TaskState.TASK_STATE_INPUT_REQUIRED, 'which city?'));
      else if (text.includes('explode')) bus.publish(status(TaskState.TASK_STATE_WORKING, 'explode'));
      else {
        if (text.includes('gated')) {
          await gates.first.promise;
          bus.publish(status(TaskState.TASK_STATE_WORKING, 'step 1'));
          await gates.second.promise;
        }
        bus.publish(chunk('Hello ', false, false));
        bus.publish(chunk('world', true, true));
        bus.publish(status(TaskState.TASK_STATE_COMPLETED));
      }
      bus.finished();
    },
    async cancelTask() {},
  };
  const store = new InMemoryTaskStore();
  // The store refuses the `explode` status: the SDK's stream throws once it has begun.
  const save = store.save.bind(store);
  store.save = async (task, context) => {
    if (statusText(task) === 'explode') throw new Error('the task store is full');
    return save(task, context);
  };
  const app = express();
  const requests: A2AServer['requests'] = [];
  app.use(express.json({ type: ['application/json', 'application/a2a+json'] }));
  app.use((req: ExpressRequest, res: ExpressResponse, next: () => void) => {
    requests.push({ method: req.method ?? '', path: req.path, body: req.body, res });
    next();
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card = {
    name: 'test agent',
    description: 'streams a task',
    version: '1.0.0',
    supportedInterfaces: [
      { url: `${url}/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' },
      { url: `${url}/rest`, protocolBinding: 'HTTP+JSON', protocolVersion: '1.0', tenant: '' },
    ],
    capabilities: { streaming: true, pushNotifications: false, extensions: [] },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'echo', name: 'echo', description: 'echo', tags: ['demo'], examples: [], inputModes: [], outputModes: [], securityRequirements: [] }],
    securitySchemes: {},
    securityRequirements: [],
    signatures: [],
  };
  const handler = new DefaultRequestHandler(card as never, store, executor);
  app.use('/rpc', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  app.use('/rest', restHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  return {
    url,
    store,
    requests,
    gates,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
