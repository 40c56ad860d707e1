/** A target with fetch_image_urls: the upstream receives the image inlined, never the URL. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { fixedEnv } from '../../../src/core';
import { resolveTargets } from '../../../src/config/targets';
import { startBridge } from '../../../src/bridge/server';
import { createLogger } from '../../../src/log';
import { startMockAnthropic } from '../../../src/mock/server';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

it('inlines image URLs for a target whose host refuses URL sources', async () => {
  const images: Server = createServer((_q, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG));
  await new Promise<void>((r) => images.listen(0, '127.0.0.1', () => r()));
  const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/cat.png`;
  const mock = await startMockAnthropic({ rules: { refuseUrlSources: true } });
  const targets = resolveTargets({ targets: { default: { base_url: mock.url, fetch_image_urls: { allow_private: true }, options: { models: { claude: { url_sources: false } } } } } });
  const bridge = await startBridge({ targets, logger: createLogger({ level: 'silent' }), env: fixedEnv() });
  try {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${bridge.url}/v1`, maxRetries: 0 });
    const done = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, { type: 'image_url', image_url: { url: imageUrl } }] }] });
    expect(done.choices[0].message.content).toBe('You said: what is it?');
    const sent = mock.received[0].body as { messages: Array<{ content: Array<Record<string, unknown>> }> };
    expect(sent.messages[0].content[1]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG.toString('base64') } });
  } finally {
    await bridge.close();
    await mock.close();
    await new Promise((r) => images.close(r));
  }
});
