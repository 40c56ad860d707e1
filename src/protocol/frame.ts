/**
 * Frame header: 1 type byte, then the payload length as a 24-bit big-endian integer. A length that
 * does not fit is refused before anything is written, so a reply can never carry a truncated header.
 */
import { FrameTooLargeError, ProtocolError } from './errors';

export const HEADER_SIZE = 4;
/** 2^24 - 1: the largest length three bytes can carry (APISIX checks the same bound). */
export const MAX_PAYLOAD = 16_777_215;

export interface Frame {
  readonly type: number;
  readonly payload: Buffer;
}

function checkFrame(type: number, length: number): void {
  if (!Number.isInteger(type) || type < 0 || type > 255) {
    throw new ProtocolError('ERR_PROTOCOL_RPC_TYPE', `frame type must be a byte, got ${type}`);
  }
  // APISIX decodes every payload as a FlatBuffer: an empty one makes its Lua handler fail.
  if (length === 0) throw new ProtocolError('ERR_PROTOCOL_EMPTY_PAYLOAD', 'refusing to send a frame with an empty payload');
  if (length > MAX_PAYLOAD) throw new FrameTooLargeError(length, MAX_PAYLOAD);
}

export function encodeFrameHeader(type: number, length: number): Buffer {
  checkFrame(type, length);
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header[0] = type;
  header.writeUIntBE(length, 1, 3);
  return header;
}

/** Header and payload in one buffer (one write on the socket). */
export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  const header = encodeFrameHeader(type, payload.length);
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  header.copy(out, 0);
  out.set(payload, HEADER_SIZE);
  return out;
}
