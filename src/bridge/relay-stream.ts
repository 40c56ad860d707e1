/**
 * Relays one upstream SSE body to the client, event by event. Each chunk read from undici is parsed
 * and converted at once and its frames are written before the next chunk is read. When the client
 * reads slowly (res.write returns false) we stop pulling from the upstream until 'drain', so undici
 * pauses the socket and memory per stream stays at a few socket/stream buffers.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { isConversionError, type SseParser, type StreamConverter } from '../core';
import type { BridgeTarget } from '../config/targets';
import { clientGone, shutdownError, shuttingDown } from './abort';
import { errorFrame } from './respond';
import { duringBodyError } from './upstream';

export type RelayOutcome = 'done' | 'error' | 'client_gone';

export interface RelayInput {
  res: ServerResponse;
  body: Readable;
  parser: SseParser;
  converter: StreamConverter;
  target: BridgeTarget;
  /** Aborted when the client left or the bridge is stopping. */
  signal: AbortSignal;
  /** Called once, right after the first frames were handed to the socket. */
  onFirstFrames(): void;
  /** Conversion time of one chunk, in seconds. */
  onConversion?(seconds: number): void;
  clock(): number;
}

/** Bytes we still read after the converter finished (a trailing ping or newline), before closing instead. */
const TRAILING_LIMIT = 64 * 1024;

function waitForDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (res.destroyed || res.writableEnded || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
    signal.addEventListener('abort', done);
  });
}

export async function relayStream(input: RelayInput): Promise<RelayOutcome> {
  const { res, body, parser, converter } = input;
  let first = true;
  let trailing = 0;
  let outcome: RelayOutcome = 'done';

  const write = async (frames: string[]): Promise<void> => {
    if (frames.length === 0 || res.destroyed) return;
    const ok = res.write(frames.length === 1 ? frames[0] : frames.join(''));
    if (first) {
      first = false;
      input.onFirstFrames();
    }
    if (converter.finished) res.end();
    else if (!ok) await waitForDrain(res, input.signal);
  };

  const convert = (chunk: Uint8Array | null): string[] => {
    const started = input.clock();
    const frames: string[] = [];
    const events = chunk === null ? parser.end() : parser.push(chunk);
    for (const ev of events) frames.push(...converter.push(ev));
    if (chunk === null) frames.push(...converter.end());
    input.onConversion?.((input.clock() - started) / 1000);
    return frames;
  };

  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (clientGone(input.signal)) return 'client_gone';
      if (shuttingDown(input.signal)) throw shutdownError();
      if (converter.finished) {
        trailing += chunk.length;
        if (trailing > TRAILING_LIMIT) break;
        continue;
      }
      await write(convert(chunk));
      if (converter.finished && converter.finishReason === undefined) outcome = 'error';
    }
    if (clientGone(input.signal)) return 'client_gone';
    if (!converter.finished) {
      const frames = convert(null);
      if (converter.finishReason === undefined) outcome = 'error';
      await write(frames);
    }
    return outcome;
  } catch (e) {
    if (clientGone(input.signal)) return 'client_gone';
    // A ConversionError here is the parser refusing the upstream bytes (an event over the size limit).
    const err = shuttingDown(input.signal) ? shutdownError() : isConversionError(e) ? e : duringBodyError(e, input.target);
    if (!converter.finished && !res.destroyed) res.end(errorFrame(err.toOpenAI()));
    return converter.finished ? outcome : 'error';
  } finally {
    if (!res.writableEnded && !res.destroyed) res.end();
    if (!body.destroyed) body.destroy();
  }
}
