/**
 * Bridge e2e plumbing: a scripted upstream (each test writes the bytes an Anthropic host would send,
 * including broken ones), the bridge started against it with a captured logger and its own metrics,
 * and the OpenAI SDK pointed at the bridge. Everything opened here is closed in cleanup().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { fixedEnv } from '../../../src/core';
import { resolveTargets, type TargetFileEntry } from '../../../src/config/targets';
import { startBridge, type Bridge, type StartBridgeOptions } from '../../../src/bridge/server';
import { Metrics } from '../../../src/health/metrics';
import { createLogger } from '../../../src/log';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Script = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface ScriptedUpstream {
  url: string;
  received: Recorded[];
  /** Resolves when an upstream response is closed by the other side before the script ended it. */
  clientClosed: Promise<void>;
  setScript(script: Script): void;
  close(): Promise<void>;
}

export async function startScriptedUpstream(initial?: Script): Promise<ScriptedUpstream> {
  let script: Script = initial ?? ((_q, res) => {
    res.end();
  });
  const received: Recorded[] = [];
  const sockets = new Set<Socket>();
  let markClosed!: () => void;
  const clientClosed = new Promise<void>((r) => (markClosed = r));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished) markClosed();
      });
      void Promise.resolve(script(req, res, body)).catch(() => res.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    clientClosed,
    setScript: (s) => (script = s),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Waits until a blocked upstream writer may write again, or its client is gone. */
export function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const anthropicEvents = {
  messageStart: (id = 'msg_1', model = 'claude-sonnet-4-5', input = 10) => sse('message_start', {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, output_tokens: 1 } },
  }),
  textStart: (index = 0) => sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
  textDelta: (text: string, index = 0) => sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }),
  blockStop: (index = 0) => sse('content_block_stop', { type: 'content_block_stop', index }),
  messageDelta: (stop = 'end_turn', output = 5) => sse('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: output } }),
  messageStop: () => sse('message_stop', { type: 'message_stop' }),
};

export function textStream(parts: string[]): string {
  const e = anthropicEvents;
  return e.messageStart() + e.textStart() + parts.map((p) => e.textDelta(p)).join('') + e.blockStop() + e.messageDelta() + e.messageStop();
}

export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    const s = chunk.toString('utf8');
    this.text += s;
    for (const line of s.split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    cb();
  }
}

export interface BridgeHarness {
  bridge: Bridge;
  metrics: Metrics;
  logs: LogCapture;
  sdk(opts?: { target?: string; apiKey?: string; headers?: Record<string, string> }): OpenAI;
  close(): Promise<void>;
}

export async function startBridgeHarness(
  targets: Record<string, TargetFileEntry>,
  extra: Partial<StartBridgeOptions> & { secrets?: Record<string, string>; maxBody?: number } = {},
): Promise<BridgeHarness> {
  const logs = new LogCapture();
  const metrics = new Metrics();
  const { secrets, maxBody, ...rest } = extra;
  const config = resolveTargets({ targets, ...(maxBody ? { max_body_bytes: maxBody } : {}) }, { env: secrets ?? {} });
  const bridge = await startBridge({
    targets: config,
    logger: createLogger({ level: 'debug', destination: logs }),
    metrics,
    env: fixedEnv(),
    ...rest,
  });
  return {
    bridge,
    metrics,
    logs,
    sdk: (o = {}) => new OpenAI({
      apiKey: o.apiKey ?? 'sk-client-key',
      baseURL: o.target ? `${bridge.url}/t/${o.target}/v1` : `${bridge.url}/v1`,
      maxRetries: 0,
      defaultHeaders: o.headers,
    }),
    close: () => bridge.close(),
  };
}
