/** Stream a Crewship run with a typed `for await` loop. `npx tsx --tsconfig examples/tsconfig.json examples/crewship-run.ts` */
import { Crewship } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, apiKey, server } = await target();
const client = new Crewship({ baseUrl, apiKey });

for await (const event of client.runs.stream('run_abc123')) {
  if (event.type === 'tool.called') console.log('tool', event.data.tool, event.data.input);
  else if (event.type === 'run.completed') console.log('done in', event.data.duration_ms, 'ms');
  else console.log(event.type);
}
await server?.close();
