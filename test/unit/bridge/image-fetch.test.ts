/** Image URL inlining: bounded, refuses private addresses, never mutates the request. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConversionError } from '../../../src/core';
import { inlineImageUrls, isPrivateAddress, type ImageFetchOptions } from '../../../src/bridge/image-fetch';
import { deepFreeze } from '../../helpers/golden';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cat.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    if (req.url === '/big.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(4096));
    if (req.url === '/page') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    if (req.url === '/moved') return void res.writeHead(302, { location: '/cat.png' }).end();
    if (req.url === '/slow') return; // never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const trusted: ImageFetchOptions = { maxBytes: 2048, timeoutMs: 300, allowPrivate: true };
const request = (url: string) => deepFreeze({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url, detail: 'low' } }] }] });
const urlOf = (body: unknown) => ((body as { messages: Array<{ content: Array<{ image_url?: { url: string } }> }> }).messages[0].content[1].image_url!.url);

describe('inlineImageUrls', () => {
  it('inlines an image as a data: URL, following a redirect, without touching the input', async () => {
    const input = request(`${base}/moved`);
    const out = await inlineImageUrls(input, trusted, new AbortController().signal);
    expect(urlOf(out)).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(urlOf(input)).toBe(`${base}/moved`);
  });

  it.each([
    ['a loopback address without allow_private', '/cat.png', { allowPrivate: false }, /private or loopback/],
    ['a body over the size limit', '/big.png', {}, /larger than 2048 bytes/],
    ['a non-image content type', '/page', {}, /content type text\/html/],
    ['a server that never answers', '/slow', {}, /timed out/],
    ['an HTTP error', '/missing', {}, /HTTP 404/],
  ])('refuses %s with ERR_IMAGE_FETCH', async (_n, path, extra, message) => {
    const err = await inlineImageUrls(request(`${base}${path}`), { ...trusted, ...extra }, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect((err as ConversionError).code).toBe('ERR_IMAGE_FETCH');
    expect((err as Error).message).toMatch(message);
  });

  it('refuses a public name that resolves to a private address', async () => {
    const err = await inlineImageUrls(request('http://images.example.test/cat.png'), { ...trusted, allowPrivate: false, resolve: async () => ['10.1.2.3'] }, new AbortController().signal).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/private or loopback/);
  });

  it('classifies addresses', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) expect(isPrivateAddress(ip)).toBe(true);
    for (const ip of ['8.8.8.8', '172.32.0.1', '2606:4700::1111']) expect(isPrivateAddress(ip)).toBe(false);
  });
});
