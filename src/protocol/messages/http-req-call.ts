/** RPC 2: a request-phase call (ext-plugin-pre-req / post-req) and its Stop / Rewrite / none reply. */
import { Builder } from 'flatbuffers';
import { Method } from '../generated/a6/method';
import { Req } from '../generated/a6/httpreq-call/req';
import { Resp } from '../generated/a6/httpreq-call/resp';
import { Stop } from '../generated/a6/httpreq-call/stop';
import { Rewrite } from '../generated/a6/httpreq-call/rewrite';
import { Action } from '../generated/a6/httpreq-call/action';
import { decodeWith } from '../decode';
import { DecodeError } from '../errors';
import { HTTP_REQ_CALL_REQ } from '../shapes';
import { entriesSize, readEntries, writeEntries, type TextPair } from '../text-entries';

export interface HttpReqCall {
  readonly id: number;
  readonly confToken: number;
  /** One of the 15 names of A6.Method. */
  readonly method: string;
  readonly path: string;
  /** 4 bytes (IPv4), 16 bytes (IPv6) or empty. */
  readonly srcIp: Uint8Array;
  readonly args: readonly TextPair[];
  readonly headers: readonly TextPair[];
}

export function decodeHttpReqCall(payload: Uint8Array): HttpReqCall {
  return decodeWith(payload, HTTP_REQ_CALL_REQ, 'HTTPReqCall.Req', (bb) => {
    const req = Req.getRootAsReq(bb);
    const method = Method[req.method()] as string | undefined;
    if (method === undefined) throw new DecodeError(`HTTPReqCall.Req: unknown method ${req.method()}`);
    return {
      id: req.id(),
      confToken: req.confToken(),
      method,
      path: req.path() ?? '',
      srcIp: Uint8Array.from(req.srcIpArray() ?? []),
      args: readEntries(req.argsLength(), (i, e) => req.args(i, e)),
      headers: readEntries(req.headersLength(), (i, e) => req.headers(i, e)),
    };
  });
}

export type HttpReqCallReply =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'stop';
      /** 0 makes APISIX answer 200. */
      readonly status: number;
      readonly headers?: readonly (readonly [string, string])[];
      /** Sent only when non-empty (APISIX ignores an empty body). */
      readonly body?: Uint8Array;
    }
  | {
      readonly kind: 'rewrite';
      readonly path?: string;
      readonly headers?: readonly TextPair[];
      readonly args?: readonly TextPair[];
      readonly respHeaders?: readonly (readonly [string, string])[];
      readonly body?: Uint8Array;
    };

function replySize(reply: HttpReqCallReply): number {
  if (reply.kind === 'none') return 32;
  const body = reply.body?.length ?? 0;
  if (reply.kind === 'stop') return 128 + body + entriesSize(reply.headers);
  return 128 + body + (reply.path?.length ?? 0) * 3 + entriesSize(reply.headers) + entriesSize(reply.args) + entriesSize(reply.respHeaders);
}

function nonEmptyBytes(b: Builder, body: Uint8Array | undefined): number {
  return body && body.length > 0 ? b.createByteVector(body) : 0;
}

export function encodeHttpReqCallResp(id: number, reply: HttpReqCallReply): Uint8Array {
  const b = new Builder(replySize(reply));
  let actionType = Action.NONE;
  let action = 0;
  if (reply.kind === 'stop') {
    const headers = writeEntries(b, reply.headers);
    const body = nonEmptyBytes(b, reply.body);
    Stop.startStop(b);
    Stop.addStatus(b, reply.status);
    if (headers) Stop.addHeaders(b, headers);
    if (body) Stop.addBody(b, body);
    action = Stop.endStop(b);
    actionType = Action.Stop;
  } else if (reply.kind === 'rewrite') {
    const path = reply.path !== undefined ? b.createString(reply.path) : 0;
    const headers = writeEntries(b, reply.headers);
    const args = writeEntries(b, reply.args);
    const respHeaders = writeEntries(b, reply.respHeaders);
    const body = nonEmptyBytes(b, reply.body);
    Rewrite.startRewrite(b);
    if (path) Rewrite.addPath(b, path);
    if (headers) Rewrite.addHeaders(b, headers);
    if (args) Rewrite.addArgs(b, args);
    if (respHeaders) Rewrite.addRespHeaders(b, respHeaders);
    if (body) Rewrite.addBody(b, body);
    action = Rewrite.endRewrite(b);
    actionType = Action.Rewrite;
  }
  Resp.startResp(b);
  Resp.addId(b, id);
  if (actionType !== Action.NONE) {
    Resp.addActionType(b, actionType);
    Resp.addAction(b, action);
  }
  b.finish(Resp.endResp(b));
  return b.asUint8Array();
}
