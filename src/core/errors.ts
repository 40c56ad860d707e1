/**
 * Our own refusals. Every code is listed in ERROR_CODES with the text the README documents; a test
 * checks that README and registry agree. Messages are safe to show to clients (they never contain
 * header values or keys).
 */

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export const ERROR_CODES = {
  ERR_REQUEST_NOT_JSON: 'The request body is not valid JSON.',
  ERR_REQUEST_NOT_OBJECT: 'The request body is not a JSON object.',
  ERR_REQUEST_INVALID: 'The request is not a valid chat completion request (a required field is missing or has the wrong type).',
  ERR_REQUEST_UNSUPPORTED_FIELD: 'A field that cannot be honoured by an Anthropic upstream was sent while `unsupported` is `reject`, or its value cannot be mapped (e.g. n > 1).',
  ERR_MESSAGE_INVALID: 'A message has an unknown role or content of the wrong shape.',
  ERR_MESSAGE_EMPTY: 'The conversation has no message with content to send.',
  ERR_CONTENT_UNSUPPORTED: 'A content part cannot be converted (unknown part type, or input_audio while `input_audio` is `reject`).',
  ERR_IMAGE_MEDIA_TYPE: 'An image or file has a media type Anthropic does not accept (jpeg, png, gif, webp; PDF and plain text as documents).',
  ERR_IMAGE_URL: 'An image URL is neither a data: URL nor an http(s) URL, or the data: URL is malformed.',
  ERR_IMAGE_FETCH: 'An image URL could not be fetched and inlined (target option fetch_image_urls): private address, too large, too slow, not an image, or too many.',
  ERR_TOOL_CALL_ID_MISSING: 'A tool message has no tool_call_id.',
  ERR_TOOL_ARGUMENTS_INVALID: 'tool_call arguments are not a JSON object while `invalid_tool_arguments` is `reject`.',
  ERR_TOOL_ORPHAN_RESULT: 'A tool result answers no tool call of the previous assistant turn, or a tool call has no result.',
  ERR_TOOL_HISTORY_WITHOUT_TOOLS: 'The history holds tool calls but the request has no tools while `orphan_tool_history` is `reject`.',
  ERR_TOOL_DEFINITION_INVALID: 'A tool definition is not a function with a name and an object schema.',
  ERR_TOOL_CHOICE_INVALID: 'tool_choice names a tool that is not defined, or has an unknown form.',
  ERR_STREAM_EVENT_TOO_LARGE: 'An upstream SSE event exceeded the maximum event size.',
  ERR_STREAM_TRUNCATED: 'The upstream stream ended before message_stop.',
  ERR_UPSTREAM_RESPONSE_INVALID: 'The upstream answered with a body that is not an Anthropic message.',
  ERR_PROTOCOL_FRAME_TOO_LARGE: 'A runner reply does not fit one ext-plugin frame (payload > 16,777,215 bytes); APISIX gets SERVICE_UNAVAILABLE instead.',
  ERR_PROTOCOL_EMPTY_PAYLOAD: 'Refused to send a frame with an empty payload (APISIX cannot decode one).',
  ERR_PROTOCOL_RPC_TYPE: 'A frame type outside 0..255 was given to the frame encoder.',
  ERR_PROTOCOL_DECODE: 'A payload from APISIX is not the FlatBuffer its RPC type promises; APISIX gets BAD_REQUEST.',
  ERR_RUNNER_SOCKET_PATH: 'The runner socket path is empty, too long for a Unix socket (107 bytes), or cannot be inspected.',
  ERR_RUNNER_SOCKET_DIR: 'The directory of the runner socket does not exist, is not a directory, or is not writable.',
  ERR_RUNNER_SOCKET_EXISTS: 'Something other than a socket (a file, a directory, a symbolic link) is at the socket path; it is left alone.',
  ERR_RUNNER_SOCKET_IN_USE: 'Another process is listening on the socket path.',
  ERR_RUNNER_LISTEN: 'listen() or chmod() on the socket path failed.',
  ERR_BRIDGE_ROUTE_NOT_FOUND: 'No bridge endpoint answers this method and path.',
  ERR_BRIDGE_TARGET_UNKNOWN: 'The path names a target that is not in the bridge configuration, or no default target is configured.',
  ERR_BRIDGE_BODY_TOO_LARGE: 'The request body is larger than the bridge accepts (max_body_bytes, 32 MiB by default).',
  ERR_BRIDGE_UPSTREAM_UNREACHABLE: 'The upstream refused or dropped the connection before it answered.',
  ERR_BRIDGE_UPSTREAM_TIMEOUT: 'The upstream did not connect, send its headers, or send the next body bytes within the target timeouts.',
  ERR_BRIDGE_UPSTREAM_RESET: 'The upstream connection failed while the answer was being relayed.',
  ERR_BRIDGE_UPSTREAM_TOO_LARGE: 'A non-streamed upstream answer is larger than the bridge buffers (64 MiB).',
  ERR_BRIDGE_SHUTTING_DOWN: 'The bridge stopped while the request was in flight (streams end with this error object).',
  ERR_BRIDGE_INTERNAL: 'The bridge failed to answer because of an internal error (the log has the details).',
  ERR_CONFIG_TARGETS_INVALID: 'The bridge targets configuration (file or environment) is invalid; the message names the path of the problem.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ConversionError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | null;
  readonly type: OpenAIErrorType;

  constructor(code: ErrorCode, message: string, opts: { param?: string | null; status?: number; type?: OpenAIErrorType } = {}) {
    super(message);
    this.name = 'ConversionError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.param = opts.param ?? null;
    this.type = opts.type ?? 'invalid_request_error';
  }

  toOpenAI(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function isConversionError(e: unknown): e is ConversionError {
  return e instanceof ConversionError;
}
