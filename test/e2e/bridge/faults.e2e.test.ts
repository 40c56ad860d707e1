/**
 * Upstream faults: each gives the client a clear OpenAI error (a status before the stream started, an
 * error object as the last frame after) and leaves nothing open: every test closes bridge and upstream,
 * and jest must exit on its own.
 */
import OpenAI, { APIError } from 'openai';
import { anthropicEvents as e, closedPort, drainedOrClosed, startBridgeHarness, startScriptedUpstream, type BridgeHarness, type ScriptedUpstream } from './harness';

let up: ScriptedUpstream;
let h: BridgeHarness;
const releases: Array<() => void> = [];

beforeEach(async () => {
  up = await startScriptedUpstream();
});

afterEach(async () => {
  for (const r of releases.splice(0)) r();
  await h?.close();
  await up.close();
});

const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

async function streamOutcome(client: OpenAI): Promise<{ text: string; error?: APIError; chunks: number }> {
  let text = '';
  let chunks = 0;
  try {
    const stream = await client.chat.completions.create({ ...ask, stream: true });
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta.content ?? '';
    }
    return { text, chunks };
  } catch (error) {
    if (!(error instanceof APIError)) throw error;
    return { text, error, chunks };
  }
}

test('upstream refuses the connection -> 502 before any stream', async () => {
  h = await startBridgeHarness({ default: { base_url: `http://127.0.0.1:${await closedPort()}` } });
  const err = await h.sdk().chat.completions.create({ ...ask, stream: true }).catch((x: unknown) => x);
  expect(err).toBeInstanceOf(APIError);
  expect((err as APIError).status).toBe(502);
  expect((err as APIError).code).toBe('ERR_BRIDGE_UPSTREAM_UNREACHABLE');
  expect((err as APIError).message).toMatch(/ECONNREFUSED/);
});

test('upstream never sends headers -> 504 after the headers timeout', async () => {
  up.setScript(() => new Promise<void>((r) => releases.push(r)));
  h = await startBridgeHarness({ default: { base_url: up.url, timeouts: { headers_ms: 100 } } });
  const err = await h.sdk().chat.completions.create(ask).catch((x: unknown) => x);
  expect(err).toBeInstanceOf(APIError);
  expect((err as APIError).status).toBe(504);
  expect((err as APIError).code).toBe('ERR_BRIDGE_UPSTREAM_TIMEOUT');
  expect((err as APIError).type).toBe('timeout_error');
});

test('upstream stalls mid-stream -> the stream ends with a timeout error object and no [DONE]', async () => {
  up.setScript(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart() + e.textStart() + e.textDelta('so far'));
    await new Promise<void>((r) => releases.push(r));
    res.end();
  });
  h = await startBridgeHarness({ default: { base_url: up.url, timeouts: { body_ms: 100 } } });
  const out = await streamOutcome(h.sdk());
  expect(out.text).toBe('so far');
  expect(out.error?.message).toMatch(/stopped sending/);
  expect(out.error?.code).toBe('ERR_BRIDGE_UPSTREAM_TIMEOUT');
  expect(h.logs.lines.find((l) => l.msg === 'bridge request')).toMatchObject({ status: 200, outcome: 'error' });
});

test('upstream resets the connection mid-stream -> error object, and the raw stream has no [DONE]', async () => {
  up.setScript((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart() + e.textStart() + e.textDelta('half'), () => res.socket?.destroy());
  });
  h = await startBridgeHarness({ default: { base_url: up.url } });
  const raw = await fetch(`${h.bridge.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ ...ask, stream: true }) });
  const text = await raw.text();
  const frames = text.split('\n\n').filter(Boolean);
  expect(frames).not.toContain('data: [DONE]');
  const last = JSON.parse(frames[frames.length - 1].slice(6)) as { error: { code: string; type: string } };
  expect(last.error.code).toBe('ERR_BRIDGE_UPSTREAM_RESET');
  expect(last.error.type).toBe('api_error');
});

test('upstream ends the body without message_stop -> the core truncation error', async () => {
  up.setScript((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(e.messageStart() + e.textStart() + e.textDelta('cut'));
  });
  h = await startBridgeHarness({ default: { base_url: up.url } });
  const out = await streamOutcome(h.sdk());
  expect(out.text).toBe('cut');
  expect(out.error?.code).toBe('ERR_STREAM_TRUNCATED');
});

test('upstream sends invalid SSE data -> error object naming the invalid event', async () => {
  up.setScript((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart());
    res.end('event: content_block_delta\ndata: {not json\n\n');
  });
  h = await startBridgeHarness({ default: { base_url: up.url } });
  const out = await streamOutcome(h.sdk());
  expect(out.chunks).toBe(1);
  expect(out.error?.code).toBe('ERR_UPSTREAM_RESPONSE_INVALID');
});

test('an upstream SSE event without end is cut at the parser limit, not buffered forever', async () => {
  up.setScript(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(e.messageStart());
    const line = 'x'.repeat(64 * 1024);
    res.write('event: content_block_delta\ndata: ');
    // More than the 8 MiB event limit, without a line end; the bridge must give up on its own.
    for (let i = 0; i < 200 && !res.destroyed; i++) {
      if (!res.write(line)) await drainedOrClosed(res);
    }
    res.end();
  });
  h = await startBridgeHarness({ default: { base_url: up.url } });
  const out = await streamOutcome(h.sdk());
  expect(out.error?.code).toBe('ERR_STREAM_EVENT_TOO_LARGE');
});

test('non-streaming: an upstream body that is not JSON -> 502', async () => {
  up.setScript((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('<html>oops</html>');
  });
  h = await startBridgeHarness({ default: { base_url: up.url } });
  const err = await h.sdk().chat.completions.create(ask).catch((x: unknown) => x);
  expect((err as APIError).status).toBe(502);
  expect((err as APIError).code).toBe('ERR_UPSTREAM_RESPONSE_INVALID');
});

test('non-streaming: the upstream drops the connection mid-body -> 502', async () => {
  up.setScript((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"id":"msg_1",', () => res.socket?.destroy());
  });
  h = await startBridgeHarness({ default: { base_url: up.url } });
  const err = await h.sdk().chat.completions.create(ask).catch((x: unknown) => x);
  expect((err as APIError).status).toBe(502);
  expect((err as APIError).code).toBe('ERR_BRIDGE_UPSTREAM_RESET');
});
