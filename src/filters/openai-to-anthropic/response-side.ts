/**
 * Response side (ext-plugin-post-resp): the whole upstream answer (JSON, SSE or an error) in, the
 * OpenAI answer out, always with a complete header set because APISIX keeps only the runner's headers.
 */
import type { Logger } from 'pino';
import {
  accumulateStream, ConversionError, convertBufferedStream, convertMessageResponse, convertResponseHeaders, convertUpstreamError,
  decodeResponseState, messageToEvents, StreamConverter, type CoreEnv, type ResolvedOptions, type ResponseState,
} from '../../core';
import type { Entry, FilterResponse, ResponseAction } from '../types';
import { errorBody, headerRecord, headerVar, JSON_TYPE, mediaType } from './http-helpers';

const SSE_TYPE = 'text/event-stream';

function replace(status: number, contentType: string, mapped: Record<string, string>, body: string): ResponseAction {
  const headers: Entry[] = [['content-type', contentType]];
  if (contentType === SSE_TYPE) headers.push(['cache-control', 'no-cache']);
  for (const [name, value] of Object.entries(mapped)) headers.push([name, value]);
  return { kind: 'replace', status, headers, body };
}

function streamFromMessage(message: Record<string, unknown>, state: ResponseState, options: ResolvedOptions, env: CoreEnv): string {
  const conv = new StreamConverter(state, options, env);
  return [...messageToEvents(message).flatMap((ev) => conv.push(ev)), ...conv.end()].join('');
}

export async function convertResponseCall(options: ResolvedOptions, res: FilterResponse, log: Logger, env: CoreEnv): Promise<ResponseAction> {
  const state = decodeResponseState(await res.variable(headerVar(options.state_header)));
  if (!state) {
    // Without the request side's state we cannot know what the client asked for; do not guess.
    log.warn({ status: res.status }, 'no conversion state on this request (was the request side of openai-to-anthropic on this route?); response passed through');
    return { kind: 'continue' };
  }
  const upstreamHeaders = headerRecord(res.headers);
  const mapped = convertResponseHeaders(upstreamHeaders, env.now());
  const raw = await res.body();
  const text = raw ? raw.toString('utf8') : '';

  if (res.status >= 400) {
    const err = convertUpstreamError(res.status, text, options);
    log.info({ upstream_status: res.status, status: err.status, type: err.body.error.type }, 'upstream error converted');
    return replace(err.status, JSON_TYPE, mapped, JSON.stringify(err.body));
  }
  try {
    if (mediaType(upstreamHeaders['content-type']) === SSE_TYPE) {
      if (state.stream) return replace(res.status, SSE_TYPE, mapped, convertBufferedStream(text, state, options, env));
      // The client asked for one JSON answer; the upstream streamed anyway: fold the stream back.
      const folded = accumulateStream(text);
      if (folded.kind === 'error') {
        const err = convertUpstreamError(folded.error.type === 'overloaded_error' ? 529 : 500, JSON.stringify({ type: 'error', error: folded.error }), options);
        return replace(err.status, JSON_TYPE, mapped, JSON.stringify(err.body));
      }
      return replace(res.status, JSON_TYPE, mapped, JSON.stringify(convertMessageResponse(folded.message, state, options, env)));
    }
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      throw new ConversionError('ERR_UPSTREAM_RESPONSE_INVALID', `The upstream answered HTTP ${res.status} with a body that is neither JSON nor an event stream.`, { status: 502, type: 'api_error' });
    }
    if (state.stream) {
      // The client asked for a stream and the upstream answered JSON: replay it as a stream.
      convertMessageResponse(message, state, options, env);
      return replace(res.status, SSE_TYPE, mapped, streamFromMessage(message as Record<string, unknown>, state, options, env));
    }
    return replace(res.status, JSON_TYPE, mapped, JSON.stringify(convertMessageResponse(message, state, options, env)));
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    log.warn({ code: e.code, upstream_status: res.status }, 'upstream answer could not be converted');
    return replace(e.status, JSON_TYPE, mapped, errorBody(e.message, e.type, e.code));
  }
}
