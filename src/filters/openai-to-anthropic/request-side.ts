/**
 * Request side (ext-plugin-pre-req / post-req): OpenAI request in, Rewrite to an Anthropic Messages
 * request out, or Stop with an OpenAI-shaped error. Nothing unconverted is ever let through.
 */
import type { Logger } from 'pino';
import {
  buildUpstreamHeaders, ConversionError, convertChatRequest, encodeResponseState, listModels, type CoreEnv, type ResolvedOptions,
} from '../../core';
import type { EditEntry, FilterRequest, RequestAction } from '../types';
import { errorBody, headerRecord, JSON_TYPE } from './http-helpers';

const JSON_HEADERS = [['content-type', JSON_TYPE]] as const;

function stop(status: number, body: string): RequestAction {
  return { kind: 'stop', status, headers: JSON_HEADERS, body };
}

export interface RequestSideDeps {
  env: CoreEnv;
  onWarning?: (code: string) => void;
}

export async function convertRequestCall(options: ResolvedOptions, req: FilterRequest, log: Logger, deps: RequestSideDeps): Promise<RequestAction> {
  if (req.method === 'GET' && /\/models\/?$/.test(req.path)) {
    return stop(200, JSON.stringify(listModels(options, deps.env)));
  }
  if (req.method !== 'POST') {
    return stop(405, errorBody(`Method ${req.method} is not allowed here; send POST with a chat completion request.`, 'invalid_request_error', 'method_not_allowed'));
  }
  const raw = await req.body();
  if (!raw || raw.length === 0) {
    return stop(400, errorBody('The request body is empty; expected a JSON chat completion request.', 'invalid_request_error', 'ERR_REQUEST_NOT_JSON'));
  }
  let input: unknown;
  try {
    input = JSON.parse(raw.toString('utf8'));
  } catch {
    return stop(400, errorBody('The request body is not valid JSON.', 'invalid_request_error', 'ERR_REQUEST_NOT_JSON'));
  }
  let converted;
  try {
    converted = convertChatRequest(input, options);
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    log.info({ code: e.code, param: e.param }, 'request refused by the conversion');
    return stop(e.status, JSON.stringify(e.toOpenAI()));
  }
  if (converted.warnings.length > 0) {
    log.debug({ warnings: converted.warnings.map((w) => `${w.code}:${w.field}`) }, 'request fields not forwarded as sent');
    for (const w of converted.warnings) deps.onWarning?.(w.code);
  }

  const body = Buffer.from(JSON.stringify(converted.body), 'utf8');
  const upstream = buildUpstreamHeaders(headerRecord(req.headers), options);
  const headers: EditEntry[] = [];
  for (const name of upstream.remove) headers.push([name, null]);
  for (const [name, value] of Object.entries(upstream.set)) headers.push([name, value]);
  headers.push(
    ['content-type', JSON_TYPE],
    // post-resp later re-sends APISIX's cached client headers: a stale length would corrupt the body.
    ['content-length', String(body.length)],
    ['transfer-encoding', null],
    // The response is converted as a whole; a compressed upstream body could not be read.
    ['accept-encoding', null],
    // Carried to the response call on the request itself: no runner memory is involved.
    [options.state_header, encodeResponseState(converted.state)],
  );
  return { kind: 'rewrite', path: options.upstream_path, headers, body };
}
