/**
 * The Python SDK's unittest suite (sdks/python/tests), run by python3 against a real Pulse
 * started here. An inspection server lets the Python tests make workspaces and read what
 * Pulse stored; the suite passes when python exits 0.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SdkTestPulse, startPulse } from './pulse-server.js';

const pythonSdk = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sdks/python');

let pulse: SdkTestPulse;
let inspector: Server;

beforeAll(async () => {
  pulse = await startPulse();
  inspector = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://inspector');
    const answer =
      url.pathname === '/workspace'
        ? pulse.workspace().then((w) => ({ workspace_id: w.workspaceId, api_key: w.apiKey }))
        : pulse.stored(url.searchParams.get('workspace_id') ?? '');
    answer.then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => inspector.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  inspector?.closeAllConnections();
  await new Promise((resolve) => inspector?.close(resolve));
  await pulse?.close();
});

it('passes the Python SDK unittest suite against a real Pulse', async () => {
  const child = spawn('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
    cwd: pythonSdk,
    env: {
      ...process.env,
      PYTHONPATH: path.join(pythonSdk, 'src'),
      PYTHONDONTWRITEBYTECODE: '1',
      PULSE_TEST_URL: pulse.url,
      PULSE_TEST_INSPECTOR: `http://127.0.0.1:${(inspector.address() as AddressInfo).port}`,
    },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(output).not.toMatch(/skipped/);
  expect(code, output).toBe(0);
}, 120_000);
