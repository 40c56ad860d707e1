/**
 * FakeApisix: drives a runner over its Unix socket the way APISIX 3.18's Lua client does.
 *
 *   const apisix = new FakeApisix({ socketPath });
 *   const r = await apisix.httpReqCall({
 *     routeKey: 'route#1#ext-plugin-pre-req#1',
 *     conf: [{ name: 'my-filter', value: '{"x":1}' }],
 *     request: { method: 'POST', path: '/v1/chat', headers: { 'content-type': 'application/json' }, body: '{}' },
 *   });
 *   // r.kind: 'stop' (r.status, r.headers, r.body: what the client gets)
 *   //       | 'rewrite' (r.request: what the upstream gets; r.respHeaders; r.upstreamUri)
 *   //       | 'continue' (r.request unchanged) | 'error' (r.status 503, r.error: APISIX's log text)
 *   // r.trace: every frame (with raw header bytes) of the call, r.tries: attempts used.
 *   const resp = await apisix.httpRespCall({ routeKey, conf, request, upstream: { status: 200, headers: [['Content-Type', 'application/json']], body: '{}' } });
 *   // resp.kind 'response' (resp.status, resp.headers, resp.body as the client sees them) | 'error'
 *   await apisix.close();
 *
 * Behaviour copied from APISIX (fact sheet §4-§7): each call takes a connection from a pool of up to
 * 32 idle connections, then looks up the conf token; on a miss it runs PrepareConf on a *second*
 * connection while the first stays open and silent (on a hit it still takes and returns a second
 * connection, unused). It answers ExtraInfo Var/ReqBody/RespBody from the supplied context (a second
 * RespBody gets an empty result and wipes the kept body, as in APISIX), retries the whole call up to
 * 3 times when the runner says "conf token not found" (flushing its token cache each time), and gives
 * up with a 503 on any other failure. Every receive has a read timeout (60 s as in APISIX; settable).
 * Replies are applied with APISIX's rules (apply.ts).
 */
import { ConnectionPool } from './pool';
import { FakeApisixError, type FakeConnection, type TraceEntry } from './connection';
import {
  buildExtraInfoResp, buildHttpReqCall, buildHttpRespCall, buildPrepareConfReq, readErr, readExtraInfoReq,
  readHttpReqCallResp, readHttpRespCallResp, readPrepareConfResp, type Pair,
} from './messages';
import { applyRespCall, applyRewrite, setThenAdd, type ClientResponse, type Header, type UpstreamRequest } from './apply';

const RPC = { ERROR: 0, PREPARE_CONF: 1, HTTP_REQ_CALL: 2, EXTRA_INFO: 3, HTTP_RESP_CALL: 4 } as const;
const RPC_NAMES: Record<number, string> = { 1: 'RPC_PREPARE_CONF', 2: 'RPC_HTTP_REQ_CALL', 4: 'RPC_HTTP_RESP_CALL' };

export interface FakeApisixOptions {
  socketPath: string;
  /** Per-receive read timeout; APISIX's is a fixed 60 s. */
  readTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** The plugin's allow_degradation: runner failures let the request through. */
  allowDegradation?: boolean;
}

export interface ConfEntry {
  name: string;
  /** Absent = an entry without value. */
  value?: string;
}

export interface FakeHttpRequest {
  method?: string;
  /** Decoded path without query ($uri). */
  path: string;
  /** Names are lower-cased like ngx.req.get_headers(); arrays give one entry per value. */
  headers?: Record<string, string | string[]> | readonly Header[];
  args?: readonly Pair[];
  body?: string | Buffer;
  /** Extra ctx.var values; http_*, arg_*, uri, request_method and host are derived automatically. */
  vars?: Record<string, string | undefined>;
  srcIp?: Uint8Array;
}

export interface Upstream {
  status: number;
  /** Original case, one entry per value, as lua-resty-http gives them. */
  headers: readonly Pair[];
  body?: string | Buffer;
}

interface CallCommon {
  routeKey: string;
  conf: readonly ConfEntry[];
}

interface Outcome {
  /** Attempts used (1 + retries after "conf token not found"). */
  tries: number;
  trace: TraceEntry[];
}

export type ReqCallOutcome = Outcome &
  (
    | { kind: 'stop'; status: number; headers: Header[]; body: Buffer | undefined }
    | { kind: 'rewrite'; request: UpstreamRequest; respHeaders: Header[]; upstreamUri: string | undefined }
    | { kind: 'continue'; request: UpstreamRequest; degraded?: boolean }
    | { kind: 'error'; status: 503; error: string }
  );

export type RespCallOutcome = Outcome &
  ({ kind: 'response'; degraded?: boolean } & ClientResponse | { kind: 'error'; status: 503; error: string });

class TokenNotFound extends FakeApisixError {}

function toBuffer(b: string | Buffer | undefined): Buffer | undefined {
  return b === undefined ? undefined : Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8');
}

function normaliseRequest(r: FakeHttpRequest): UpstreamRequest {
  let headers: Header[];
  if (Array.isArray(r.headers)) headers = (r.headers as readonly Header[]).map(([n, v]) => [n.toLowerCase(), v]);
  else {
    headers = [];
    for (const [n, v] of Object.entries((r.headers as Record<string, string | string[]>) ?? {})) {
      for (const one of Array.isArray(v) ? v : [v]) headers.push([n.toLowerCase(), one]);
    }
  }
  return { method: (r.method ?? 'GET').toUpperCase(), path: r.path, headers, args: [...(r.args ?? [])], body: toBuffer(r.body) };
}

/** ctx.var as APISIX resolves the names tests use. */
function lookupVar(name: string, req: UpstreamRequest, extra: Record<string, string | undefined> | undefined): string | undefined {
  if (extra && name in extra) return extra[name];
  if (name.startsWith('http_')) {
    const header = name.slice(5).replace(/_/g, '-');
    const values = req.headers.filter(([n]) => n === header).map(([, v]) => v);
    return values.length ? values.join(', ') : undefined;
  }
  if (name.startsWith('arg_')) {
    const hit = req.args.find(([n]) => n === name.slice(4));
    return hit ? hit[1] ?? '' : undefined;
  }
  if (name === 'uri') return req.path;
  if (name === 'request_method') return req.method;
  if (name === 'host') return req.headers.find(([n]) => n === 'host')?.[1];
  return undefined;
}

export class FakeApisix {
  private readonly pool: ConnectionPool;
  private readonly tokens = new Map<string, number>();
  private readonly readTimeoutMs: number;
  private nextRequestId = 0;
  readonly stats = { prepareConf: 0, reqCalls: 0, respCalls: 0, tokenNotFound: 0, errors: 0 };

  constructor(private readonly opts: FakeApisixOptions) {
    this.pool = new ConnectionPool(opts.socketPath, opts.connectTimeoutMs ?? 1000);
    this.readTimeoutMs = opts.readTimeoutMs ?? 60_000;
  }

  /** Connections opened so far, idle connections pooled now, and drops for unread runner bytes. */
  get connections(): { opened: number; idle: number; unreadDataDrops: number } {
    return { opened: this.pool.opened, idle: this.pool.idleCount, unreadDataDrops: this.pool.unreadDataDrops };
  }

  /** What runner_exit does: forget every conf token. */
  flushTokens(): void {
    this.tokens.clear();
  }

  /** A raw connection for byte-level tests (not pooled). */
  rawConnection(): Promise<FakeConnection> {
    return this.pool.acquire();
  }

  /** PrepareConf on its own, as the nested rpc_call does; returns the token or throws. */
  async prepareConf(routeKey: string | undefined, conf: readonly ConfEntry[] | undefined, trace?: TraceEntry[]): Promise<number> {
    const conn = await this.pool.acquire();
    conn.tap = trace;
    let ok = false;
    try {
      this.stats.prepareConf += 1;
      const pairs = conf?.map((c) => [c.name, c.value ?? null] as Pair);
      conn.sendFrame(RPC.PREPARE_CONF, buildPrepareConfReq(routeKey, pairs));
      const reply = await this.receiveReply(conn, RPC.PREPARE_CONF, () => { throw new FakeApisixError('unexpected ExtraInfo during PrepareConf'); });
      ok = true;
      return readPrepareConfResp(reply);
    } finally {
      conn.tap = undefined;
      this.pool.release(conn, ok);
    }
  }

  private async token(call: CallCommon, trace: TraceEntry[]): Promise<number> {
    const cached = this.tokens.get(call.routeKey);
    if (cached !== undefined) {
      // APISIX's nested rpc_call connects even on a cache hit and pools the unused socket.
      const idle = await this.pool.acquire();
      this.pool.release(idle, true);
      return cached;
    }
    const token = await this.prepareConf(call.routeKey, call.conf, trace);
    this.tokens.set(call.routeKey, token);
    return token;
  }

  /** Reads frames, answering ExtraInfo, until the final reply; returns its payload or throws APISIX's error. */
  private async receiveReply(conn: FakeConnection, type: number, onInfo: (payload: Buffer) => Uint8Array): Promise<Buffer> {
    for (;;) {
      let frame;
      try {
        frame = await conn.receiveFrame(this.readTimeoutMs);
      } catch (e) {
        throw new FakeApisixError(`failed to receive ${RPC_NAMES[type]}: ${(e as Error).message}`);
      }
      if (frame.type === RPC.EXTRA_INFO) {
        conn.sendFrame(RPC.EXTRA_INFO, onInfo(frame.payload));
        continue;
      }
      if (frame.type === RPC.ERROR) {
        const err = readErr(frame.payload);
        if (err.text === 'conf token not found') throw new TokenNotFound(err.text);
        throw new FakeApisixError(err.text);
      }
      if (frame.type !== type) throw new FakeApisixError(`unexpected type ${frame.type}`);
      return frame.payload;
    }
  }

  /** _M.communicate: up to 3 tries, flushing tokens after "conf token not found". */
  private async communicate<T>(call: CallCommon, once: (trace: TraceEntry[]) => Promise<T>): Promise<{ value?: T; error?: string; tries: number; trace: TraceEntry[] }> {
    const trace: TraceEntry[] = [];
    let error = '';
    for (let tries = 1; tries <= 3; tries++) {
      try {
        return { value: await once(trace), tries, trace };
      } catch (e) {
        error = (e as Error).message;
        if (e instanceof TokenNotFound) {
          this.stats.tokenNotFound += 1;
          this.flushTokens();
          continue;
        }
        if (!(e instanceof FakeApisixError)) throw e;
        this.stats.errors += 1;
        return { error, tries, trace };
      }
    }
    this.stats.errors += 1;
    return { error, tries: 3, trace };
  }

  private async rpc(call: CallCommon, type: number, payload: (token: number) => Uint8Array, onInfo: (q: Buffer) => Uint8Array, trace: TraceEntry[]): Promise<Buffer> {
    const conn = await this.pool.acquire();
    let ok = false;
    try {
      const token = await this.token(call, trace);
      conn.tap = trace;
      conn.sendFrame(type, payload(token));
      const reply = await this.receiveReply(conn, type, (q) => {
        try {
          return onInfo(q);
        } catch (e) {
          conn.destroy();
          throw e;
        }
      });
      ok = true;
      return reply;
    } finally {
      conn.tap = undefined;
      this.pool.release(conn, ok);
    }
  }

  async httpReqCall(call: CallCommon & { request: FakeHttpRequest }): Promise<ReqCallOutcome> {
    this.stats.reqCalls += 1;
    const req = normaliseRequest(call.request);
    const id = this.nextRequestId++ % 2 ** 22;
    const onInfo = (payload: Buffer): Uint8Array => {
      const q = readExtraInfoReq(payload);
      if (q.kind === 'var') {
        const v = lookupVar(q.name, req, call.request.vars);
        return buildExtraInfoResp(v === undefined ? undefined : Buffer.from(v));
      }
      if (q.kind === 'reqBody') return buildExtraInfoResp(req.body);
      if (q.kind === 'respBody') return buildExtraInfoResp(undefined); // "failed to read response body: not exits"
      throw new FakeApisixError(`unsupported info type: ${q.type}`);
    };
    const r = await this.communicate(call, (trace) =>
      this.rpc(call, RPC.HTTP_REQ_CALL, (confToken) => buildHttpReqCall({
        id, confToken, method: req.method, path: req.path, srcIp: call.request.srcIp ?? Uint8Array.from([127, 0, 0, 1]),
        args: req.args, headers: req.headers,
      }), onInfo, trace),
    );
    const base = { tries: r.tries, trace: r.trace };
    if (r.value === undefined) {
      if (this.opts.allowDegradation) return { ...base, kind: 'continue', request: req, degraded: true };
      return { ...base, kind: 'error', status: 503, error: r.error ?? 'unknown' };
    }
    const reply = readHttpReqCallResp(r.value);
    if (reply.action === 'stop') {
      return { ...base, kind: 'stop', status: reply.status || 200, headers: setThenAdd(reply.headers), body: reply.body.length > 0 ? reply.body : undefined };
    }
    if (reply.action === 'rewrite') return { ...base, kind: 'rewrite', ...applyRewrite(req, reply) };
    return { ...base, kind: 'continue', request: req };
  }

  async httpRespCall(call: CallCommon & { request?: FakeHttpRequest; upstream: Upstream }): Promise<RespCallOutcome> {
    this.stats.respCalls += 1;
    const req = normaliseRequest(call.request ?? { path: '/' });
    const id = this.nextRequestId++ % 2 ** 22;
    const upstreamBody = toBuffer(call.upstream.body) ?? Buffer.alloc(0);
    let kept = upstreamBody;
    let respBodyReads = 0;
    const onInfo = (payload: Buffer): Uint8Array => {
      const q = readExtraInfoReq(payload);
      if (q.kind === 'var') {
        const v = lookupVar(q.name, req, call.request?.vars);
        return buildExtraInfoResp(v === undefined ? undefined : Buffer.from(v));
      }
      if (q.kind === 'reqBody') return buildExtraInfoResp(req.body);
      if (q.kind === 'respBody') {
        // The body reader drains once; a second read returns nothing and replaces the kept chunks.
        respBodyReads += 1;
        if (respBodyReads > 1) kept = Buffer.alloc(0);
        return buildExtraInfoResp(respBodyReads > 1 ? Buffer.alloc(0) : upstreamBody);
      }
      throw new FakeApisixError(`unsupported info type: ${q.type}`);
    };
    const r = await this.communicate(call, (trace) => {
      respBodyReads = 0;
      kept = upstreamBody;
      return this.rpc(call, RPC.HTTP_RESP_CALL, (confToken) => buildHttpRespCall({ id, confToken, status: call.upstream.status, headers: call.upstream.headers }), onInfo, trace);
    });
    const base = { tries: r.tries, trace: r.trace };
    if (r.value === undefined) {
      if (this.opts.allowDegradation) {
        return { ...base, kind: 'response', degraded: true, ...applyRespCall(call.upstream as { status: number; headers: Pair[] }, kept, { status: 0, headers: [], body: Buffer.alloc(0) }) };
      }
      return { ...base, kind: 'error', status: 503, error: r.error ?? 'unknown' };
    }
    const reply = readHttpRespCallResp(r.value);
    return { ...base, kind: 'response', ...applyRespCall(call.upstream as { status: number; headers: Pair[] }, kept, reply) };
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
