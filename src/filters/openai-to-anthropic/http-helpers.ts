/** Small shared pieces of the filter's request and response sides. */
import type { Entry } from '../types';
import { openAIError } from '../../core';

/** First value per lower-cased header name. */
export function headerRecord(entries: readonly Entry[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (!(key in out)) out[key] = value;
  }
  return out;
}

/** The media type of a content-type value, lower-cased, without parameters (charset etc.). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export const JSON_TYPE = 'application/json';

/** An OpenAI error object, serialised. */
export function errorBody(message: string, type: string, code: string | null, param: string | null = null): string {
  return JSON.stringify(openAIError(message, type, code, param));
}

/** The ctx.var name APISIX exposes for a request header (`http_` + lower-case, `-` -> `_`). */
export function headerVar(name: string): string {
  return `http_${name.toLowerCase().replace(/-/g, '_')}`;
}
