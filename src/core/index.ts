/** The conversion core's public surface. Pure functions; no I/O. */
export { type CoreEnv, fixedEnv } from './env';
export { ConversionError, isConversionError, ERROR_CODES, type ErrorCode, type OpenAIErrorBody } from './errors';
export {
  type BridgeOptions, type ResolvedOptions, type ModelCapabilities, resolveOptions, optionsSchema, capabilitiesFor,
  DEFAULT_OPTIONS, DEFAULT_MODEL_CAPABILITIES,
} from './options';
export { type ResponseState, encodeResponseState, decodeResponseState } from './state';
export { convertChatRequest, type ConvertedRequest, type ConversionWarning } from './request.openai-to-anthropic';
export { buildUpstreamHeaders, clientCredential, mergeBetas, type UpstreamHeaders } from './headers.upstream';
export { listModels, type ModelList } from './models';
export { convertMessageResponse } from './response.anthropic-to-openai';
export { StreamConverter, convertBufferedStream, messageToEvents } from './stream.anthropic-to-openai';
export { accumulateStream, type Accumulated } from './stream.accumulate';
export { SseParser, formatSse, type SseEvent, DEFAULT_MAX_SSE_EVENT } from './sse';
export { convertUpstreamError, convertResponseHeaders, formatResetDuration, openAIError, fromAnthropicErrorType } from './error.anthropic-to-openai';
export { fromAnthropicStopReason } from './stop-reason';
export { fromAnthropicUsage } from './usage';
export type { ChatCompletionExt, FinishReason, ThinkingBlockExt, UsageExt } from './types/openai';
