/**
 * POST .../v1/chat/completions for one target: read and convert the request, call the target, and
 * answer with one chat.completion, a relayed stream, or the upstream's error in OpenAI's shape.
 * Conversion itself is the core's; this file only moves bytes and maps failures.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { inlineImageUrls } from './image-fetch';
import {
  convertChatRequest, convertMessageResponse, convertResponseHeaders, convertUpstreamError, isConversionError,
  ConversionError, SseParser, StreamConverter, type ConvertedRequest, type CoreEnv,
} from '../core';
import type { BridgeTarget } from '../config/targets';
import type { Metrics } from '../health/metrics';
import { clientGone, shutdownError } from './abort';
import { BodyTooLargeError, ClientGoneError, bodyTooLarge, readBody } from './request-body';
import { relayStream, type RelayOutcome } from './relay-stream';
import { bridgeError, sendError, sendJson } from './respond';
import { beforeResponseError, duringBodyError, flattenHeaders, singleValued, upstreamRequestHeaders, type UpstreamPools } from './upstream';

export interface ChatDeps {
  pools: UpstreamPools;
  env: CoreEnv;
  /** Monotonic milliseconds, for durations. */
  clock(): number;
  metrics?: Metrics;
  maxBodyBytes: number;
}

export interface ChatResult {
  status: number;
  stream: boolean;
  upstreamStatus?: number;
  outcome?: RelayOutcome;
  upstreamRequestId?: string;
  /** Our error code or the upstream error type, when the answer is an error. */
  errorType?: string;
}

/** Error answers from the upstream are small; more than this is not worth quoting. */
const ERROR_BODY_LIMIT = 1024 * 1024;
const MESSAGE_BODY_LIMIT = 64 * 1024 * 1024;

async function readLimited(body: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ConversionError('ERR_REQUEST_NOT_JSON', 'The request body is not valid JSON.');
  }
}

function convert(json: unknown, target: BridgeTarget, deps: ChatDeps, log: Logger): ConvertedRequest {
  const started = deps.clock();
  const converted = convertChatRequest(json, target.options);
  deps.metrics?.recordConversion('request', (deps.clock() - started) / 1000);
  for (const w of converted.warnings) {
    log.debug({ warning: w.code, field: w.field }, w.message);
    deps.metrics?.recordWarning(w.code);
  }
  return converted;
}

export async function handleChat(req: IncomingMessage, res: ServerResponse, target: BridgeTarget, deps: ChatDeps, log: Logger, signal: AbortSignal, startedAt: number): Promise<ChatResult> {
  let converted: ConvertedRequest;
  try {
    const json = parseJson(await readBody(req, deps.maxBodyBytes, signal));
    // Targets whose host refuses URL image sources get the images inlined before conversion.
    converted = convert(target.fetchImages ? await inlineImageUrls(json, target.fetchImages, signal) : json, target, deps, log);
  } catch (e) {
    if (e instanceof BodyTooLargeError) {
      const err = bodyTooLarge(e.limit);
      // The rest of the body is not read: close the connection once the answer is out.
      res.shouldKeepAlive = false;
      sendError(res, err, { connection: 'close' });
      res.on('finish', () => req.destroy());
      return { status: 413, stream: false, errorType: err.code };
    }
    if (isConversionError(e)) {
      sendError(res, e);
      return { status: e.status, stream: false, errorType: e.code };
    }
    if (e instanceof ClientGoneError) return { status: 499, stream: false, outcome: 'client_gone' };
    throw e;
  }

  const stream = converted.state.stream;
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await deps.pools.get(target).request({
      origin: target.origin,
      path: target.path,
      method: 'POST',
      headers: upstreamRequestHeaders(target, flattenHeaders(req.headers), stream),
      body: JSON.stringify(converted.body),
      signal,
    });
  } catch (e) {
    if (clientGone(signal)) return { status: 499, stream, outcome: 'client_gone' };
    const err = signal.aborted ? shutdownError() : beforeResponseError(e, target);
    log.warn({ err_code: err.code, cause: (e as { code?: string }).code }, err.message);
    sendError(res, err);
    return { status: err.status, stream, errorType: err.code };
  }

  const status = upstream.statusCode;
  deps.metrics?.recordUpstreamStatus(target.name, status);
  const upHeaders = singleValued(upstream.headers);
  const outHeaders = convertResponseHeaders(upHeaders, deps.env.now());
  const result: ChatResult = { status, stream, upstreamStatus: status, upstreamRequestId: upHeaders['request-id'] };

  if (status < 200 || status >= 300) {
    let text = '';
    try {
      const raw = await readLimited(upstream.body, ERROR_BODY_LIMIT);
      text = raw ? raw.toString('utf8') : '';
    } catch {
      if (clientGone(signal)) return { ...result, outcome: 'client_gone' };
    }
    const converted = convertUpstreamError(status, text, target.options);
    sendJson(res, converted.status, converted.body, outHeaders);
    return { ...result, status: converted.status, errorType: converted.body.error.code ?? converted.body.error.type };
  }

  if (!stream) return answerWhole(res, upstream.body, converted, target, deps, outHeaders, result, signal);

  res.writeHead(200, {
    ...outHeaders,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  const converter = new StreamConverter(converted.state, target.options, deps.env);
  deps.metrics?.streamStarted(target.name);
  let outcome: RelayOutcome;
  try {
    outcome = await relayStream({
      res,
      body: upstream.body,
      parser: new SseParser(),
      converter,
      target,
      signal,
      onFirstFrames: () => deps.metrics?.recordFirstChunk(target.name, (deps.clock() - startedAt) / 1000),
      onConversion: (s) => deps.metrics?.recordConversion('stream', s),
      clock: deps.clock,
    });
  } finally {
    deps.metrics?.streamEnded(target.name);
  }
  const usage = converter.usageSoFar;
  deps.metrics?.recordTokens(target.name, usage.prompt_tokens ?? 0, usage.completion_tokens ?? 0);
  return { ...result, outcome, ...(outcome === 'error' ? { errorType: 'stream_error' } : {}) };
}

async function answerWhole(
  res: ServerResponse, body: Readable, converted: ConvertedRequest, target: BridgeTarget, deps: ChatDeps,
  headers: Record<string, string>, result: ChatResult, signal: AbortSignal,
): Promise<ChatResult> {
  let raw: Buffer | undefined;
  try {
    raw = await readLimited(body, MESSAGE_BODY_LIMIT);
  } catch (e) {
    if (clientGone(signal)) return { ...result, outcome: 'client_gone' };
    const err = signal.aborted ? shutdownError() : duringBodyError(e, target);
    sendError(res, err, headers);
    return { ...result, status: err.status, errorType: err.code };
  }
  try {
    if (!raw) throw bridgeError('ERR_BRIDGE_UPSTREAM_TOO_LARGE', `The upstream answer of target "${target.name}" is larger than ${MESSAGE_BODY_LIMIT} bytes.`, 502, 'api_error');
    let message: unknown;
    try {
      message = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ConversionError('ERR_UPSTREAM_RESPONSE_INVALID', 'The upstream answered with a body that is not JSON.', { status: 502, type: 'api_error' });
    }
    const started = deps.clock();
    const completion = convertMessageResponse(message, converted.state, target.options, deps.env);
    deps.metrics?.recordConversion('response', (deps.clock() - started) / 1000);
    const usage = completion.usage;
    deps.metrics?.recordTokens(target.name, usage?.prompt_tokens ?? 0, usage?.completion_tokens ?? 0);
    sendJson(res, 200, completion, headers);
    return result;
  } catch (e) {
    if (!isConversionError(e)) throw e;
    sendError(res, e, headers);
    return { ...result, status: e.status, errorType: e.code };
  }
}
