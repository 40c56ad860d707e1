/**
 * How APISIX 3.18 applies runner replies (ext-plugin/init.lua, fact sheet §5), so tests assert what a
 * client or upstream would really see rather than what the runner meant.
 */
import type { Pair } from './messages';

/** Response headers APISIX drops from Rewrite.resp_headers and from upstream headers on HTTPRespCall. */
export const EXCLUDED_RESP_HEADERS = new Set([
  'connection', 'content-length', 'transfer-encoding', 'location', 'server', 'www-authenticate',
  'content-encoding', 'content-type', 'content-location', 'content-language',
]);

export type Header = [name: string, value: string];

/** core.utils.uri_safe_encode (ngx_escape_uri, URI mode): space # % ? controls and bytes >= 0x7F. */
export function uriSafeEncode(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const escape = byte <= 0x20 || byte >= 0x7f || byte === 0x23 || byte === 0x25 || byte === 0x3f;
    out += escape ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/** Lower-cased names; the first occurrence of a name is a set, later ones add (so repeats stay). */
export function setThenAdd(list: readonly Pair[], exclude?: ReadonlySet<string>): Header[] {
  const out: Header[] = [];
  for (const [n, v] of list) {
    const name = n.toLowerCase();
    if (exclude?.has(name)) continue;
    out.push([name, v ?? '']);
  }
  return out;
}

export interface UpstreamRequest {
  method: string;
  /** $uri-like decoded path, or after a Rewrite the escaped $upstream_uri path. */
  path: string;
  headers: Header[];
  args: Pair[];
  body: Buffer | undefined;
}

/** Rewrite application order of APISIX: path, headers, body, resp_headers, args. */
export function applyRewrite(
  req: UpstreamRequest,
  rw: { path: string | null; headers: Pair[]; args: Pair[]; respHeaders: Pair[]; body: Buffer },
): { request: UpstreamRequest; respHeaders: Header[]; upstreamUri: string | undefined } {
  let headers = req.headers.map((h) => [...h] as Header);
  for (const [n, v] of rw.headers) {
    const name = n.toLowerCase();
    headers = headers.filter(([hn]) => hn !== name);
    if (v !== null) headers.push([name, v]);
  }
  let args = req.args.map((a) => [...a] as Pair);
  const seen = new Set<string>();
  for (const [n, v] of rw.args) {
    if (v === null) {
      args = args.filter(([an]) => an !== n);
      seen.delete(n);
      continue;
    }
    if (!seen.has(n)) {
      args = args.filter(([an]) => an !== n);
      seen.add(n);
    }
    args.push([n, v]);
  }
  const path = rw.path !== null && rw.path !== '' ? uriSafeEncode(rw.path) : req.path;
  const query = args.map(([n, v]) => (v === null ? encodeURIComponent(n) : `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)).join('&');
  return {
    request: { method: req.method, path, headers, args, body: rw.body.length > 0 ? rw.body : req.body },
    respHeaders: setThenAdd(rw.respHeaders, EXCLUDED_RESP_HEADERS),
    upstreamUri: rw.path !== null && rw.path !== '' ? `${path}${query ? `?${query}` : ''}` : undefined,
  };
}

export interface ClientResponse {
  status: number;
  headers: Header[];
  body: Buffer;
}

/** HTTPRespCall.Resp as applied by ext-plugin-post-resp. `passThroughBody` is what streaming would send. */
export function applyRespCall(
  upstream: { status: number; headers: Pair[] },
  passThroughBody: Buffer,
  reply: { status: number; headers: Pair[]; body: Buffer },
): ClientResponse {
  const headers = reply.headers.length > 0 ? setThenAdd(reply.headers) : setThenAdd(upstream.headers, EXCLUDED_RESP_HEADERS);
  const status = reply.status || upstream.status;
  return { status, headers, body: reply.body.length > 0 ? reply.body : passThroughBody };
}

export function headerValue(headers: readonly Header[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([n]) => n === wanted)?.[1];
}
