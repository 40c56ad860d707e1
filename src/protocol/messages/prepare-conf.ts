/** RPC 1: APISIX sends a route's conf list and idempotent key; the runner answers a token. */
import { Builder } from 'flatbuffers';
import { Req } from '../generated/a6/prepare-conf/req';
import { Resp } from '../generated/a6/prepare-conf/resp';
import { decodeWith } from '../decode';
import { PREPARE_CONF_REQ } from '../shapes';
import { readEntries, type TextPair } from '../text-entries';

export interface PrepareConfReq {
  /** APISIX's `<conf_type>#<conf_id>#<plugin>#<version>`; '' when absent. */
  readonly key: string;
  /** The route's `conf` entries in configured order; value null when the entry has none. */
  readonly conf: readonly TextPair[];
}

export function decodePrepareConfReq(payload: Uint8Array): PrepareConfReq {
  return decodeWith(payload, PREPARE_CONF_REQ, 'PrepareConf.Req', (bb) => {
    const req = Req.getRootAsReq(bb);
    return { key: req.key() ?? '', conf: readEntries(req.confLength(), (i, e) => req.conf(i, e)) };
  });
}

export function encodePrepareConfResp(confToken: number): Uint8Array {
  const b = new Builder(32);
  b.finish(Resp.createResp(b, confToken));
  return b.asUint8Array();
}
