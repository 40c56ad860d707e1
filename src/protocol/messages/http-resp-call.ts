/** RPC 4: the response-phase call (ext-plugin-post-resp) and its reply. */
import { Builder } from 'flatbuffers';
import { Req } from '../generated/a6/httpresp-call/req';
import { Resp } from '../generated/a6/httpresp-call/resp';
import { decodeWith } from '../decode';
import { HTTP_RESP_CALL_REQ } from '../shapes';
import { entriesSize, readEntries, writeEntries, type TextPair } from '../text-entries';

export interface HttpRespCall {
  readonly id: number;
  readonly confToken: number;
  readonly status: number;
  /** Upstream headers in their original case, one entry per value. */
  readonly headers: readonly TextPair[];
}

export function decodeHttpRespCall(payload: Uint8Array): HttpRespCall {
  return decodeWith(payload, HTTP_RESP_CALL_REQ, 'HTTPRespCall.Req', (bb) => {
    const req = Req.getRootAsReq(bb);
    return {
      id: req.id(),
      confToken: req.confToken(),
      status: req.status(),
      headers: readEntries(req.headersLength(), (i, e) => req.headers(i, e)),
    };
  });
}

export interface HttpRespCallReply {
  /** 0 or absent keeps the upstream status. */
  readonly status?: number;
  /** Non-empty: APISIX sends exactly these headers. Empty: upstream headers minus its exclusion list. */
  readonly headers?: readonly (readonly [string, string])[];
  /** Replaces the upstream body when non-empty. */
  readonly body?: Uint8Array;
}

export function encodeHttpRespCallResp(id: number, reply: HttpRespCallReply): Uint8Array {
  const body = reply.body && reply.body.length > 0 ? reply.body : undefined;
  const b = new Builder(64 + (body?.length ?? 0) + entriesSize(reply.headers));
  const headers = writeEntries(b, reply.headers);
  const bodyOffset = body ? b.createByteVector(body) : 0;
  Resp.startResp(b);
  Resp.addId(b, id);
  if (reply.status) Resp.addStatus(b, reply.status);
  if (headers) Resp.addHeaders(b, headers);
  if (bodyOffset) Resp.addBody(b, bodyOffset);
  b.finish(Resp.endResp(b));
  return b.asUint8Array();
}
