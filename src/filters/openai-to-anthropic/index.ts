/**
 * `openai-to-anthropic`: one filter name for ext-plugin-pre-req, -post-req and -post-resp. Its conf is
 * the core's options object (the same schema as the bridge's targets), checked when APISIX prepares it.
 */
import { optionsSchema, resolveOptions, type BridgeOptions, type CoreEnv, type ResolvedOptions } from '../../core';
import type { Filter } from '../types';
import { convertRequestCall } from './request-side';
import { convertResponseCall } from './response-side';

export const FILTER_NAME = 'openai-to-anthropic';

export interface OpenAIToAnthropicDeps {
  env: CoreEnv;
  /** Called for each request field that was dropped or adjusted (for metrics). */
  onWarning?: (code: string) => void;
}

export function createOpenAIToAnthropicFilter(deps: OpenAIToAnthropicDeps): Filter<ResolvedOptions> {
  return {
    name: FILTER_NAME,
    confSchema: optionsSchema,
    parseConf: (value) => resolveOptions(value as BridgeOptions),
    onRequest: (options, req, ctx) => convertRequestCall(options, req, ctx.log, deps),
    onResponse: (options, res, ctx) => convertResponseCall(options, res, ctx.log, deps.env),
  };
}
