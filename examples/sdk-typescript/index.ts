/**
 * The TypeScript SDK in one program: a wrapped OpenAI client (plain and streamed), per-call
 * overrides, any other call through observe(), and a trace by hand.
 *
 *   npm run build -w @pulse/sdk
 *   PULSE_API_KEY=pk_... OPENAI_API_KEY=sk-... npx tsx examples/sdk-typescript/index.ts
 */
import OpenAI from 'openai';
import { observe, Pulse, withPulse, wrapOpenAI } from '@pulse/sdk';

const pulse = new Pulse({
  apiKey: process.env.PULSE_API_KEY ?? '',
  baseUrl: process.env.PULSE_BASE_URL ?? 'http://localhost:3000',
  // Set to false to keep prompts and completions on this side: only figures are sent.
  captureText: true,
});

const openai = wrapOpenAI(new OpenAI(), { pulse, agentId: 'support-bot', tags: ['example'] });

const answer = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello in French' }],
});
console.log(answer.choices[0]?.message.content);

// Streamed, for one user and conversation: time to first token and usage are recorded too.
const stream = await openai.chat.completions.create(
  withPulse(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count to five' }], stream: true },
    { userId: 'u-42', sessionId: 'conv-7' },
  ),
);
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
console.log();

// Any other call: a local model, a tool, another provider.
const summary = await observe(async () => ({ text: 'a summary', usage: { in: 900, out: 40 } }), {
  pulse,
  agentId: 'summariser',
  model: 'llama-3.1-8b-instruct',
  input: 'Summarise the ticket',
  output: (r) => r.text,
  usage: (r) => ({ input_tokens: r.usage.in, output_tokens: r.usage.out }),
});
console.log(summary.text);

// By hand: the fields of POST /api/v1/traces.
pulse.trace({
  agent_id: 'router',
  model: 'gpt-4o-mini',
  latency_ms: 87,
  input_tokens: 300,
  output_tokens: 4,
  tags: ['example'],
});

await pulse.shutdown();
console.log(pulse.stats());
