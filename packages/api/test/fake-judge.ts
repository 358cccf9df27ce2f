import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake provider received. */
export interface JudgeRequestSeen {
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** How the fake answers one request; the default is a judgment of `verdict`. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A raw body (sent as is), or built from the request's wire format. */
  body: string | ((wire: 'gemini' | 'openai') => unknown);
}

export interface FakeJudge {
  url: string;
  requests: JudgeRequestSeen[];
  /** Answers given, in order, before falling back to the default judgment. */
  script: ScriptedAnswer[];
  /** The judge's answer text of the default judgment. */
  verdict: string;
  usage: { input: number; output: number };
  /** How long each answer waits (ms). */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * A local HTTP server speaking both judge wire formats (docs/API_SPEC.md §13): Gemini's
 * POST /v1beta/models/{model}:generateContent and OpenAI's POST /chat/completions.
 */
export async function startFakeJudge(): Promise<FakeJudge> {
  const fake: Omit<FakeJudge, 'url' | 'close'> = { requests: [], script: [], verdict: '{"score": 0.8, "reason": "clear and correct"}', usage: { input: 120, output: 30 }, delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      fake.requests.push({ at: Date.now(), method: req.method ?? '', path, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      const wire = path.includes(':generateContent') ? 'gemini' : 'openai';
      const scripted = fake.script.shift();
      const status = scripted?.status ?? 200;
      const body =
        scripted === undefined
          ? wire === 'gemini'
            ? {
                candidates: [{ content: { role: 'model', parts: [{ text: fake.verdict }] }, finishReason: 'STOP' }],
                usageMetadata: { promptTokenCount: fake.usage.input, candidatesTokenCount: fake.usage.output, totalTokenCount: fake.usage.input + fake.usage.output },
              }
            : {
                id: 'chatcmpl-1',
                object: 'chat.completion',
                choices: [{ index: 0, message: { role: 'assistant', content: fake.verdict }, finish_reason: 'stop' }],
                usage: { prompt_tokens: fake.usage.input, completion_tokens: fake.usage.output, total_tokens: fake.usage.input + fake.usage.output },
              }
          : typeof scripted.body === 'string'
            ? scripted.body
            : scripted.body(wire);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json', ...scripted?.headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      }, fake.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
