/**
 * Reads a request body up to a limit. A body announced or found to be larger is refused without
 * buffering it: reading stops at the limit and the connection is closed after the 413 answer.
 */
import type { IncomingMessage } from 'node:http';
import type { ConversionError } from '../core';
import { bridgeError } from './respond';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/** The client went away before its body was complete: nothing to answer, nothing to report as a failure. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection before the request body was complete.');
  }
}

export function bodyTooLarge(limit: number): ConversionError {
  return bridgeError('ERR_BRIDGE_BODY_TOO_LARGE', `The request body is larger than the bridge accepts (${limit} bytes).`, 413);
}

export function readBody(req: IncomingMessage, limit: number, signal?: AbortSignal): Promise<Buffer> {
  const announced = Number(req.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new ClientGoneError());
    const onClose = () => finish(new ClientGoneError());
    // The bridge is stopping: a slow upload must not hold it up.
    const onAbort = () => finish(new ClientGoneError());
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
