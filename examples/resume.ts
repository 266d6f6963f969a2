/** Resume later from a stored Last-Event-ID: persist `event.id`, pass it back as `lastEventId`. */
import { Crewship } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, apiKey, server } = await target();
const client = new Crewship({ baseUrl, apiKey });

let stored = '';
for await (const event of client.runs.stream('run_abc123')) {
  stored = event.id; // e.g. localStorage.setItem('lastEventId', event.id) in a browser
  if (event.type === 'tool.called') break; // leave early: the connection closes
}
console.log('stopped after', stored);

for await (const event of client.runs.stream('run_abc123', { lastEventId: stored })) {
  console.log('resumed:', event.id, event.type);
}
await server?.close();
