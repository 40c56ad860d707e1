/**
 * The upstream side: one undici Pool per target (keep-alive, TLS with SNI, connect/headers/body
 * timeouts), the headers a target gets, and the mapping of transport failures to OpenAI errors.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { buildUpstreamHeaders, type ConversionError } from '../core';
import type { BridgeTarget } from '../config/targets';
import { bridgeError } from './respond';

/** Headers that describe one hop or the body framing; never copied from the client. */
const HOP_HEADERS = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'content-length', 'content-type', 'accept', 'accept-encoding', 'expect',
]);
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key'] as const;

/**
 * The client credential as the core should see it. ai-proxy-multi forwards the client's own headers
 * and overlays its instance's auth.header, so a request may carry two credentials (the client's
 * Authorization for APISIX and the instance's x-api-key); auth.header says which one is meant.
 */
function credentialView(target: BridgeTarget, client: ClientHeaders): ClientHeaders {
  const out: ClientHeaders = { ...client };
  const header = target.credentialHeader;
  if (target.apiKey === undefined && header === undefined) return out;
  if (target.apiKey === undefined && target.options.auth === 'passthrough') {
    // As-is means as-is: only the named header, unchanged.
    for (const name of CREDENTIAL_HEADERS) if (name !== header) delete out[name];
    return out;
  }
  let key = target.apiKey;
  if (key === undefined && header !== undefined) {
    const raw = client[header]?.trim();
    key = header === 'authorization' && raw ? (/^Bearer\s+(\S.*)$/i.exec(raw)?.[1] ?? raw) : raw;
  }
  for (const name of CREDENTIAL_HEADERS) delete out[name];
  if (key) out.authorization = `Bearer ${key}`;
  return out;
}

export type ClientHeaders = Record<string, string | undefined>;

export function flattenHeaders(headers: IncomingHttpHeaders): ClientHeaders {
  const out: ClientHeaders = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * What goes upstream: only the headers we build (credential mapped per auth style, anthropic-version,
 * merged anthropic-beta), the target's forward_headers, and content negotiation. A key configured on
 * the target replaces whatever credential the client sent.
 */
export function upstreamRequestHeaders(target: BridgeTarget, client: ClientHeaders, stream: boolean): Record<string, string> {
  const effective = credentialView(target, client);
  const built = buildUpstreamHeaders(effective, target.options);
  const out: Record<string, string> = {};
  for (const name of target.forwardHeaders) {
    const value = effective[name];
    if (value !== undefined && !HOP_HEADERS.has(name)) out[name] = value;
  }
  if (target.options.auth === 'passthrough') {
    for (const name of CREDENTIAL_HEADERS) if (effective[name]) out[name] = effective[name]!;
  }
  for (const name of built.remove) delete out[name];
  Object.assign(out, built.set);
  out['content-type'] = 'application/json';
  out.accept = stream ? 'text/event-stream' : 'application/json';
  return out;
}

export type DispatcherFactory = (target: BridgeTarget) => Dispatcher;

export function createPool(target: BridgeTarget): Pool {
  return new Pool(target.origin, {
    connections: target.maxConnections,
    headersTimeout: target.timeouts.headersMs,
    bodyTimeout: target.timeouts.bodyMs,
    connect: {
      timeout: target.timeouts.connectMs,
      ...(target.tls.servername ? { servername: target.tls.servername } : {}),
      ...(target.tls.ca ? { ca: target.tls.ca } : {}),
      rejectUnauthorized: target.tls.rejectUnauthorized,
    },
  });
}

/** Dispatchers are created on first use and closed together when the bridge stops. */
export class UpstreamPools {
  private readonly dispatchers = new Map<string, Dispatcher>();
  private readonly owned = new Set<Dispatcher>();

  constructor(private readonly factory?: DispatcherFactory) {}

  get(target: BridgeTarget): Dispatcher {
    let d = this.dispatchers.get(target.name);
    if (!d) {
      if (this.factory) d = this.factory(target);
      else {
        d = createPool(target);
        this.owned.add(d);
      }
      this.dispatchers.set(target.name, d);
    }
    return d;
  }

  /** Closes the pools we created (injected dispatchers belong to the caller). */
  async close(): Promise<void> {
    const pools = [...this.owned];
    this.owned.clear();
    this.dispatchers.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(e: unknown): string | undefined {
  const own = (e as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (e as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/** A failure before any upstream status arrived. The message says what happened, never with headers or keys. */
export function beforeResponseError(e: unknown, target: BridgeTarget): ConversionError {
  const code = errorCode(e);
  if (code && TIMEOUT_CODES.has(code)) {
    const what = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : 'send its response headers';
    return bridgeError('ERR_BRIDGE_UPSTREAM_TIMEOUT', `The upstream of target "${target.name}" did not ${what} in time.`, 504, 'timeout_error');
  }
  return bridgeError('ERR_BRIDGE_UPSTREAM_UNREACHABLE', `The upstream of target "${target.name}" could not be reached (${code ?? 'connection failed'}).`, 502, 'api_error');
}

/** A failure after the status line: the body stalled or the connection broke. */
export function duringBodyError(e: unknown, target: BridgeTarget): ConversionError {
  const code = errorCode(e);
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return bridgeError('ERR_BRIDGE_UPSTREAM_TIMEOUT', `The upstream of target "${target.name}" stopped sending in the middle of the answer.`, 504, 'timeout_error');
  }
  return bridgeError('ERR_BRIDGE_UPSTREAM_RESET', `The connection to the upstream of target "${target.name}" broke in the middle of the answer (${code ?? 'closed'}).`, 502, 'api_error');
}

/** Lower-case name -> single value, as convertResponseHeaders wants. */
export function singleValued(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
