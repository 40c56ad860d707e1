/** TLS to the upstream: SNI from tls.servername, a private CA from tls.ca_file, verification on by default. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { APIError } from 'openai';
import { startBridgeHarness, textStream, type BridgeHarness } from './harness';

const fixtures = join(__dirname, 'fixtures');
const caFile = join(fixtures, 'upstream.crt');
let server: Server;
let baseUrl: string;
const servernames: Array<string | false | null | undefined> = [];
let h: BridgeHarness | undefined;

beforeAll(async () => {
  server = createServer({ key: readFileSync(join(fixtures, 'upstream.key')), cert: readFileSync(caFile) }, (req, res) => {
    servernames.push((req.socket as TLSSocket).servername);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(textStream(['secure']));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await h?.close();
  h = undefined;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

async function streamText(harness: BridgeHarness): Promise<string> {
  const stream = await harness.sdk().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
  return text;
}

test('servername is sent as SNI and the private CA verifies the upstream', async () => {
  h = await startBridgeHarness({ default: { base_url: baseUrl, tls: { servername: 'upstream.bridge.test', ca_file: caFile } } });
  expect(await streamText(h)).toBe('secure');
  expect(servernames[servernames.length - 1]).toBe('upstream.bridge.test');
});

test('without the CA the certificate is refused: 502, nothing sent', async () => {
  const before = servernames.length;
  h = await startBridgeHarness({ default: { base_url: baseUrl, tls: { servername: 'upstream.bridge.test' } } });
  const err = await streamText(h).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(APIError);
  expect((err as APIError).status).toBe(502);
  expect((err as APIError).code).toBe('ERR_BRIDGE_UPSTREAM_UNREACHABLE');
  expect(servernames.length).toBe(before);
});

test('reject_unauthorized: false accepts it (for tests and private networks only)', async () => {
  h = await startBridgeHarness({ default: { base_url: baseUrl, tls: { reject_unauthorized: false } } });
  expect(await streamText(h)).toBe('secure');
});
