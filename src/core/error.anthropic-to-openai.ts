/**
 * Upstream errors and response headers, Anthropic -> OpenAI. Statuses are kept (OpenAI SDKs decide
 * retries by status), except 529 which no OpenAI client knows: it becomes 503 unless configured.
 */
import type { OpenAIErrorBody } from './errors';
import type { ResolvedOptions } from './options';

const TYPE_MAP: Record<string, string> = {
  invalid_request_error: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  billing_error: 'insufficient_quota',
  not_found_error: 'not_found_error',
  rate_limit_error: 'rate_limit_error',
  api_error: 'api_error',
  timeout_error: 'timeout_error',
  overloaded_error: 'overloaded_error',
};

/** Anthropic error type -> OpenAI error type; unknown future types become api_error. */
export function fromAnthropicErrorType(type: unknown): string {
  return typeof type === 'string' && Object.hasOwn(TYPE_MAP, type) ? TYPE_MAP[type] : 'api_error';
}

export function openAIError(message: string, type: string, code: string | null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** Text of a non-JSON body, reduced to something safe and short to quote in an error message. */
function excerpt(text: string): string {
  const plain = text.replace(/<[^>]{0,200}>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}...` : plain;
}

export function convertUpstreamError(status: number, bodyText: string, options: Pick<ResolvedOptions, 'overloaded_status'>): { status: number; body: OpenAIErrorBody } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const err = parsed && typeof parsed === 'object' ? (parsed as { error?: unknown }).error : undefined;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    const { type, message } = err as { type?: unknown; message: string };
    const overloaded = type === 'overloaded_error' || status === 529;
    const outStatus = overloaded ? options.overloaded_status : status;
    return { status: outStatus, body: openAIError(message, fromAnthropicErrorType(type), typeof type === 'string' ? type : null) };
  }
  const outStatus = status === 529 ? options.overloaded_status : status;
  const text = excerpt(bodyText);
  const message = text ? `Upstream returned HTTP ${status} with a non-JSON body: ${text}` : `Upstream returned HTTP ${status} with an empty body.`;
  return { status: outStatus, body: openAIError(message, 'api_error', 'upstream_error') };
}

/** "6m0s", "1s", "250ms": the duration form OpenAI uses in x-ratelimit-reset-*. */
export function formatResetDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  let s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

const RATE_KINDS = ['requests', 'tokens', 'input-tokens', 'output-tokens'];
const RATE_FIELDS = ['limit', 'remaining', 'reset'];

/** Upstream header names must be lower-case. Returns lower-case OpenAI-style headers. */
export function convertResponseHeaders(upstream: Readonly<Record<string, string | undefined>>, nowMs: number): Record<string, string> {
  const out: Record<string, string> = {};
  const rid = upstream['request-id'];
  if (rid) out['x-request-id'] = rid;
  const retry = upstream['retry-after'];
  if (retry) out['retry-after'] = retry;
  for (const kind of RATE_KINDS) {
    for (const field of RATE_FIELDS) {
      const v = upstream[`anthropic-ratelimit-${kind}-${field}`];
      if (v === undefined || v === '') continue;
      if (field === 'reset') {
        const t = Date.parse(v);
        out[`x-ratelimit-reset-${kind}`] = Number.isNaN(t) ? v : formatResetDuration(t - nowMs);
      } else {
        out[`x-ratelimit-${field}-${kind}`] = v;
      }
    }
  }
  return out;
}
