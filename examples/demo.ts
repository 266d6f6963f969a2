/**
 * `npm run demo`: starts the bundled reference server and streams one run from each of the five
 * platforms through runstream's public API, printing a live progress view. Exits 0 when every
 * stream ended as expected, 1 otherwise.
 */
import { Runstream, StreamError } from 'runstream';
import { startReferenceServer } from 'runstream/testing';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint(2);
const bold = paint(1);
const green = paint(32);
const red = paint(31);
const cyan = paint(36);

const started = Date.now();
const clock = () => dim(`[+${((Date.now() - started) / 1000).toFixed(2)}s]`);
const line = (text: string) => console.log(`├─ ${clock()} ${text}`);
const heading = (text: string) => console.log(`\n${bold(`▶ ${text}`)}`);
const short = (value: unknown, max = 60) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
};

async function crewship(client: Runstream): Promise<void> {
  heading('Crewship run run_abc123   client.runs.stream()');
  for await (const event of client.runs.stream('run_abc123')) {
    switch (event.type) {
      case 'run.started':
        line(`Run started: ${event.data.run_id}`);
        break;
      case 'agent.started':
        line(`${event.data.agent} agent starting task: ${event.data.task}`);
        break;
      case 'agent.completed':
        line(`${event.data.agent} agent completed task`);
        break;
      case 'tool.called':
        line(`Tool: ${event.data.tool}(${short(event.data.input)})`);
        break;
      case 'tool.result':
        line(`Tool ${event.data.tool} returned ${short(event.data.output, 40)}`);
        break;
      case 'log':
        line(dim(`${event.data.level}: ${event.data.message}`));
        break;
      case 'artifact':
        line(`Artifact: ${event.data.name} (${event.data.size} bytes)`);
        break;
      case 'run.completed':
        console.log(green(`✅ Run completed in ${(event.data.duration_ms / 1000).toFixed(1)}s`) + dim(`  last event id ${event.id}`));
        break;
      case 'run.failed':
        console.log(red(`❌ Run failed: ${event.data.error}`));
        break;
      default:
        line(dim(event.type));
    }
  }
}

async function flowmaestro(client: Runstream): Promise<void> {
  heading('FlowMaestro execution exec_xyz789   client.executions.streamIterator()');
  for await (const event of client.executions.streamIterator('exec_xyz789')) {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'execution:progress') {
      const width = 20;
      const filled = Math.round((event.data.progress / 100) * width);
      line(`[${cyan('█'.repeat(filled))}${' '.repeat(width - filled)}] ${event.data.progress}%`);
    } else if (event.type === 'node:started' || event.type === 'node:completed' || event.type === 'node:failed') {
      line(`${event.type} ${String(data.nodeId ?? data.node_id)}`);
    } else if (event.type === 'execution:completed') {
      console.log(green(`✅ Execution completed: outputs ${short(event.data.outputs)}`));
    } else if (event.type === 'execution:failed') {
      console.log(red(`❌ Execution failed: ${event.data.error}`));
    } else {
      line(dim(event.type));
    }
  }
}

async function praisonai(client: Runstream): Promise<void> {
  heading('PraisonAI async job   client.jobs.run()');
  const result = await client.jobs.run(
    { prompt: 'Analyze quarterly sales data' },
    {
      onEvent: (event) => {
        if (event.type === 'progress') {
          line(`Progress: ${event.data.percentage.toFixed(1).padStart(5)}% - ${event.data.current_step ?? event.data.step ?? ''}`);
        } else if (event.type === 'log') {
          line(dim(`Log: ${event.data.message}`));
        } else {
          line(dim(`${event.type} ${short(event.data)}`));
        }
      },
    },
  );
  console.log(green(`✅ Job succeeded: ${short(result)}`));
}

async function skills(client: Runstream): Promise<void> {
  heading('Skills engine my.skill   client.skills.stream() (POST body streaming)');
  const stream = client.skills.stream('my.skill', { inputs: { text: 'Hello world' } });
  for await (const event of stream) {
    if (event.type === 'done') {
      console.log(green(`✅ ${event.data.status}: outputs ${short(event.data.outputs)}`) + dim(`  trace ${event.data.trace_id}`));
    } else {
      line(`${event.type.padEnd(15)} ${event.data.message}`);
    }
  }
  try {
    for await (const event of client.skills.stream('failing.skill', { inputs: { text: 'boom' } })) {
      if (event.type === 'step_failed') line(red(`${event.type.padEnd(15)} ${event.data.message}`));
    }
  } catch (error) {
    if (!(error instanceof StreamError && error.code === 'server-error-event')) throw error;
    console.log(`${red('❌ failing.skill reported:')} ${error.message.split(': ').slice(-1)[0]} ${dim(`(trace ${error.traceId})`)}`);
  }
}

async function stax(client: Runstream, startRun: () => string): Promise<void> {
  heading('stax runner event bus   client.runner.follow()');
  // The bus does not replay: start the run once the subscription is open, so no event is missed.
  const stream = client.runner.follow('a1b2c3d4', { onOpen: () => startRun() });
  for await (const event of stream) {
    switch (event.type) {
      case 'run.started':
        line(`Run ${event.data.runId} started`);
        break;
      case 'job.started':
        line(`Job ${event.data.jobId} started`);
        break;
      case 'step.started':
        line(`  Step ${event.data.stepNumber}: ${event.data.step.name ?? ''}`);
        break;
      case 'step.log':
        line(dim(`    │ ${event.data.line.trimEnd()}`));
        break;
      case 'step.completed':
        line(`  Step ${event.data.stepNumber} ${event.data.step.conclusion ?? ''}`);
        break;
      case 'job.completed':
        line(`Job ${event.data.jobId} ${event.data.job.conclusion ?? ''}`);
        break;
      case 'run.completed':
        console.log(green(`✅ Run ${event.data.runId} ${event.data.run.conclusion ?? event.data.run.status ?? 'completed'}`));
        break;
    }
  }
}

async function main(): Promise<void> {
  const server = await startReferenceServer({ eventDelay: Number(process.env.DEMO_EVENT_DELAY ?? 60) });
  console.log(`${bold('runstream demo')} ${dim(`reference server at ${server.url}`)}`);
  const client = new Runstream({ baseUrl: server.url, apiKey: 'test-key' });
  try {
    await crewship(client);
    await flowmaestro(client);
    await praisonai(client);
    await skills(client);
    await stax(client, () => server.staxStartRun('a1b2c3d4'));
    console.log(`\n${green(bold('All five platforms streamed.'))} ${dim(`${((Date.now() - started) / 1000).toFixed(1)}s`)}`);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(red('demo failed:'), error);
  process.exitCode = 1;
});
