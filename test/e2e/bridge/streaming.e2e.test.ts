/**
 * Timing is asserted by order only: the upstream holds its stream until the client has seen a chunk,
 * a client abort must reach the upstream while it is still holding, and a reader that does not read
 * must stop the upstream writer after a bounded number of bytes.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { APIError } from 'openai';
import { anthropicEvents as e, drainedOrClosed, startBridgeHarness, startScriptedUpstream, type BridgeHarness, type ScriptedUpstream } from './harness';

let up: ScriptedUpstream;
let h: BridgeHarness;
const releases: Array<() => void> = [];

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  releases.push(open);
  return { wait, open };
}

beforeEach(async () => {
  up = await startScriptedUpstream();
  h = await startBridgeHarness({ default: { base_url: up.url } });
});

afterEach(async () => {
  for (const r of releases.splice(0)) r();
  await h.close();
  await up.close();
});

test('the first converted chunk reaches the client before the upstream sends its second event', async () => {
  const order: string[] = [];
  const second = gate();
  up.setScript(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart());
    order.push('upstream: message_start');
    await second.wait;
    order.push('upstream: rest');
    res.end(e.textStart() + e.textDelta('late') + e.blockStop() + e.messageDelta() + e.messageStop());
  });
  const stream = await h.sdk().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
  const chunks: string[] = [];
  for await (const chunk of stream) {
    if (chunks.length === 0) {
      order.push('client: first chunk');
      expect(chunk.choices[0].delta.role).toBe('assistant');
      second.open();
    }
    chunks.push(chunk.choices[0]?.delta.content ?? '');
  }
  expect(order).toEqual(['upstream: message_start', 'client: first chunk', 'upstream: rest']);
  expect(chunks.join('')).toBe('late');
});

test('a client abort closes the upstream connection while the upstream is still sending', async () => {
  const never = gate();
  up.setScript(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart() + e.textStart() + e.textDelta('partial'));
    await never.wait;
    res.end();
  });
  const controller = new AbortController();
  const stream = await h.sdk().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: controller.signal });
  const seen: string[] = [];
  // The SDK ends the iteration quietly when its own signal aborts it.
  for await (const chunk of stream) {
    seen.push(chunk.choices[0]?.delta.content ?? '');
    if (seen.includes('partial')) controller.abort();
  }
  expect(seen).toContain('partial');
  await up.clientClosed;
  const line = await waitForLog(h, 'bridge request');
  expect(line).toMatchObject({ outcome: 'client_gone', stream: true });
  const metrics = await h.metrics.render();
  expect(metrics).toContain('a6_bridge_active_streams{target="default"} 0');
});

async function waitForLog(harness: BridgeHarness, msg: string): Promise<Record<string, unknown>> {
  // The request line is written when the handler returns, right after the upstream closes.
  for (;;) {
    const line = harness.logs.lines.find((l) => l.msg === msg);
    if (line) return line;
    await new Promise((r) => setImmediate(r));
  }
}

test('a client that does not read stops the upstream after a bounded number of bytes, and loses nothing', async () => {
  const total = 16000;
  const piece = 'x'.repeat(4000);
  const delta = e.textDelta(piece);
  let written = 0;
  let waiting = false;
  let finished = false;
  up.setScript(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart() + e.textStart());
    for (let i = 0; i < total; i++) {
      written += delta.length;
      if (!res.write(delta)) {
        waiting = true;
        await new Promise<void>((r) => res.once('drain', r));
        waiting = false;
      }
    }
    res.end(e.blockStop() + e.messageDelta() + e.messageStop());
    finished = true;
  });

  // The bridge's own response object, to look at what it holds in memory for this stream.
  let bridgeRes: import('node:http').ServerResponse | undefined;
  h.bridge.server.on('request', (_req, r) => (bridgeRes = r));
  // A raw client that does not read its response until told to.
  const url = new URL(`${h.bridge.url}/v1/chat/completions`);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, resolve);
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
  });
  res.pause();

  // Wait until the upstream writer is blocked and makes no progress for many event-loop turns
  // (each turn polls the sockets), i.e. every buffer between it and our paused reader is full.
  let still = 0;
  let last = -1;
  while (still < 500 && !finished) {
    await new Promise((r) => setImmediate(r));
    if (waiting && written === last) still++;
    else still = 0;
    last = written;
  }
  const upstreamBytes = written;
  const wantedBytes = total * delta.length;
  expect(finished).toBe(false);
  // Socket buffers on both hops and the stream buffers in between: a few MiB at most, never the whole answer.
  expect(upstreamBytes).toBeLessThan(wantedBytes / 2);
  // What the bridge itself buffers for the stream: its socket's high-water mark plus one chunk's frames.
  expect(bridgeRes!.writableLength).toBeLessThan(256 * 1024);

  let pending = '';
  let textLength = 0;
  let lastFrame = '';
  res.setEncoding('utf8');
  res.on('data', (c: string) => {
    const frames = (pending + c).split('\n\n');
    pending = frames.pop()!;
    for (const f of frames) {
      lastFrame = f;
      if (f === 'data: [DONE]') continue;
      const chunk = JSON.parse(f.slice(6)) as { choices: Array<{ delta: { content?: string } }> };
      textLength += chunk.choices[0]?.delta.content?.length ?? 0;
    }
  });
  res.resume();
  await new Promise<void>((r) => res.on('end', () => r()));
  expect(lastFrame).toBe('data: [DONE]');
  expect(textLength).toBe(total * piece.length);
});

test('closing the bridge ends a stream in flight and closes its upstream call', async () => {
  const never = gate();
  up.setScript(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart() + e.textStart() + e.textDelta('going'));
    await never.wait;
    res.end();
  });
  const stream = await h.sdk().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
  let text = '';
  let closing: Promise<void> | undefined;
  const err = await (async () => {
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      if (text === 'going') closing ??= h.close();
    }
  })().catch((x: unknown) => x);
  await up.clientClosed;
  await closing;
  expect(text).toBe('going');
  expect(err).toBeInstanceOf(APIError);
  expect((err as APIError).code).toBe('ERR_BRIDGE_SHUTTING_DOWN');
});

test('a client that goes away in the middle of its request body is not a bridge failure', async () => {
  const url = new URL(`${h.bridge.url}/v1/chat/completions`);
  const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': '1000' } });
  req.on('error', () => undefined);
  req.write('{"model":"m",', () => req.destroy());
  const line = await waitForLog(h, 'bridge request');
  expect(line).toMatchObject({ status: 499, outcome: 'client_gone' });
  expect(h.logs.lines.some((l) => l.level === 'error')).toBe(false);
  expect(up.received).toHaveLength(0);
});

test('closing the bridge is not held up by a client that stopped reading', async () => {
  const delta = e.textDelta('y'.repeat(4000));
  let waiting = false;
  up.setScript(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart() + e.textStart());
    for (let i = 0; i < 20000 && !res.destroyed; i++) {
      if (!res.write(delta)) {
        waiting = true;
        await drainedOrClosed(res);
        waiting = false;
      }
    }
    res.end();
  });
  const url = new URL(`${h.bridge.url}/v1/chat/completions`);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST' }, resolve);
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
  });
  res.pause();
  res.on('error', () => undefined);
  while (!waiting) await new Promise((r) => setImmediate(r));
  await h.close();
  await up.clientClosed;
  res.destroy();
});
