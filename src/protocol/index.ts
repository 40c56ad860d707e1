/** The APISIX ext-plugin wire layer: framing and message codecs. Knows nothing of filters. */
export { HEADER_SIZE, MAX_PAYLOAD, encodeFrame, encodeFrameHeader, type Frame } from './frame';
export { FrameReader } from './frame-reader';
export { ProtocolError, FrameTooLargeError, DecodeError, isProtocolError, PROTOCOL_ERROR_CODES, type ProtocolErrorCode } from './errors';
export { RpcType, ErrCode, rpcTypeName, type RpcTypeValue, type ErrCodeValue } from './rpc-type';
export type { TextPair } from './text-entries';
export { decodePrepareConfReq, encodePrepareConfResp, type PrepareConfReq } from './messages/prepare-conf';
export { decodeHttpReqCall, encodeHttpReqCallResp, type HttpReqCall, type HttpReqCallReply } from './messages/http-req-call';
export { decodeHttpRespCall, encodeHttpRespCallResp, type HttpRespCall, type HttpRespCallReply } from './messages/http-resp-call';
export { encodeExtraInfoReq, decodeExtraInfoResp, type ExtraInfoQuery } from './messages/extra-info';
export { encodeErr } from './messages/err';
