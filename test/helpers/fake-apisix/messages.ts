/**
 * APISIX's side of the payloads, built and read with the flatc-generated classes directly (not with
 * src/protocol/messages), the way APISIX's Lua uses its generated code.
 */
import { Builder, ByteBuffer } from 'flatbuffers';
import { TextEntry } from '../../../src/protocol/generated/a6/text-entry';
import { Method } from '../../../src/protocol/generated/a6/method';
import { Req as PrepareReq } from '../../../src/protocol/generated/a6/prepare-conf/req';
import { Resp as PrepareResp } from '../../../src/protocol/generated/a6/prepare-conf/resp';
import { Req as ReqCallReq } from '../../../src/protocol/generated/a6/httpreq-call/req';
import { Resp as ReqCallResp } from '../../../src/protocol/generated/a6/httpreq-call/resp';
import { Stop } from '../../../src/protocol/generated/a6/httpreq-call/stop';
import { Rewrite } from '../../../src/protocol/generated/a6/httpreq-call/rewrite';
import { Action } from '../../../src/protocol/generated/a6/httpreq-call/action';
import { Req as RespCallReq } from '../../../src/protocol/generated/a6/httpresp-call/req';
import { Resp as RespCallResp } from '../../../src/protocol/generated/a6/httpresp-call/resp';
import { Req as InfoReq } from '../../../src/protocol/generated/a6/extra-info/req';
import { Resp as InfoResp } from '../../../src/protocol/generated/a6/extra-info/resp';
import { Var } from '../../../src/protocol/generated/a6/extra-info/var';
import { Info } from '../../../src/protocol/generated/a6/extra-info/info';
import { Resp as ErrResp } from '../../../src/protocol/generated/a6/err/resp';

/** [name, value]; value null = TextEntry without value. */
export type Pair = readonly [string, string | null];

function entries(b: Builder, list: readonly Pair[] | undefined): number {
  if (!list || list.length === 0) return 0;
  const offs = list.map(([n, v]) => {
    const name = b.createString(n);
    const value = v === null ? 0 : b.createString(v);
    TextEntry.startTextEntry(b);
    TextEntry.addName(b, name);
    if (value) TextEntry.addValue(b, value);
    return TextEntry.endTextEntry(b);
  });
  return ReqCallReq.createHeadersVector(b, offs);
}

function readPairs(n: number, at: (i: number) => TextEntry | null): Pair[] {
  const out: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const e = at(i)!;
    out.push([e.name() ?? '', e.value()]);
  }
  return out;
}

export function buildPrepareConfReq(key: string | undefined, conf: readonly Pair[] | undefined): Uint8Array {
  const b = new Builder(256);
  const c = entries(b, conf);
  const k = key === undefined ? 0 : b.createString(key);
  PrepareReq.startReq(b);
  if (c) PrepareReq.addConf(b, c);
  if (k) PrepareReq.addKey(b, k);
  b.finish(PrepareReq.endReq(b));
  return b.asUint8Array();
}

export interface ReqCallFields {
  id: number;
  confToken: number;
  method: string;
  path: string;
  srcIp?: Uint8Array;
  args?: readonly Pair[];
  headers?: readonly Pair[];
}

export function buildHttpReqCall(f: ReqCallFields): Uint8Array {
  const b = new Builder(1024);
  const method = (Method as unknown as Record<string, number>)[f.method.toUpperCase()];
  if (method === undefined) throw new Error(`APISIX cannot encode method ${f.method}`);
  const ip = f.srcIp ? ReqCallReq.createSrcIpVector(b, f.srcIp) : 0;
  const path = b.createString(f.path);
  const args = entries(b, f.args);
  const headers = entries(b, f.headers);
  ReqCallReq.startReq(b);
  ReqCallReq.addId(b, f.id);
  if (ip) ReqCallReq.addSrcIp(b, ip);
  ReqCallReq.addMethod(b, method);
  ReqCallReq.addPath(b, path);
  if (args) ReqCallReq.addArgs(b, args);
  if (headers) ReqCallReq.addHeaders(b, headers);
  ReqCallReq.addConfToken(b, f.confToken);
  b.finish(ReqCallReq.endReq(b));
  return b.asUint8Array();
}

export function buildHttpRespCall(f: { id: number; confToken: number; status: number; headers?: readonly Pair[] }): Uint8Array {
  const b = new Builder(1024);
  const headers = entries(b, f.headers);
  RespCallReq.startReq(b);
  RespCallReq.addId(b, f.id);
  RespCallReq.addStatus(b, f.status);
  if (headers) RespCallReq.addHeaders(b, headers);
  RespCallReq.addConfToken(b, f.confToken);
  b.finish(RespCallReq.endReq(b));
  return b.asUint8Array();
}

/** ExtraInfo.Resp: `undefined` leaves `result` out (nil), an empty array sends an empty vector. */
export function buildExtraInfoResp(result: Uint8Array | undefined): Uint8Array {
  const b = new Builder(64 + (result?.length ?? 0));
  const r = result === undefined ? 0 : b.createByteVector(result);
  InfoResp.startResp(b);
  if (result !== undefined) InfoResp.addResult(b, r);
  b.finish(InfoResp.endResp(b));
  return b.asUint8Array();
}

export type InfoQuery = { kind: 'var'; name: string } | { kind: 'reqBody' } | { kind: 'respBody' } | { kind: 'unknown'; type: number };

export function readExtraInfoReq(payload: Uint8Array): InfoQuery {
  const req = InfoReq.getRootAsReq(new ByteBuffer(payload));
  switch (req.infoType()) {
    case Info.Var: return { kind: 'var', name: req.info(new Var())!.name() ?? '' };
    case Info.ReqBody: return { kind: 'reqBody' };
    case Info.RespBody: return { kind: 'respBody' };
    default: return { kind: 'unknown', type: req.infoType() };
  }
}

export function readPrepareConfResp(payload: Uint8Array): number {
  return PrepareResp.getRootAsResp(new ByteBuffer(payload)).confToken();
}

/** APISIX's error text for an Err frame. */
export function readErr(payload: Uint8Array): { code: number; text: string } {
  const code = ErrResp.getRootAsResp(new ByteBuffer(payload)).code();
  const text = ['bad request', 'service unavailable', 'conf token not found'][code] ?? `unknown err ${code}`;
  return { code, text };
}

export type ReqCallReply =
  | { action: 'none'; id: number }
  | { action: 'stop'; id: number; status: number; headers: Pair[]; body: Buffer }
  | { action: 'rewrite'; id: number; path: string | null; headers: Pair[]; args: Pair[]; respHeaders: Pair[]; body: Buffer };

export function readHttpReqCallResp(payload: Uint8Array): ReqCallReply {
  const resp = ReqCallResp.getRootAsResp(new ByteBuffer(payload));
  const id = resp.id();
  if (resp.actionType() === Action.Stop) {
    const s = resp.action(new Stop()) as Stop;
    return { action: 'stop', id, status: s.status(), headers: readPairs(s.headersLength(), (i) => s.headers(i)), body: Buffer.from(s.bodyArray() ?? []) };
  }
  if (resp.actionType() === Action.Rewrite) {
    const r = resp.action(new Rewrite()) as Rewrite;
    return {
      action: 'rewrite',
      id,
      path: r.path(),
      headers: readPairs(r.headersLength(), (i) => r.headers(i)),
      args: readPairs(r.argsLength(), (i) => r.args(i)),
      respHeaders: readPairs(r.respHeadersLength(), (i) => r.respHeaders(i)),
      body: Buffer.from(r.bodyArray() ?? []),
    };
  }
  return { action: 'none', id };
}

export function readHttpRespCallResp(payload: Uint8Array): { id: number; status: number; headers: Pair[]; body: Buffer } {
  const r = RespCallResp.getRootAsResp(new ByteBuffer(payload));
  return { id: r.id(), status: r.status(), headers: readPairs(r.headersLength(), (i) => r.headers(i)), body: Buffer.from(r.bodyArray() ?? []) };
}
