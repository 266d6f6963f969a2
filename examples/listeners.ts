/** Typed listeners instead of a loop, and `finished` for the outcome. */
import { Crewship } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, apiKey, server } = await target();
const client = new Crewship({ baseUrl, apiKey });

const stream = client.runs.stream('run_abc123');
stream.addEventListener('agent.started', (event) => console.log(`${event.data.agent} → ${event.data.task}`));
stream.addEventListener('artifact', (event) => console.log(`artifact ${event.data.name}, ${event.data.size} bytes`));
stream.addEventListener('run.completed', (event) => console.log('result', event.data.result), { once: true });
await stream.finished;
await server?.close();
