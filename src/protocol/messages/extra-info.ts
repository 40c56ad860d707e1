/** RPC 3: the runner asks APISIX for a variable or a body while a call is open on the connection. */
import { Builder } from 'flatbuffers';
import { Req } from '../generated/a6/extra-info/req';
import { Resp } from '../generated/a6/extra-info/resp';
import { Var } from '../generated/a6/extra-info/var';
import { ReqBody } from '../generated/a6/extra-info/req-body';
import { RespBody } from '../generated/a6/extra-info/resp-body';
import { Info } from '../generated/a6/extra-info/info';
import { decodeWith } from '../decode';
import { EXTRA_INFO_RESP } from '../shapes';

export type ExtraInfoQuery =
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'reqBody' }
  | { readonly kind: 'respBody' };

export function encodeExtraInfoReq(query: ExtraInfoQuery): Uint8Array {
  const b = new Builder(64 + (query.kind === 'var' ? query.name.length * 3 : 0));
  let type: Info;
  let info: number;
  if (query.kind === 'var') {
    const name = b.createString(query.name);
    info = Var.createVar(b, name);
    type = Info.Var;
  } else if (query.kind === 'reqBody') {
    ReqBody.startReqBody(b);
    info = ReqBody.endReqBody(b);
    type = Info.ReqBody;
  } else {
    RespBody.startRespBody(b);
    info = RespBody.endRespBody(b);
    type = Info.RespBody;
  }
  b.finish(Req.createReq(b, type, info));
  return b.asUint8Array();
}

/**
 * The result bytes: `undefined` when APISIX sent no result (the value was nil: unknown variable, no
 * body), an empty array when the value was the empty string. The array is a view into `payload`.
 */
export function decodeExtraInfoResp(payload: Uint8Array): Uint8Array | undefined {
  return decodeWith(payload, EXTRA_INFO_RESP, 'ExtraInfo.Resp', (bb) => Resp.getRootAsResp(bb).resultArray() ?? undefined);
}
