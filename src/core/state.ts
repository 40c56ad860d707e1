/**
 * What the response side needs to know about the request. It must survive between APISIX's request
 * call and response call without runner memory (another connection, maybe a restarted runner), so it
 * is serialised into a request header by the filter and read back with an ExtraInfo Var.
 */
export interface ResponseState {
  /** Model name as the client sent it; reported back in responses. */
  clientModel: string;
  /** The client asked for `stream: true`. */
  stream: boolean;
  /** `stream_options.include_usage` was true. */
  includeUsage: boolean;
  /** sanitised tool name -> original client tool name, only for names that changed. */
  toolNames?: Record<string, string>;
  /**
   * Set when response_format was emulated with a forced tool: the tool's (sanitised) name. Its
   * arguments are returned as message content with finish_reason "stop".
   */
  jsonTool?: string;
}

// Short keys keep the header small; tool maps can be long.
interface Packed { m: string; s?: 1; u?: 1; t?: Record<string, string>; j?: string }

export function encodeResponseState(state: ResponseState): string {
  const p: Packed = { m: state.clientModel };
  if (state.stream) p.s = 1;
  if (state.includeUsage) p.u = 1;
  if (state.toolNames && Object.keys(state.toolNames).length > 0) p.t = state.toolNames;
  if (state.jsonTool) p.j = state.jsonTool;
  return base64UrlEncode(JSON.stringify(p));
}

/** Returns undefined for anything that is not a state we wrote (a header is client-controllable). */
export function decodeResponseState(value: string | undefined | null): ResponseState | undefined {
  if (!value || value.length > 65536 || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  let p: unknown;
  try {
    p = JSON.parse(base64UrlDecode(value));
  } catch {
    return undefined;
  }
  if (!p || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const o = p as Record<string, unknown>;
  if (typeof o.m !== 'string') return undefined;
  const state: ResponseState = { clientModel: o.m, stream: o.s === 1, includeUsage: o.u === 1 };
  if (o.t && typeof o.t === 'object' && !Array.isArray(o.t)) {
    const names: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(o.t as Record<string, unknown>)) if (typeof v === 'string') names[k] = v;
    state.toolNames = names;
  }
  if (typeof o.j === 'string') state.jsonTool = o.j;
  return state;
}

// The core uses no Node built-ins (no Buffer), so base64url is done by hand over UTF-8 bytes.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

function base64UrlDecode(text: string): string {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    acc = (acc << 6) | ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 255);
    }
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
}
