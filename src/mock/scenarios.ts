/**
 * What the mock answers. The scenario comes from the `x-mock-scenario` header or, because headers do
 * not always survive a gateway, from a marker such as `[[mock:tools]]` in the last user message.
 * Answers are deterministic functions of the request.
 */
type Obj = Record<string, unknown>;

export interface Scenario { name: string; arg?: string }

const MARKER = /\[\[mock:([a-z0-9-]+)(?::([a-z0-9_.-]+))?\]\]/;

function lastUserText(body: Obj): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Obj[]) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const texts = (m.content as Obj[]).filter((b) => b?.type === 'text').map((b) => String(b.text));
      if (texts.length > 0) return texts.join(' ');
    }
    return '';
  }
  return '';
}

export function pickScenario(header: string | undefined, body: Obj): Scenario {
  const raw = header ?? MARKER.exec(lastUserText(body))?.slice(1).filter(Boolean).join(':') ?? 'text';
  const [name, arg] = raw.split(':');
  return { name: name || 'text', arg };
}

function inputFromSchema(schema: unknown): Obj {
  const out: Obj = {};
  const props = schema && typeof schema === 'object' ? (schema as Obj).properties : undefined;
  if (!props || typeof props !== 'object') return out;
  for (const [k, v] of Object.entries(props as Obj)) {
    const type = v && typeof v === 'object' ? (v as Obj).type : undefined;
    out[k] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'array' ? [] : type === 'object' ? {} : 'value';
  }
  return out;
}

function tools(body: Obj): Obj[] {
  return Array.isArray(body.tools) ? (body.tools as Obj[]).filter((t) => typeof t?.name === 'string') : [];
}

function toolUse(body: Obj, n: number): Obj {
  const list = tools(body);
  const forced = body.tool_choice && (body.tool_choice as Obj).type === 'tool' ? list.find((t) => t.name === (body.tool_choice as Obj).name) : undefined;
  const tool = forced ?? list[n % Math.max(list.length, 1)] ?? { name: 'get_weather', input_schema: { properties: { city: { type: 'string' } } } };
  return { type: 'tool_use', id: `toolu_mock${n + 1}`, name: tool.name, input: inputFromSchema(tool.input_schema) };
}

export interface Answer {
  content: Obj[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage: Obj;
}

const STOP_REASONS: Record<string, string> = {
  'end-turn': 'end_turn', 'stop-sequence': 'stop_sequence', 'max-tokens': 'max_tokens', 'tool-use': 'tool_use', 'pause-turn': 'pause_turn',
  refusal: 'refusal', 'model-context-window-exceeded': 'model_context_window_exceeded', future: 'future_reason',
};

/** The message content for a scenario (errors and transport faults are handled by the server). */
export function answerFor(s: Scenario, body: Obj): Answer {
  const said = lastUserText(body).replace(MARKER, '').trim().slice(0, 200);
  const text = (t: string): Obj => ({ type: 'text', text: t });
  const usage = { input_tokens: 10 + said.length, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const reply = `You said: ${said || '(nothing)'}`;
  switch (s.name) {
    case 'multi-text':
      return { content: [text('First part. '), text('Second part.')], stop_reason: 'end_turn', usage };
    case 'tool':
    case 'tools':
      return { content: [toolUse(body, 0)], stop_reason: 'tool_use', usage };
    case 'parallel-tools':
      return { content: [text('Let me check both.'), toolUse(body, 0), toolUse(body, 1)], stop_reason: 'tool_use', usage };
    case 'thinking':
      return { content: [{ type: 'thinking', thinking: 'The user wants an answer. Think briefly.', signature: 'EqQBCkYIBRgCKkBmockSignature==' }, text(reply)], stop_reason: 'end_turn', usage };
    case 'thinking-tool':
      return { content: [{ type: 'thinking', thinking: 'I should call a tool.', signature: 'EqQBCkYIBRgCKkBmockSignature2==' }, toolUse(body, 0)], stop_reason: 'tool_use', usage };
    case 'redacted-thinking':
      return { content: [{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' }, text(reply)], stop_reason: 'end_turn', usage };
    case 'cache':
      return { content: [text(reply)], stop_reason: 'end_turn', usage: { ...usage, cache_creation_input_tokens: 100, cache_read_input_tokens: 400 } };
    case 'stop': {
      const arg = s.arg ?? 'end-turn';
      const reason = Object.hasOwn(STOP_REASONS, arg) ? STOP_REASONS[arg] : arg;
      if (reason === 'tool_use') return { content: [toolUse(body, 0)], stop_reason: reason, usage };
      return { content: [text(reason === 'refusal' ? 'I cannot help with' : reply)], stop_reason: reason, stop_sequence: reason === 'stop_sequence' ? 'STOP' : null, usage };
    }
    case 'long': {
      // Exactly N text deltas of 8 characters when streamed (benchmarks count events).
      const n = Math.min(Math.max(Number(s.arg) || 100, 1), 100000);
      return { content: [text('lorem ip'.repeat(n))], stop_reason: 'end_turn', usage: { ...usage, output_tokens: n } };
    }
    default:
      return { content: [text(reply)], stop_reason: 'end_turn', usage };
  }
}

/** Event payloads (without framing) as Anthropic streams them, text split into small deltas. */
export function streamEvents(id: string, model: string, a: Answer, deltaSize = 8): Obj[] {
  const out: Obj[] = [];
  const startUsage = { ...a.usage, output_tokens: 1 };
  out.push({ type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } });
  out.push({ type: 'ping' });
  a.content.forEach((block, index) => {
    if (block.type === 'text') {
      out.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      const t = String(block.text);
      for (let i = 0; i < t.length; i += deltaSize) out.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t.slice(i, i + deltaSize) } });
    } else if (block.type === 'tool_use') {
      out.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input);
      out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      for (let i = 0; i < json.length; i += 5) out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(i, i + 5) } });
    } else if (block.type === 'thinking') {
      out.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '' } });
      out.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } });
      out.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else {
      out.push({ type: 'content_block_start', index, content_block: block });
    }
    out.push({ type: 'content_block_stop', index });
  });
  out.push({ type: 'message_delta', delta: { stop_reason: a.stop_reason, stop_sequence: a.stop_sequence ?? null }, usage: { output_tokens: a.usage.output_tokens } });
  out.push({ type: 'message_stop' });
  return out;
}

export const ERROR_TYPES: Record<string, string> = {
  '400': 'invalid_request_error', '401': 'authentication_error', '402': 'billing_error', '403': 'permission_error', '404': 'not_found_error',
  '413': 'request_too_large', '429': 'rate_limit_error', '500': 'api_error', '504': 'timeout_error', '529': 'overloaded_error',
};
