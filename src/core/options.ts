/**
 * The one options object shared by the ext-plugin route value and the bridge's targets. Public names
 * are snake_case because operators write them next to APISIX's own snake_case config.
 * `optionsSchema` is plain data (JSON Schema draft-07); src/config compiles it with ajv.
 */

export type AuthMode = 'x-api-key' | 'bearer' | 'passthrough';
export type UnsupportedMode = 'drop' | 'reject';

export interface ModelCapabilities {
  /** Highest max_tokens the model accepts; also the default ceiling for reasoning budgets. */
  max_output_tokens?: number;
  /** Default max_tokens when the client sends none. */
  default_max_tokens?: number;
  /** Native structured outputs (`output_config.format`) for response_format json_schema. */
  structured_outputs?: boolean;
  /** The host accepts `source: {type: "url"}` images/documents. */
  url_sources?: boolean;
  /** Uses `thinking: {type: "adaptive"}` + `output_config.effort` instead of a token budget. */
  adaptive_thinking?: boolean;
  /** The model refuses temperature and top_p together. */
  exclusive_sampling?: boolean;
}

export interface BridgeOptions {
  /** Client model name -> upstream model (Azure AI Foundry: the deployment name). */
  model_aliases?: Record<string, string>;
  /** Model used when the client sends none. */
  default_model?: string;
  /** Fallback max_tokens when neither the client nor the capability table gives one. */
  default_max_tokens?: number;
  /** anthropic-version header sent upstream. */
  anthropic_version?: string;
  /** anthropic-beta values added to every upstream request (merged with the client's, de-duplicated). */
  anthropic_beta?: string[];
  /** Upstream path (Azure AI Foundry: /anthropic/v1/messages). */
  upstream_path?: string;
  /** How the credential is carried upstream. */
  auth?: AuthMode;
  /** Fields we cannot honour: drop them (logged) or refuse the request with 400. `reject` = strict mode. */
  unsupported?: UnsupportedMode;
  /** `hoist`: every system/developer message goes to top-level system. `in_place`: later ones become user text. */
  system_messages?: 'hoist' | 'in_place';
  /** When a model refuses temperature with top_p: which one to keep. */
  sampling_priority?: 'temperature' | 'top_p';
  /** `user` -> metadata.user_id: forward (unless it looks like an e-mail/phone), drop always, or hash. */
  user_id?: 'forward' | 'drop' | 'hash';
  /** input_audio parts: drop with a log line, or refuse. */
  input_audio?: UnsupportedMode;
  /** Tool blocks in history but no `tools`: add a placeholder tool, or refuse. */
  orphan_tool_history?: 'placeholder' | 'reject';
  /** tool_call arguments that are not a JSON object: send `{}`, or refuse. */
  invalid_tool_arguments?: 'empty_object' | 'reject';
  /** response_format json_schema: native structured output where supported (auto), always native, or forced-tool emulation. */
  response_format?: 'auto' | 'native' | 'tool';
  /** Anthropic 529 overloaded_error is answered as 503 (OpenAI clients retry it) or kept as 529. */
  overloaded_status?: 503 | 529;
  /** reasoning_effort -> thinking budget_tokens. */
  reasoning_budgets?: { minimal?: number; low?: number; medium?: number; high?: number };
  /** Per-model capabilities, keyed by upstream model name prefix; the longest matching prefix wins. */
  models?: Record<string, ModelCapabilities>;
  /** Name of the request header that carries ResponseState from the request call to the response call. */
  state_header?: string;
}

export type ResolvedOptions = Required<Omit<BridgeOptions, 'reasoning_budgets' | 'default_model'>> & {
  default_model?: string;
  reasoning_budgets: Required<NonNullable<BridgeOptions['reasoning_budgets']>>;
};

/** Capabilities as data. Prefixes are matched against the upstream model name. */
export const DEFAULT_MODEL_CAPABILITIES: Record<string, ModelCapabilities> = {
  'claude-3-haiku': { max_output_tokens: 4096, default_max_tokens: 4096 },
  'claude-3-opus': { max_output_tokens: 4096, default_max_tokens: 4096 },
  'claude-3-5-haiku': { max_output_tokens: 8192, default_max_tokens: 8192 },
  'claude-3-5-sonnet': { max_output_tokens: 8192, default_max_tokens: 8192 },
  'claude-3-7-sonnet': { max_output_tokens: 64000, default_max_tokens: 8192 },
  'claude-sonnet-4': { max_output_tokens: 64000, default_max_tokens: 8192 },
  'claude-opus-4': { max_output_tokens: 32000, default_max_tokens: 8192 },
  'claude-opus-4-1': { max_output_tokens: 32000, default_max_tokens: 8192, exclusive_sampling: true },
  'claude-sonnet-4-5': { max_output_tokens: 64000, default_max_tokens: 8192, exclusive_sampling: true, structured_outputs: true },
  'claude-haiku-4-5': { max_output_tokens: 64000, default_max_tokens: 8192, exclusive_sampling: true, structured_outputs: true },
  'claude-opus-4-5': { max_output_tokens: 64000, default_max_tokens: 8192, exclusive_sampling: true, structured_outputs: true },
  'claude-opus-4-6': { max_output_tokens: 128000, default_max_tokens: 8192, exclusive_sampling: true, structured_outputs: true, adaptive_thinking: true },
  'claude-sonnet-4-6': { max_output_tokens: 64000, default_max_tokens: 8192, exclusive_sampling: true, structured_outputs: true, adaptive_thinking: true },
};

export const DEFAULT_OPTIONS: ResolvedOptions = {
  model_aliases: {},
  default_max_tokens: 4096,
  anthropic_version: '2023-06-01',
  anthropic_beta: [],
  upstream_path: '/v1/messages',
  auth: 'x-api-key',
  unsupported: 'drop',
  system_messages: 'hoist',
  sampling_priority: 'temperature',
  user_id: 'forward',
  input_audio: 'drop',
  orphan_tool_history: 'placeholder',
  invalid_tool_arguments: 'empty_object',
  response_format: 'auto',
  overloaded_status: 503,
  reasoning_budgets: { minimal: 1024, low: 1024, medium: 2048, high: 4096 },
  models: DEFAULT_MODEL_CAPABILITIES,
  state_header: 'x-a6-bridge-state',
};

/** Fills defaults. Input must already have passed `optionsSchema`. `models` entries merge over the defaults. */
export function resolveOptions(input: BridgeOptions = {}): ResolvedOptions {
  const { reasoning_budgets, models, ...rest } = input;
  const out: ResolvedOptions = { ...DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  out.reasoning_budgets = { ...DEFAULT_OPTIONS.reasoning_budgets, ...(reasoning_budgets ?? {}) };
  out.models = { ...DEFAULT_MODEL_CAPABILITIES, ...(models ?? {}) };
  return out;
}

/** Longest-prefix lookup in the capability table. */
export function capabilitiesFor(model: string, options: ResolvedOptions): ModelCapabilities {
  let best = '';
  for (const prefix of Object.keys(options.models)) {
    if (model.startsWith(prefix) && prefix.length > best.length) best = prefix;
  }
  return best ? options.models[best] : {};
}

const capabilitySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_output_tokens: { type: 'integer', minimum: 1 },
    default_max_tokens: { type: 'integer', minimum: 1 },
    structured_outputs: { type: 'boolean' },
    url_sources: { type: 'boolean' },
    adaptive_thinking: { type: 'boolean' },
    exclusive_sampling: { type: 'boolean' },
  },
} as const;

export const optionsSchema = {
  $id: 'apisix-anthropic-bridge/options',
  type: 'object',
  additionalProperties: false,
  properties: {
    model_aliases: {
      type: 'object',
      propertyNames: { minLength: 1, maxLength: 256 },
      additionalProperties: { type: 'string', minLength: 1, maxLength: 256 },
    },
    default_model: { type: 'string', minLength: 1, maxLength: 256 },
    default_max_tokens: { type: 'integer', minimum: 1, maximum: 1000000 },
    anthropic_version: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
    anthropic_beta: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' }, maxItems: 32 },
    upstream_path: { type: 'string', pattern: '^/[^?#\\s]*$', maxLength: 1024 },
    auth: { enum: ['x-api-key', 'bearer', 'passthrough'] },
    unsupported: { enum: ['drop', 'reject'] },
    system_messages: { enum: ['hoist', 'in_place'] },
    sampling_priority: { enum: ['temperature', 'top_p'] },
    user_id: { enum: ['forward', 'drop', 'hash'] },
    input_audio: { enum: ['drop', 'reject'] },
    orphan_tool_history: { enum: ['placeholder', 'reject'] },
    invalid_tool_arguments: { enum: ['empty_object', 'reject'] },
    response_format: { enum: ['auto', 'native', 'tool'] },
    overloaded_status: { enum: [503, 529] },
    reasoning_budgets: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minimal: { type: 'integer', minimum: 1024 },
        low: { type: 'integer', minimum: 1024 },
        medium: { type: 'integer', minimum: 1024 },
        high: { type: 'integer', minimum: 1024 },
      },
    },
    models: { type: 'object', additionalProperties: capabilitySchema },
    state_header: { type: 'string', pattern: '^x-[a-z0-9-]{1,64}$' },
  },
} as const;
