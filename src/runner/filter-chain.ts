/**
 * Runs a route's filters in conf order and folds their actions into one reply.
 * Request phase: a Stop ends the chain and is the answer (earlier rewrites are dropped: the request
 * never reaches the upstream); rewrites merge (path and body: last one wins; header, arg and response
 * header edits are concatenated, which APISIX applies in order). Every filter sees the request as
 * APISIX sent it. Response phase: the first `replace` wins and ends the chain.
 * A filter that throws, or returns something that cannot be encoded, fails the call with
 * SERVICE_UNAVAILABLE.
 */
import type { Logger } from 'pino';
import type { HttpReqCallReply, HttpRespCallReply, TextPair } from '../protocol';
import { callLogger } from '../log/fields';
import { CallFailure, unavailable } from './call-failure';
import type { FilterRequest, FilterResponse, RequestAction, ResponseAction } from './filter-contract';
import type { PreparedFilter } from './prepared-conf';

function bytes(body: Buffer | string | undefined, filter: string): Uint8Array | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  throw unavailable(`filter "${filter}" returned a body that is neither a string nor a Buffer`, undefined, filter);
}

function status(value: number | undefined, filter: string): number {
  const s = value ?? 0;
  if (!Number.isInteger(s) || s < 0 || s > 65535) throw unavailable(`filter "${filter}" returned an invalid status ${String(value)}`, undefined, filter);
  return s;
}

async function invoke<T>(p: PreparedFilter, log: Logger, run: (log: Logger) => Promise<T> | undefined): Promise<T | undefined> {
  const flog = callLogger(log, { filter: p.name });
  try {
    return await run(flog);
  } catch (e) {
    if (e instanceof CallFailure) throw e;
    throw unavailable(`filter "${p.name}" failed: ${(e as Error)?.message ?? String(e)}`, e, p.name);
  }
}

export async function runRequestFilters(filters: readonly PreparedFilter[], req: FilterRequest, log: Logger): Promise<HttpReqCallReply> {
  let path: string | undefined;
  let body: Uint8Array | undefined;
  const headers: TextPair[] = [];
  const args: TextPair[] = [];
  const respHeaders: (readonly [string, string])[] = [];
  let rewritten = false;
  for (const p of filters) {
    if (!p.filter.onRequest) continue;
    const action: RequestAction | undefined = await invoke(p, log, (flog) => p.filter.onRequest?.(p.conf, req, { log: flog }));
    if (!action || action.kind === 'continue') continue;
    if (action.kind === 'stop') {
      return { kind: 'stop', status: status(action.status, p.name), headers: action.headers, body: bytes(action.body, p.name) };
    }
    if (action.kind !== 'rewrite') throw unavailable(`filter "${p.name}" returned an unknown action`, undefined, p.name);
    rewritten = true;
    if (action.path !== undefined) path = action.path;
    if (action.body !== undefined) body = bytes(action.body, p.name);
    headers.push(...(action.headers ?? []));
    args.push(...(action.args ?? []));
    respHeaders.push(...(action.respHeaders ?? []));
  }
  if (!rewritten) return { kind: 'none' };
  return { kind: 'rewrite', path, headers, args, respHeaders, body };
}

export async function runResponseFilters(filters: readonly PreparedFilter[], res: FilterResponse, log: Logger): Promise<HttpRespCallReply> {
  for (const p of filters) {
    if (!p.filter.onResponse) continue;
    const action: ResponseAction | undefined = await invoke(p, log, (flog) => p.filter.onResponse?.(p.conf, res, { log: flog }));
    if (!action || action.kind === 'continue') continue;
    if (action.kind !== 'replace') throw unavailable(`filter "${p.name}" returned an unknown action`, undefined, p.name);
    return { status: status(action.status, p.name), headers: action.headers, body: bytes(action.body, p.name) };
  }
  return {};
}
