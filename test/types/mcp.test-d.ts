import { describe, expectTypeOf, test } from 'vitest';
import type { ServerNotification as NotificationV1, ServerRequest as RequestV1 } from '@modelcontextprotocol/sdk/types.js';
import type { ServerNotification as NotificationV2 } from '@modelcontextprotocol/server';
import { MCP, accumulateMCP, initialMCPState, type EventOf, type EventStream, type MCPEventMap, type MCPEventType, type MCPState } from '../../src/index.js';

const mcp = new MCP({ baseUrl: 'http://api.test/mcp', protocolVersion: '2026-07-28' });

describe('MCP types', () => {
  test('every notification and server request the official SDKs declare is an event of the map', () => {
    // @modelcontextprotocol/sdk 1.32.2 (2025-11-25) and @modelcontextprotocol/server 2.4.0 (2026-07-28).
    expectTypeOf<NotificationV1['method']>().toExtend<MCPEventType>();
    expectTypeOf<RequestV1['method']>().toExtend<MCPEventType>();
    expectTypeOf<NotificationV2['method']>().toExtend<MCPEventType>();
  });

  test('request and tools.call return an EventStream of MCPEventMap; narrowing narrows data', async () => {
    expectTypeOf(mcp.request('tools/list')).toEqualTypeOf<EventStream<MCPEventMap>>();
    expectTypeOf(mcp.tools.call('search', { q: 'sse' })).toEqualTypeOf<EventStream<MCPEventMap>>();
    for await (const event of mcp.tools.call('search')) {
      expectTypeOf(event).toEqualTypeOf<EventOf<MCPEventMap>>();
      if (event.type === 'notifications/progress') expectTypeOf(event.data.progress).toBeNumber();
      else if (event.type === 'error') expectTypeOf(event.data.error.code).toBeNumber();
      else if (event.type === 'result') {
        expectTypeOf(event.data.result.isError).toEqualTypeOf<boolean | undefined>();
        // @ts-expect-error `progress` belongs to progress notifications
        void event.data.progress;
      }
    }
  });

  test('the accumulator folds the stream events', () => {
    expectTypeOf(accumulateMCP).parameters.toEqualTypeOf<[MCPState, EventOf<MCPEventMap>]>();
    expectTypeOf(initialMCPState).toEqualTypeOf<MCPState>();
  });

  test('protocolVersion takes the two revisions only', () => {
    // @ts-expect-error 2024-11-05 is not spoken
    void new MCP({ protocolVersion: '2024-11-05' });
  });
});
