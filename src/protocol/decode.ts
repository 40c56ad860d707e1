/**
 * Shared wrapper for decoding untrusted payloads: verify the offsets first, then let the generated
 * reader run; anything that still goes wrong surfaces as a DecodeError, never as another exception.
 */
import { ByteBuffer } from 'flatbuffers';
import { DecodeError } from './errors';
import { verifyRoot, type TableShape } from './verify';

export function decodeWith<T>(payload: Uint8Array, shape: TableShape, what: string, read: (bb: ByteBuffer) => T): T {
  verifyRoot(payload, shape, what);
  try {
    return read(new ByteBuffer(payload));
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`${what}: ${(e as Error).message}`);
  }
}
