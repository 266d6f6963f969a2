/** Submit a PraisonAI job and watch it as a stream: the first event gives the job's id, so it can be cancelled. */
import { PraisonAI } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, server } = await target();
const client = new PraisonAI({ baseUrl });

const stream = client.jobs.start({ prompt: 'Analyze quarterly sales data' }, { idempotencyKey: `sales-${Date.now()}` });
for await (const event of stream) {
  if (event.type === 'created') console.log(`Job ${event.data.job_id} submitted`); // client.jobs.cancel(event.data.job_id) stops it
  else if (event.type === 'progress') console.log(`Progress: ${event.data.percentage}%`);
  else if (event.type === 'log') console.log(`Log: ${event.data.message}`);
}
// How the job ended, whichever event said so: 'completed' and 'succeeded' here.
console.log('Outcome:', stream.outcome?.type, stream.outcome?.serverStatus);
await server?.close();
