/**
 * Typed failures of the wire layer. Callers branch on `code`, never on message text. The codes are
 * listed with a description in ERROR_CODES of src/core/errors.ts and in docs/runner.md.
 */

export const PROTOCOL_ERROR_CODES = [
  'ERR_PROTOCOL_FRAME_TOO_LARGE',
  'ERR_PROTOCOL_EMPTY_PAYLOAD',
  'ERR_PROTOCOL_RPC_TYPE',
  'ERR_PROTOCOL_DECODE',
] as const;

export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** A payload does not fit the 3-byte length of the frame header. Nothing was written. */
export class FrameTooLargeError extends ProtocolError {
  readonly size: number;

  constructor(size: number, max: number) {
    super('ERR_PROTOCOL_FRAME_TOO_LARGE', `the max length of data is ${max} but got ${size}`);
    this.name = 'FrameTooLargeError';
    this.size = size;
  }
}

/** Bytes that are not the FlatBuffer the RPC type promises (out-of-range offsets, bad enum, ...). */
export class DecodeError extends ProtocolError {
  constructor(message: string) {
    super('ERR_PROTOCOL_DECODE', message);
    this.name = 'DecodeError';
  }
}

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}
