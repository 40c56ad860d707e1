/**
 * Servers under test run in their own process, so that the client's work does not share an event
 * loop with them and their memory can be measured alone. Prints one JSON line when ready.
 *   node dist/bench/child.js echo <socket> | runner <socket> | mock [eventDelayMs] | bridge <mockUrl>
 */
import { createServer } from 'node:net';
import { createLogger } from '../src/log';
import { encodeFrame, FrameReader } from '../src/protocol';
import { FilterRegistry } from '../src/filters/registry';
import { createOpenAIToAnthropicFilter } from '../src/filters/openai-to-anthropic';
import { systemEnv } from '../src/config/system-env';
import { startRunner } from '../src/runner';
import { startMockAnthropic } from '../src/mock/server';
import { startBridge } from '../src/bridge/server';
import { resolveTargets } from '../src/config/targets';
import type { Filter } from '../src/filters/types';

const log = createLogger({ level: 'silent' });

/** The bare runner cost: read the body once, rewrite it with a body of the same size. */
export const benchRewriteFilter: Filter<null> = {
  name: 'bench-rewrite',
  confSchema: { type: 'object' },
  parseConf: () => null,
  async onRequest(_c, req) {
    const body = await req.body();
    return { kind: 'rewrite', headers: [['content-length', String(body?.length ?? 0)]], body: body ?? Buffer.alloc(1) };
  },
};

async function main(): Promise<void> {
  const [kind, arg] = process.argv.slice(2);
  const ready = (info: object) => process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, ...info })}\n`);
  if (kind === 'echo') {
    const server = createServer((sock) => {
      const reader = new FrameReader();
      sock.on('data', (chunk) => {
        for (const f of reader.push(chunk)) sock.write(encodeFrame(f.type, f.payload));
      });
    });
    await new Promise<void>((r) => server.listen(arg, () => r()));
    ready({ socket: arg });
  } else if (kind === 'runner') {
    const registry = new FilterRegistry().register(benchRewriteFilter).register(createOpenAIToAnthropicFilter({ env: systemEnv() }));
    await startRunner({ socketPath: arg, registry, log });
    ready({ socket: arg });
  } else if (kind === 'mock') {
    const mock = await startMockAnthropic({ log, eventDelayMs: Number(arg) || 0 });
    ready({ url: mock.url });
  } else if (kind === 'bridge') {
    const targets = resolveTargets({ targets: { default: { base_url: arg, max_connections: 2048 } } });
    const bridge = await startBridge({ targets, logger: log });
    ready({ url: bridge.url });
  } else {
    throw new Error(`unknown child kind ${kind}`);
  }
  process.on('message', (m) => {
    if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
