// Type fixture (CommonJS consumer): compiled by scripts/check-types.mjs under moduleResolution node16
// and nodenext, where `require` resolves the package's "require" condition (index.d.cts).
/* eslint-disable @typescript-eslint/no-require-imports -- this fixture is a CommonJS consumer: require() is what it checks */
import runstream = require('runstream');
import testing = require('runstream/testing');

export async function consume(): Promise<string[]> {
  const server = await testing.startReferenceServer();
  const client = new runstream.Runstream({ baseUrl: server.url, apiKey: 'test-key' });
  const seen: string[] = [];
  for await (const event of client.executions.stream('exec_xyz789')) {
    if (event.type === 'execution:progress') seen.push(`${event.data.progress}%`);
    // @ts-expect-error progress is a number
    if (event.type === 'execution:progress') seen.push(event.data.progress.toUpperCase());
  }
  await server.close();
  return seen;
}

// The raw frame type is eventsource-parser's, re-exported (the CommonJS build inlines the parser).
export const frame: runstream.EventSourceMessage = { data: 'x', event: 'tick', id: '1' };
// @ts-expect-error data is a string
export const badFrame: runstream.EventSourceMessage = { data: 1 };
