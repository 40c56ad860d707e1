/** Scalar request parameters: token limits, sampling, stop sequences, user id. */
import { ConversionError } from './errors';
import { sha256Hex } from './hash';
import { invalid, type RequestContext } from './request.context';

function positiveInt(v: unknown, param: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(param, 'must be a positive integer');
  return v;
}

/** max_completion_tokens wins over max_tokens; then the model's default; then the global default. */
export function maxTokens(body: Record<string, unknown>, ctx: RequestContext): number {
  const asked = positiveInt(body.max_completion_tokens, 'max_completion_tokens') ?? positiveInt(body.max_tokens, 'max_tokens');
  let value = asked ?? ctx.caps.default_max_tokens ?? ctx.options.default_max_tokens;
  const ceiling = ctx.caps.max_output_tokens;
  if (ceiling !== undefined && value > ceiling) {
    ctx.warn('clamped', asked !== undefined ? 'max_tokens' : 'default_max_tokens', `${value} is above the model's limit; ${ceiling} is sent`);
    value = ceiling;
  }
  return value;
}

function number(v: unknown, param: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalid(param, `must be a number between ${min} and ${max}`);
  return v;
}

export interface Sampling { temperature?: number; top_p?: number; top_k?: number }

export function sampling(body: Record<string, unknown>, ctx: RequestContext): Sampling {
  const out: Sampling = {};
  let temperature = number(body.temperature, 'temperature', 0, 2);
  if (temperature !== undefined && temperature > 1) {
    ctx.warn('clamped', 'temperature', `${temperature} is above Anthropic's maximum of 1; 1 is sent`);
    temperature = 1;
  }
  const topP = number(body.top_p, 'top_p', 0, 1);
  if (temperature !== undefined) out.temperature = temperature;
  if (topP !== undefined) out.top_p = topP;
  if (body.top_k !== undefined && body.top_k !== null) {
    if (typeof body.top_k !== 'number' || !Number.isInteger(body.top_k) || body.top_k < 0) throw invalid('top_k', 'must be a non-negative integer');
    out.top_k = body.top_k;
  }
  if (out.temperature !== undefined && out.top_p !== undefined && ctx.caps.exclusive_sampling) {
    const drop = ctx.options.sampling_priority === 'temperature' ? 'top_p' : 'temperature';
    delete out[drop];
    ctx.warn('dropped', drop, 'this model accepts temperature or top_p, not both');
  }
  return out;
}

/** stop -> stop_sequences; Anthropic refuses whitespace-only sequences, so they are left out. */
export function stopSequences(stop: unknown, ctx: RequestContext): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) throw invalid('stop', 'must be a string or an array of strings');
  const kept = (list as string[]).filter((s) => s.trim() !== '');
  if (kept.length < list.length) ctx.warn('dropped', 'stop', 'whitespace-only stop sequences are not accepted by Anthropic');
  return kept.length > 0 ? kept : undefined;
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const PHONE = /^\+?[\d\s().-]{7,}$/;

/** user -> metadata.user_id. Anthropic refuses ids that look like e-mail addresses or phone numbers. */
export function userId(body: Record<string, unknown>, ctx: RequestContext): string | undefined {
  const meta = body.metadata;
  const raw = body.user ?? (meta && typeof meta === 'object' ? (meta as Record<string, unknown>).user_id : undefined);
  if (meta !== undefined && meta !== null && typeof meta === 'object' && Object.keys(meta).some((k) => k !== 'user_id')) {
    ctx.warn('dropped', 'metadata', 'only metadata.user_id can be forwarded to Anthropic');
  }
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw invalid('user', 'must be a string');
  const mode = ctx.options.user_id;
  if (mode === 'drop') return undefined;
  if (mode === 'hash') return `user-${sha256Hex(raw).slice(0, 32)}`;
  const digits = raw.replace(/\D/g, '').length;
  if (EMAIL.test(raw) || (PHONE.test(raw) && digits >= 7) || raw.length > 256) {
    ctx.warn('dropped', 'user', 'user looks like an e-mail address or phone number (or is too long) and is not forwarded');
    return undefined;
  }
  return raw;
}

export function checkN(n: unknown): void {
  if (n === undefined || n === null || n === 1) return;
  throw new ConversionError('ERR_REQUEST_UNSUPPORTED_FIELD', 'n: Anthropic returns one choice per request; n must be 1.', { param: 'n' });
}
