/**
 * The strict mock Anthropic upstream: POST .../v1/messages (any prefix, so Azure AI Foundry's
 * /anthropic/v1/messages works), GET /healthz. Every request is validated like the real API,
 * recorded, and answered per scenario (scenarios.ts) as JSON or an exact SSE sequence.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { mockError, requestId, type MockError } from './errors';
import { answerFor, ERROR_TYPES, pickScenario, streamEvents, type Scenario } from './scenarios';
import { validateAnthropicRequest, type MockRules } from './validate';

export interface MockOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Accepted API keys; empty = any non-empty key. */
  keys?: string[];
  rules?: MockRules;
  log?: Logger;
  /** Delay between stream events in ms (default 0; the `slow` scenario sets its own). */
  eventDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface MockAnthropic {
  readonly url: string;
  readonly port: number;
  readonly received: RecordedRequest[];
  /** Releases every stream held by the `hold` scenario. */
  release(): void;
  /** Resolves when the next stream enters `hold` (after its first text delta was written). */
  whenHeld(): Promise<void>;
  /** Resolves when a client next goes away before its stream finished. */
  whenClientGone(): Promise<void>;
  /** Streams whose client went away before the end. */
  readonly clientsGone: number;
  close(): Promise<void>;
}

const MAX_BODY = 32 * 1024 * 1024;
type Obj = Record<string, unknown>;

function sendError(res: ServerResponse, e: MockError, extra: Record<string, string> = {}): void {
  res.writeHead(e.status, { 'content-type': 'application/json', 'request-id': e.body.request_id, ...extra });
  res.end(JSON.stringify(e.body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startMockAnthropic(opts: MockOptions = {}): Promise<MockAnthropic> {
  const received: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let held: Array<() => void> = [];
  let heldWaiters: Array<() => void> = [];
  let goneWaiters: Array<() => void> = [];
  let clientsGone = 0;
  const rules: MockRules = { ...(opts.rules ?? {}), keys: opts.keys ?? opts.rules?.keys };

  const clientGone = () => {
    clientsGone += 1;
    const w = goneWaiters;
    goneWaiters = [];
    for (const f of w) f();
  };

  async function stream(req: IncomingMessage, res: ServerResponse, s: Scenario, body: Obj, rid: string): Promise<void> {
    const answer = answerFor(s, body);
    const events = streamEvents(`msg_mock_${rid.slice(8)}`, String(body.model), answer);
    let finished = false;
    res.on('close', () => {
      if (!finished) clientGone();
    });
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': rid });
    const frame = (ev: Obj) => `event: ${String(ev.type)}\ndata: ${JSON.stringify(ev)}\n\n`;
    const delay = s.name === 'slow' ? Number(s.arg) || 20 : opts.eventDelayMs ?? 0;
    let textDeltas = 0;
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      const ev = events[i];
      if (s.name === 'truncated' && ev.type === 'content_block_stop') return void res.destroy();
      if (s.name === 'no-stop-after-delta' && ev.type === 'message_stop') break;
      if (s.name === 'mid-stream-error' && ev.type === 'content_block_stop') {
        res.write(frame({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
        break;
      }
      if (s.name === 'reset' && ev.type === 'content_block_stop') return void req.socket.destroy();
      if (s.name === 'invalid-sse' && ev.type === 'content_block_stop') res.write('event: content_block_delta\ndata: {this is not json\n\n');
      if (s.name === 'unknown-event' && i === 2) res.write(frame({ type: 'brand_new_event', detail: 1 }));
      const text = frame(ev);
      if (s.name === 'split') {
        for (let j = 0; j < text.length; j += 7) {
          res.write(text.slice(j, j + 7));
          await sleep(0);
        }
      } else if (!res.write(text)) {
        await new Promise((r) => res.once('drain', r));
      }
      if (s.name === 'stall' && ev.type === 'message_start') return; // never another byte: the client must give up
      if (ev.type === 'content_block_delta') textDeltas += 1;
      if (s.name === 'hold' && textDeltas === 1 && ev.type === 'content_block_delta') {
        await new Promise<void>((r) => {
          held.push(r);
          const w = heldWaiters;
          heldWaiters = [];
          for (const f of w) f();
        });
      }
      if (delay > 0) await sleep(delay);
    }
    finished = true;
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"status":"ok"}');
    }
    if (req.method !== 'POST' || !path.endsWith('/v1/messages')) {
      return sendError(res, mockError(404, 'not_found_error', `${req.method} ${path} not found`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) {
        sendError(res, mockError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'), { connection: 'close' });
        return void req.destroy();
      }
      chunks.push(c as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return sendError(res, mockError(400, 'invalid_request_error', 'The request body is not valid JSON.'));
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    received.push({ method: req.method, path, headers: req.headers, body });
    const invalidReq = validateAnthropicRequest(body, headers, rules);
    if (invalidReq) {
      opts.log?.debug({ status: invalidReq.status, message: invalidReq.body.error.message }, 'mock refused a request');
      return sendError(res, invalidReq);
    }
    const b = body as Obj;
    const s = pickScenario(headers['x-mock-scenario'], b);
    if (s.name === 'error') {
      const status = s.arg && Object.hasOwn(ERROR_TYPES, s.arg) ? Number(s.arg) : 500;
      const extra: Record<string, string> = status === 429 ? { 'retry-after': '7', 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': new Date(Date.now() + 60_000).toISOString() } : {};
      return sendError(res, mockError(status, s.arg === 'unknown' ? 'brand_new_error' : ERROR_TYPES[String(status)], `Mock ${s.arg ?? '500'} error.`), extra);
    }
    if (s.name === 'html-502') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return void res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>');
    }
    const rid = requestId();
    if (b.stream === true) return stream(req, res, s, b, rid);
    const answer = answerFor(s, b);
    res.writeHead(200, {
      'content-type': 'application/json', 'request-id': rid,
      'anthropic-ratelimit-requests-limit': '1000', 'anthropic-ratelimit-requests-remaining': '999',
      'anthropic-ratelimit-requests-reset': new Date(Date.now() + 60_000).toISOString(),
    });
    res.end(JSON.stringify({ id: `msg_mock_${rid.slice(8)}`, type: 'message', role: 'assistant', model: b.model, ...answer, stop_sequence: answer.stop_sequence ?? null }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.log?.error({ err: e }, 'mock failed to answer');
      if (!res.headersSent) sendError(res, mockError(500, 'api_error', 'Mock internal error.'));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    received,
    release() {
      const h = held;
      held = [];
      for (const f of h) f();
    },
    whenHeld: () => new Promise<void>((r) => heldWaiters.push(r)),
    whenClientGone: () => new Promise<void>((r) => goneWaiters.push(r)),
    get clientsGone() {
      return clientsGone;
    },
    async close() {
      for (const f of held) f();
      held = [];
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
