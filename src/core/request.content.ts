/** Message content parts (text, images, files, audio) -> Anthropic content blocks. */
import { ConversionError } from './errors';
import { isObject, type RequestContext } from './request.context';
import type { AnthropicBlock } from './types/anthropic';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const CACHE_TTLS = new Set(['5m', '1h']);

/** cache_control passes through only in the shape Anthropic accepts. */
export function cacheControl(value: unknown, where: string, ctx: RequestContext): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || value.type !== 'ephemeral') {
    ctx.warn('dropped', where, 'cache_control must be {"type":"ephemeral"}');
    return undefined;
  }
  const out: Record<string, unknown> = { type: 'ephemeral' };
  if (value.ttl !== undefined) {
    if (typeof value.ttl === 'string' && CACHE_TTLS.has(value.ttl)) out.ttl = value.ttl;
    else ctx.warn('dropped', `${where}.ttl`, 'cache ttl must be "5m" or "1h"; the default is used');
  }
  return out;
}

/** A text block, or nothing for empty / whitespace-only text, which Anthropic refuses. */
export function textBlock(text: string, cache?: Record<string, unknown>): AnthropicBlock | undefined {
  if (text.trim() === '') return undefined;
  const block: AnthropicBlock = { type: 'text', text };
  if (cache) block.cache_control = cache;
  return block;
}

interface DataUrl { mediaType: string; base64: boolean; data: string }

function parseDataUrl(url: string): DataUrl | undefined {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) return undefined;
  const meta = url.slice(5, comma).split(';');
  const mediaType = (meta[0] || 'text/plain').trim().toLowerCase();
  return { mediaType: mediaType === 'image/jpg' ? 'image/jpeg' : mediaType, base64: meta.slice(1).some((m) => m.trim().toLowerCase() === 'base64'), data: url.slice(comma + 1) };
}

function decodeBase64Text(data: string, where: string): string {
  try {
    const bin = atob(data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConversionError('ERR_IMAGE_URL', `${where}: the text/plain data is not valid base64 UTF-8.`, { param: where });
  }
}

/** data: URL (image, PDF or plain text) -> image or document block. */
function dataUrlBlock(url: string, where: string): AnthropicBlock {
  const parsed = parseDataUrl(url);
  if (!parsed || parsed.data === '') throw new ConversionError('ERR_IMAGE_URL', `${where}: malformed data: URL.`, { param: where });
  const { mediaType, base64, data } = parsed;
  if (mediaType === 'text/plain') {
    const text = base64 ? decodeBase64Text(data, where) : decodeURIComponent(data);
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text } };
  }
  if (!IMAGE_TYPES.has(mediaType) && mediaType !== 'application/pdf') {
    throw new ConversionError('ERR_IMAGE_MEDIA_TYPE', `${where}: media type ${mediaType} is not supported (use image/jpeg, image/png, image/gif, image/webp or application/pdf).`, { param: where });
  }
  if (!base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(data.trim())) {
    throw new ConversionError('ERR_IMAGE_URL', `${where}: ${mediaType} data must be base64-encoded.`, { param: where });
  }
  const source = { type: 'base64', media_type: mediaType, data: data.trim() };
  return mediaType === 'application/pdf' ? { type: 'document', source } : { type: 'image', source };
}

function imageBlock(part: Record<string, unknown>, where: string, ctx: RequestContext): AnthropicBlock {
  const spec = part.image_url;
  const url = typeof spec === 'string' ? spec : isObject(spec) && typeof spec.url === 'string' ? spec.url : undefined;
  if (url === undefined) throw new ConversionError('ERR_IMAGE_URL', `${where}.image_url.url is missing.`, { param: `${where}.image_url` });
  if (isObject(spec) && spec.detail !== undefined) ctx.warn('dropped', `${where}.image_url.detail`, 'Anthropic has no image detail setting');
  if (url.startsWith('data:')) return dataUrlBlock(url, `${where}.image_url.url`);
  if (/^https?:\/\//i.test(url)) {
    if (ctx.caps.url_sources === false) {
      throw new ConversionError('ERR_IMAGE_URL', `${where}: this upstream model does not accept image URLs; send the image as a base64 data: URL.`, { param: `${where}.image_url.url` });
    }
    return { type: 'image', source: { type: 'url', url } };
  }
  throw new ConversionError('ERR_IMAGE_URL', `${where}.image_url.url must be a data: URL or an http(s) URL.`, { param: `${where}.image_url.url` });
}

function fileBlock(part: Record<string, unknown>, where: string): AnthropicBlock {
  const file = part.file;
  if (isObject(file) && typeof file.file_data === 'string' && file.file_data !== '') {
    const data = file.file_data.startsWith('data:') ? file.file_data : `data:application/pdf;base64,${file.file_data}`;
    const block = dataUrlBlock(data, `${where}.file.file_data`);
    if (block.type === 'document' && typeof file.filename === 'string' && file.filename !== '') block.title = file.filename;
    return block;
  }
  throw new ConversionError('ERR_CONTENT_UNSUPPORTED', `${where}: only files sent inline as file_data can be forwarded (file_id refers to OpenAI's file storage).`, { param: `${where}.file` });
}

/** User (or tool) content -> blocks. Empty text parts vanish; unknown parts are refused. */
export function convertUserContent(content: unknown, where: string, ctx: RequestContext): AnthropicBlock[] {
  if (typeof content === 'string') {
    const b = textBlock(content);
    return b ? [b] : [];
  }
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw new ConversionError('ERR_MESSAGE_INVALID', `${where} must be a string or an array of content parts.`, { param: where });
  const blocks: AnthropicBlock[] = [];
  content.forEach((part, i) => {
    const at = `${where}[${i}]`;
    if (typeof part === 'string') {
      const b = textBlock(part);
      if (b) blocks.push(b);
      return;
    }
    if (!isObject(part)) throw new ConversionError('ERR_MESSAGE_INVALID', `${at} must be a content part object.`, { param: at });
    const cache = cacheControl(part.cache_control, `${at}.cache_control`, ctx);
    let block: AnthropicBlock | undefined;
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string') throw new ConversionError('ERR_MESSAGE_INVALID', `${at}.text must be a string.`, { param: `${at}.text` });
        block = textBlock(part.text);
        break;
      case 'refusal':
        block = typeof part.refusal === 'string' ? textBlock(part.refusal) : undefined;
        break;
      case 'image_url':
        block = imageBlock(part, at, ctx);
        break;
      case 'file':
        block = fileBlock(part, at);
        break;
      case 'input_audio':
        if (ctx.options.input_audio === 'reject') {
          throw new ConversionError('ERR_CONTENT_UNSUPPORTED', `${at}: audio input is not supported by Anthropic models.`, { param: at });
        }
        ctx.warn('dropped', at, 'audio input is not supported by Anthropic models');
        break;
      default:
        throw new ConversionError('ERR_CONTENT_UNSUPPORTED', `${at}: content part type ${JSON.stringify(part.type)} cannot be converted.`, { param: `${at}.type` });
    }
    if (block) {
      if (cache) block.cache_control = cache;
      blocks.push(block);
    }
  });
  return blocks;
}

/** Plain text of a content value whose parts must all be text (system, developer, tool results). */
export function textParts(content: unknown, where: string, ctx: RequestContext): AnthropicBlock[] {
  if (typeof content === 'string') {
    const b = textBlock(content);
    return b ? [b] : [];
  }
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw new ConversionError('ERR_MESSAGE_INVALID', `${where} must be a string or an array of text parts.`, { param: where });
  const out: AnthropicBlock[] = [];
  content.forEach((part, i) => {
    const at = `${where}[${i}]`;
    const text = typeof part === 'string' ? part : isObject(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : undefined;
    if (text === undefined) throw new ConversionError('ERR_MESSAGE_INVALID', `${at} must be a text part.`, { param: at });
    const b = textBlock(text, isObject(part) ? cacheControl(part.cache_control, `${at}.cache_control`, ctx) : undefined);
    if (b) out.push(b);
  });
  return out;
}
