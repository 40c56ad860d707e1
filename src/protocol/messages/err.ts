/** RPC 0: the error reply. Always a real FlatBuffer: APISIX cannot decode an empty payload. */
import { Builder } from 'flatbuffers';
import { Resp } from '../generated/a6/err/resp';
import type { ErrCodeValue } from '../rpc-type';

export function encodeErr(code: ErrCodeValue): Uint8Array {
  const b = new Builder(32);
  // Code 0 (BAD_REQUEST) is the default and would be left out, leaving a table with no fields:
  // still a valid, non-empty buffer that APISIX reads back as BAD_REQUEST. Forcing it keeps it explicit.
  b.forceDefaults(true);
  b.finish(Resp.createResp(b, code));
  return b.asUint8Array();
}
