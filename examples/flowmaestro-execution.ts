/** The FlowMaestro SDK's `streamIterator` loop, with `event.data` in place of flattened fields. */
import { FlowMaestro } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, apiKey, server } = await target();
const client = new FlowMaestro({ baseUrl, apiKey });

for await (const event of client.executions.streamIterator('exec_xyz789')) {
  if (event.type === 'execution:progress') console.log(`${event.data.progress}%`);
  if (event.type === 'execution:completed') {
    console.log('Done:', event.data.outputs);
    break;
  }
}
await server?.close();
