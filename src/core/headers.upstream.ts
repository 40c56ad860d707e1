/**
 * Request headers for the Anthropic upstream. The OpenAI client's credential arrives as
 * `Authorization: Bearer <key>` (or `api-key` / `x-api-key`); Anthropic wants `x-api-key`, Azure AI
 * Foundry with Entra ID wants the Bearer token kept. Client headers meant for OpenAI are removed.
 */
import type { ResolvedOptions } from './options';

export interface UpstreamHeaders {
  /** Headers to set (lower-case names). */
  set: Record<string, string>;
  /** Client headers to remove before the request goes upstream. */
  remove: string[];
}

function bearer(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^\s*Bearer\s+(\S.*?)\s*$/i.exec(value);
  return m ? m[1] : undefined;
}

/** The credential the client presented, whichever header carried it. */
export function clientCredential(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  return bearer(headers.authorization) ?? (headers['x-api-key'] || undefined) ?? (headers['api-key'] || undefined);
}

export function mergeBetas(...lists: Array<readonly string[] | string | undefined>): string[] {
  const seen = new Set<string>();
  for (const list of lists) {
    const items = typeof list === 'string' ? list.split(',') : list ?? [];
    for (const raw of items) {
      const b = raw.trim();
      if (b) seen.add(b);
    }
  }
  return [...seen];
}

export function buildUpstreamHeaders(clientHeaders: Readonly<Record<string, string | undefined>>, options: ResolvedOptions): UpstreamHeaders {
  const set: Record<string, string> = { 'anthropic-version': options.anthropic_version };
  const remove = Object.keys(clientHeaders).filter((name) => name.startsWith('openai-'));
  const key = clientCredential(clientHeaders);
  switch (options.auth) {
    case 'x-api-key':
      remove.push('authorization', 'api-key');
      if (key) set['x-api-key'] = key;
      break;
    case 'bearer':
      remove.push('x-api-key', 'api-key');
      if (key) set.authorization = `Bearer ${key}`;
      break;
    case 'passthrough':
      break;
  }
  const betas = mergeBetas(clientHeaders['anthropic-beta'], options.anthropic_beta);
  if (betas.length > 0) set['anthropic-beta'] = betas.join(',');
  return { set, remove: remove.filter((name) => !(name in set)) };
}
