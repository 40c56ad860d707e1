/**
 * Optional for targets whose host refuses URL image sources (`fetch_image_urls` in the target config):
 * http(s) image URLs are downloaded and inlined as data: URLs before conversion. The fetch is bounded in
 * size, time, redirects and count, and refuses private, loopback and link-local addresses: the address
 * checked is the address connected to (no second DNS answer can slip in).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { ConversionError } from '../core';

export interface ImageFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Only for tests and trusted networks: allow private and loopback addresses. */
  allowPrivate: boolean;
  /** DNS resolution, injectable for tests. */
  resolve?: (host: string) => Promise<string[]>;
}

const MAX_IMAGES = 20;
const MAX_REDIRECTS = 3;
const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf']);

function refused(url: string, why: string): ConversionError {
  return new ConversionError('ERR_IMAGE_FETCH', `Image ${url.slice(0, 200)} could not be fetched: ${why}.`, { param: 'messages' });
}

/** Loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified and multicast addresses. */
export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  }
  const v = ip.toLowerCase();
  if (v.startsWith('::ffff:')) return isPrivateAddress(v.slice(7));
  return v === '::' || v === '::1' || v.startsWith('fc') || v.startsWith('fd') || v.startsWith('fe8') || v.startsWith('fe9') || v.startsWith('fea') || v.startsWith('feb') || v.startsWith('ff');
}

const systemResolve = async (host: string) => (await dnsLookup(host, { all: true })).map((a) => a.address);

async function fetchOne(url: string, opts: ImageFetchOptions, signal: AbortSignal): Promise<string> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const u = new URL(current);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw refused(url, 'only http and https URLs are fetched');
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await (opts.resolve ?? systemResolve)(host).catch(() => [] as string[]);
    if (addresses.length === 0) throw refused(url, 'the host does not resolve');
    if (!opts.allowPrivate && addresses.some(isPrivateAddress)) throw refused(url, 'the host has a private or loopback address');
    const pinned: LookupFunction = (_h, options, cb) => {
      const family = isIP(addresses[0]);
      if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: addresses[0], family }]);
      else cb(null, addresses[0], family);
    };
    const agent = new Agent({ connect: { lookup: pinned, timeout: opts.timeoutMs }, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs });
    try {
      const res = await request(current, { dispatcher: agent, signal, headers: { accept: 'image/*,application/pdf' } });
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump();
        current = new URL(String(res.headers.location), current).toString();
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw refused(url, `HTTP ${res.statusCode}`);
      }
      const type = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!ACCEPTED.has(type)) {
        await res.body.dump();
        throw refused(url, `content type ${type || '(none)'} is not an image Anthropic accepts`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > opts.maxBytes) {
          res.body.destroy();
          throw refused(url, `larger than ${opts.maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
      return `data:${type};base64,${Buffer.concat(chunks, size).toString('base64')}`;
    } catch (e) {
      if (e instanceof ConversionError) throw e;
      throw refused(url, (e as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT' || (e as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT' ? 'timed out' : 'the connection failed');
    } finally {
      await agent.close().catch(() => undefined);
    }
  }
  throw refused(url, 'too many redirects');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy of the request with every http(s) image_url replaced by a data: URL; the input is not changed. */
export async function inlineImageUrls(body: unknown, opts: ImageFetchOptions, signal: AbortSignal): Promise<unknown> {
  if (!isObj(body) || !Array.isArray(body.messages)) return body;
  const urls = new Set<string>();
  for (const m of body.messages) {
    if (!isObj(m) || !Array.isArray(m.content)) continue;
    for (const p of m.content) {
      const spec = isObj(p) && p.type === 'image_url' ? p.image_url : undefined;
      const url = typeof spec === 'string' ? spec : isObj(spec) && typeof spec.url === 'string' ? spec.url : undefined;
      if (url && /^https?:\/\//i.test(url)) urls.add(url);
    }
  }
  if (urls.size === 0) return body;
  if (urls.size > MAX_IMAGES) throw new ConversionError('ERR_IMAGE_FETCH', `At most ${MAX_IMAGES} image URLs are fetched per request.`, { param: 'messages' });
  const fetched = new Map(await Promise.all([...urls].map(async (u) => [u, await fetchOne(u, opts, signal)] as const)));
  const messages = body.messages.map((m) => {
    if (!isObj(m) || !Array.isArray(m.content)) return m;
    return {
      ...m,
      content: m.content.map((p) => {
        if (!isObj(p) || p.type !== 'image_url') return p;
        const spec = p.image_url;
        const url = typeof spec === 'string' ? spec : isObj(spec) ? spec.url : undefined;
        const data = typeof url === 'string' ? fetched.get(url) : undefined;
        return data ? { ...p, image_url: { ...(isObj(spec) ? spec : {}), url: data } } : p;
      }),
    };
  });
  return { ...body, messages };
}
