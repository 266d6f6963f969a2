/** Submit a PraisonAI job, stream its progress, and get the result in one call. */
import { PraisonAI } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, server } = await target();
const client = new PraisonAI({ baseUrl });

const result = await client.jobs.run(
  { prompt: 'Analyze quarterly sales data' },
  {
    onEvent: (event) => {
      if (event.type === 'progress') console.log(`Progress: ${event.data.percentage}%`);
    },
  },
);
console.log('Result:', result);
await server?.close();
