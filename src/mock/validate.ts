/**
 * The rules the real Anthropic Messages API enforces (conversion.md §4.1), as a pure function. The mock
 * server runs it on every request and the golden tests run it on every converted request, so a
 * conversion the real API would refuse fails our tests first.
 */
import { invalid, mockError, type MockError } from './errors';

export interface MockRules {
  /** Accepted keys; empty = any non-empty key. */
  keys?: readonly string[];
  /** Model names accepted; default: names starting with `claude-`. */
  knownModel?: (model: string) => boolean;
  maxTokensLimit?: number;
  /** Refuse two consecutive turns of the same role (older API behaviour). */
  strictAlternation?: boolean;
  /** Refuse a conversation whose first message is not from the user. */
  firstMessageUser?: boolean;
  /** Refuse `source.type: url` (some platforms do). */
  refuseUrlSources?: boolean;
  /** Models that refuse temperature together with top_p (prefixes). */
  exclusiveSamplingPrefixes?: readonly string[];
}

export const DEFAULT_EXCLUSIVE_SAMPLING = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-opus-4-5', 'claude-opus-4-6', 'claude-sonnet-4-6'];

const TOP_LEVEL = new Set(['model', 'messages', 'max_tokens', 'system', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k', 'metadata', 'tools', 'tool_choice', 'thinking', 'output_config', 'service_tier', 'container', 'mcp_servers']);
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const MAX_IMAGE_BASE64 = Math.ceil((5 * 1024 * 1024 * 4) / 3);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

class Refusal extends Error {
  constructor(readonly error: MockError) {
    super(error.body.error.message);
  }
}
const refuse = (message: string): never => {
  throw new Refusal(invalid(message));
};

function checkHeaders(headers: Record<string, string | undefined>, rules: MockRules): MockError | null {
  const version = headers['anthropic-version'];
  if (!version) return invalid('anthropic-version: header is required');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) return invalid(`anthropic-version: invalid version "${version}"`);
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  const key = headers['x-api-key'] || bearer;
  if (!key) return mockError(401, 'authentication_error', 'x-api-key header is required');
  if (rules.keys && rules.keys.length > 0 && !rules.keys.includes(key)) return mockError(401, 'authentication_error', 'invalid x-api-key');
  return null;
}

function cacheControl(block: Obj, where: string, counter: { n: number }): void {
  const cc = block.cache_control;
  if (cc === undefined || cc === null) return;
  if (!isObj(cc) || cc.type !== 'ephemeral') refuse(`${where}.cache_control.type: Input should be 'ephemeral'`);
  const c = cc as Obj;
  if (c.ttl !== undefined && c.ttl !== '5m' && c.ttl !== '1h') refuse(`${where}.cache_control.ttl: Input should be '5m' or '1h'`);
  if (block.type === 'text' && typeof block.text === 'string' && block.text === '') refuse(`${where}: cache_control cannot be set for empty text blocks`);
  counter.n += 1;
  if (counter.n > 4) refuse('A maximum of 4 blocks with cache_control may be provided. Found 5.');
}

function textBlock(block: Obj, where: string): void {
  if (typeof block.text !== 'string') refuse(`${where}.text: Field required`);
  if (block.text === '') refuse('messages: text content blocks must be non-empty');
  if ((block.text as string).trim() === '') refuse('messages: text content blocks must contain non-whitespace text');
}

function source(block: Obj, where: string, rules: MockRules, document: boolean): void {
  const src = block.source;
  if (!isObj(src)) return refuse(`${where}.source: Field required`);
  if (src.type === 'url') {
    if (rules.refuseUrlSources) refuse(`${where}.source: URL sources are not supported`);
    if (typeof src.url !== 'string' || !/^https?:\/\//.test(src.url)) refuse(`${where}.source.url: invalid URL`);
    return;
  }
  if (src.type === 'file') return;
  if (document && src.type === 'text') {
    if (src.media_type !== 'text/plain' || typeof src.data !== 'string') refuse(`${where}.source: text sources need media_type text/plain and data`);
    return;
  }
  if (src.type !== 'base64') return refuse(`${where}.source.type: Input tag '${String(src.type)}' found using 'type' does not match any of the expected tags`);
  const mt = String(src.media_type);
  if (document ? mt !== 'application/pdf' : !IMAGE_TYPES.has(mt)) {
    refuse(`${where}.source.media_type: Input should be ${document ? "'application/pdf'" : "'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"}`);
  }
  if (typeof src.data !== 'string' || src.data === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(src.data)) refuse(`${where}.source.data: invalid base64 data`);
  if (!document && (src.data as string).length > MAX_IMAGE_BASE64) refuse(`${where}.source.base64: image exceeds 5 MB maximum`);
}

function checkContent(content: Obj[], where: string, role: string, rules: MockRules, thinkingOn: boolean, cache: { n: number }): void {
  content.forEach((b, j) => {
    const at = `${where}.content.${j}`;
    if (!isObj(b)) refuse(`${at}: Input should be a valid dictionary`);
    switch (b.type) {
      case 'text':
        textBlock(b, at);
        break;
      case 'image':
        if (role !== 'user') refuse(`${at}: images are only allowed in user messages`);
        source(b, at, rules, false);
        break;
      case 'document':
        source(b, at, rules, true);
        break;
      case 'tool_use':
        if (role !== 'assistant') refuse(`${at}: tool_use blocks are only allowed in assistant messages`);
        if (typeof b.id !== 'string' || !b.id || typeof b.name !== 'string' || !isObj(b.input)) refuse(`${at}: tool_use needs id, name and an object input`);
        break;
      case 'tool_result':
        if (role !== 'user') refuse(`${at}: tool_result blocks are only allowed in user messages`);
        if (typeof b.tool_use_id !== 'string') refuse(`${at}.tool_use_id: Field required`);
        if (Array.isArray(b.content)) (b.content as Obj[]).forEach((c, k) => c?.type === 'text' && textBlock(c, `${at}.content.${k}`));
        break;
      case 'thinking':
      case 'redacted_thinking':
        if (role !== 'assistant') refuse(`${at}: thinking blocks are only allowed in assistant messages`);
        if (!thinkingOn) refuse('messages: When thinking is disabled, an `assistant` message cannot contain `thinking` blocks');
        if (b.type === 'thinking' && (typeof b.signature !== 'string' || !b.signature)) refuse(`${at}.thinking.signature: Field required`);
        break;
      default:
        refuse(`${at}: Input tag '${String(b.type)}' found using 'type' does not match any of the expected tags`);
    }
    cacheControl(b, at, cache);
  });
}

function toolPairing(messages: Obj[]): void {
  const seen = new Set<string>();
  messages.forEach((m, i) => {
    const content = m.content as Obj[];
    if (m.role === 'assistant') {
      const ids = content.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
      for (const id of ids) {
        if (seen.has(id)) refuse(`messages.${i}: tool_use ids must be unique (${id})`);
        seen.add(id);
      }
      if (ids.length === 0) return;
      const next = messages[i + 1];
      const answered = new Set(next && next.role === 'user' && Array.isArray(next.content) ? (next.content as Obj[]).filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)) : []);
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0 && i < messages.length - 1) {
        refuse(`messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
      }
    } else {
      const results = content.map((b, k) => [b, k] as const).filter(([b]) => b.type === 'tool_result');
      if (results.length === 0) return;
      const firstOther = content.findIndex((b) => b.type !== 'tool_result');
      if (firstOther >= 0 && results.some(([, k]) => k > firstOther)) refuse(`messages.${i}: tool_result blocks must come before any other content in the user message`);
      const prev = messages[i - 1];
      const called = new Set(prev && prev.role === 'assistant' ? (prev.content as Obj[]).filter((b) => b.type === 'tool_use').map((b) => String(b.id)) : []);
      for (const [b] of results) {
        if (!called.has(String(b.tool_use_id))) refuse(`messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
    }
  });
}

function checkTools(body: Obj): Set<string> {
  const names = new Set<string>();
  if (body.tools === undefined) return names;
  if (!Array.isArray(body.tools)) refuse('tools: Input should be a valid list');
  (body.tools as unknown[]).forEach((t, i) => {
    if (!isObj(t)) return refuse(`tools.${i}: Input should be a valid dictionary`);
    if (t.type !== undefined && t.type !== 'custom') return names.add(String(t.name)); // server tools
    if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) refuse(`tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    if (names.has(t.name as string)) refuse(`tools: Tool names must be unique.`);
    names.add(t.name as string);
    if (!isObj(t.input_schema) || t.input_schema.type !== 'object') refuse(`tools.${i}.custom.input_schema.type: Input should be 'object'`);
    for (const k of Object.keys(t)) if (!['name', 'description', 'input_schema', 'cache_control', 'type', 'strict'].includes(k)) refuse(`tools.${i}.custom.${k}: Extra inputs are not permitted`);
  });
  return names;
}

function checkBody(body: unknown, rules: MockRules): void {
  if (!isObj(body)) return refuse('Request body must be a JSON object');
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) refuse(`${key}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string' || body.model === '') refuse('model: Field required');
  if (body.max_tokens === undefined) refuse('max_tokens: Field required');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) refuse('max_tokens: Input should be a valid integer greater than or equal to 1');
  const limit = rules.maxTokensLimit ?? 128000;
  if ((body.max_tokens as number) > limit) refuse(`max_tokens: ${String(body.max_tokens)} > ${limit}, which is the maximum allowed number of output tokens for ${String(body.model)}`);
  if (!Array.isArray(body.messages)) return refuse('messages: Field required');
  if (body.messages.length === 0) refuse('messages: at least one message is required');

  const cache = { n: 0 };
  if (body.system !== undefined) {
    if (Array.isArray(body.system)) (body.system as Obj[]).forEach((b, i) => {
      if (!isObj(b) || b.type !== 'text') refuse(`system.${i}: Input should be a text block`);
      textBlock(b, `system.${i}`);
      cacheControl(b, `system.${i}`, cache);
    });
    else if (typeof body.system !== 'string') refuse('system: Input should be a valid string or a list of text blocks');
  }

  const thinking = body.thinking;
  let thinkingOn = false;
  if (thinking !== undefined) {
    if (!isObj(thinking)) return refuse('thinking: Input should be a valid dictionary');
    if (thinking.type === 'enabled') {
      thinkingOn = true;
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1024) refuse('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
      if ((budget as number) >= (body.max_tokens as number)) refuse('`max_tokens` must be greater than `thinking.budget_tokens`');
    } else if (thinking.type === 'adaptive') thinkingOn = true;
    else if (thinking.type !== 'disabled') refuse(`thinking: Input tag '${String(thinking.type)}' found using 'type' does not match any of the expected tags`);
  }

  const messages = body.messages as unknown[];
  messages.forEach((m, i) => {
    if (!isObj(m)) return refuse(`messages.${i}: Input should be a valid dictionary`);
    if (m.role !== 'user' && m.role !== 'assistant') refuse(`messages.${i}.role: Unexpected role "${String(m.role)}". Allowed roles are "user" or "assistant".`);
    const last = i === messages.length - 1;
    if (typeof m.content === 'string') {
      if (m.content === '' && !(last && m.role === 'assistant')) refuse(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
      m.content = [{ type: 'text', text: m.content }];
      if ((m.content as Obj[])[0].text === '') m.content = [];
    }
    if (!Array.isArray(m.content)) return refuse(`messages.${i}.content: Input should be a valid string or list`);
    if (m.content.length === 0 && !(last && m.role === 'assistant')) refuse(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    if (rules.strictAlternation && i > 0 && (messages[i - 1] as Obj).role === m.role) refuse('messages: roles must alternate between "user" and "assistant"');
    checkContent(m.content as Obj[], `messages.${i}`, m.role as string, rules, thinkingOn, cache);
    if (last && m.role === 'assistant') {
      const tail = (m.content as Obj[])[(m.content as Obj[]).length - 1];
      if (tail?.type === 'text' && /\s$/.test(String(tail.text))) refuse('messages: final assistant content cannot end with trailing whitespace');
    }
  });
  if (rules.firstMessageUser && (messages[0] as Obj).role !== 'user') refuse('messages: first message must use the "user" role');
  toolPairing(messages as Obj[]);

  const toolNames = checkTools(body);
  const historyHasTools = (messages as Obj[]).some((m) => (m.content as Obj[]).some((b) => b.type === 'tool_use' || b.type === 'tool_result'));
  if (historyHasTools && toolNames.size === 0) refuse('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  if (body.tool_choice !== undefined) {
    const tc = body.tool_choice;
    if (!isObj(tc) || !['auto', 'any', 'tool', 'none'].includes(String(tc.type))) refuse("tool_choice: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'");
    if (toolNames.size === 0) refuse('tool_choice may only be specified while providing tools.');
    if ((tc as Obj).type === 'tool' && !toolNames.has(String((tc as Obj).name))) refuse(`tool_choice.tool.name: Tool '${String((tc as Obj).name)}' not found in tools`);
    if (thinkingOn && ((tc as Obj).type === 'any' || (tc as Obj).type === 'tool')) refuse('Thinking may not be enabled when tool_choice forces tool use.');
  }

  const t = body.temperature;
  if (t !== undefined && (typeof t !== 'number' || t < 0 || t > 1)) refuse('temperature: Input should be less than or equal to 1');
  const p = body.top_p;
  if (p !== undefined && (typeof p !== 'number' || p < 0 || p > 1)) refuse('top_p: Input should be less than or equal to 1');
  const k = body.top_k;
  if (k !== undefined && (typeof k !== 'number' || !Number.isInteger(k) || k < 0)) refuse('top_k: Input should be a valid integer greater than or equal to 0');
  const exclusive = (rules.exclusiveSamplingPrefixes ?? DEFAULT_EXCLUSIVE_SAMPLING).some((x) => String(body.model).startsWith(x));
  if (exclusive && t !== undefined && p !== undefined) refuse(`\`temperature\` and \`top_p\` cannot both be specified for this model. Please use only one.`);
  if (thinkingOn && (t !== undefined || k !== undefined)) refuse('`temperature` and `top_k` may not be set when thinking is enabled');
  if (thinkingOn) {
    const lastAssistant = [...(messages as Obj[])].reverse().find((m) => m.role === 'assistant');
    const c = lastAssistant ? (lastAssistant.content as Obj[]) : [];
    if (c.some((b) => b.type === 'tool_use') && c[0]?.type !== 'thinking' && c[0]?.type !== 'redacted_thinking') {
      refuse('messages: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.');
    }
  }

  if (body.stop_sequences !== undefined) {
    if (!Array.isArray(body.stop_sequences)) refuse('stop_sequences: Input should be a valid list');
    for (const s of body.stop_sequences as unknown[]) if (typeof s !== 'string' || s.trim() === '') refuse('stop_sequences: each stop sequence must contain non-whitespace');
  }
  if (body.metadata !== undefined) {
    if (!isObj(body.metadata)) return refuse('metadata: Input should be a valid dictionary');
    for (const key of Object.keys(body.metadata)) if (key !== 'user_id') refuse(`metadata.${key}: Extra inputs are not permitted`);
    const uid = body.metadata.user_id;
    if (typeof uid === 'string' && /[^\s@]+@[^\s@]+\.[^\s@]+/.test(uid)) refuse('metadata.user_id: user_id appears to contain an email address');
    if (typeof uid === 'string' && /^\+?[\d\s().-]{7,}$/.test(uid)) refuse('metadata.user_id: user_id appears to contain a phone number');
  }
  if (body.output_config !== undefined) {
    const oc = body.output_config;
    if (!isObj(oc)) return refuse('output_config: Input should be a valid dictionary');
    for (const key of Object.keys(oc)) if (key !== 'format' && key !== 'effort') refuse(`output_config.${key}: Extra inputs are not permitted`);
    if (oc.format !== undefined && (!isObj(oc.format) || oc.format.type !== 'json_schema' || !isObj(oc.format.schema))) refuse('output_config.format: expected {"type":"json_schema","schema":{...}}');
    if (oc.effort !== undefined && !['low', 'medium', 'high', 'max'].includes(String(oc.effort))) refuse("output_config.effort: Input should be 'low', 'medium', 'high' or 'max'");
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') refuse('stream: Input should be a valid boolean');
}

/** null when the real API would accept this request; otherwise its error. Never mutates `body`. */
export function validateAnthropicRequest(body: unknown, headers: Record<string, string | undefined> = {}, rules: MockRules = {}): MockError | null {
  const headerError = checkHeaders(headers, rules);
  if (headerError) return headerError;
  try {
    checkBody(structuredClone(body), rules);
  } catch (e) {
    if (e instanceof Refusal) return e.error;
    throw e;
  }
  if (isObj(body) && typeof body.model === 'string' && !(rules.knownModel ?? ((m: string) => m.startsWith('claude-')))(body.model)) {
    return mockError(404, 'not_found_error', `model: ${body.model}`);
  }
  return null;
}
