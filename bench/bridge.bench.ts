/**
 * The streaming bridge against the mock called directly in the same run (issue 4): added time to first
 * chunk, added time per event, throughput at 100 concurrent streams of 500 events, and the bridge
 * process's RSS with 1,000 concurrent slow streams.
 */
import { Agent, request } from 'undici';
import { startChild, type Child } from './children';
import { startPortkey } from './portkey';
import { drive, ms, ratio, summarize, table } from './stats';

const agent = new Agent({ connections: 2000, pipelining: 1 });

interface StreamTiming { firstMs: number; totalMs: number; events: number }

async function timeStream(url: string, body: object, headers: Record<string, string>): Promise<StreamTiming> {
  const t0 = performance.now();
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), dispatcher: agent });
  let first = 0;
  let events = 0;
  for await (const chunk of res.body) {
    if (first === 0) first = performance.now() - t0;
    const s = (chunk as Buffer).toString('latin1');
    for (let i = s.indexOf('data:'); i >= 0; i = s.indexOf('data:', i + 5)) events += 1;
  }
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  return { firstMs: first, totalMs: performance.now() - t0, events };
}

const direct = (mock: string, events: number) => (): Promise<StreamTiming> =>
  timeStream(`${mock}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: `[[mock:long:${events}]]` }] }, { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
const viaBridge = (bridge: string, events: number, extra: Record<string, string> = {}) => (): Promise<StreamTiming> =>
  timeStream(`${bridge}/v1/chat/completions`, { model: 'claude-sonnet-4-5', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: `[[mock:long:${events}]]` }] }, { authorization: 'Bearer k', ...extra });

async function collect(n: number, concurrency: number, fn: () => Promise<StreamTiming>) {
  const timings: StreamTiming[] = [];
  const { wallMs } = await drive(n, concurrency, async () => {
    timings.push(await fn());
  });
  return { timings, wallMs };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

export async function bridgeSuite(quick: boolean) {
  const mock = await startChild('mock');
  const bridge = await startChild('bridge', mock.info.url!);
  const slowMock = await startChild('mock', '100');
  const slowBridge = await startChild('bridge', slowMock.info.url!);
  const children: Child[] = [mock, bridge, slowMock, slowBridge];
  const figures: Record<string, number> = {};
  let text: string;
  try {
    const m = mock.info.url!;
    const b = bridge.info.url!;
    // Time to first chunk and per-event cost, one stream at a time.
    const n = quick ? 20 : 300;
    await collect(20, 1, direct(m, 50));
    await collect(20, 1, viaBridge(b, 50));
    const d1 = await collect(n, 1, direct(m, 50));
    const b1 = await collect(n, 1, viaBridge(b, 50));
    const firstD = d1.timings.map((t) => t.firstMs);
    const firstB = b1.timings.map((t) => t.firstMs);
    figures.addedFirstChunkP50 = pct(firstB, 0.5) - pct(firstD, 0.5);
    figures.addedFirstChunkP99 = pct(firstB, 0.99) - pct(firstD, 0.99);
    const perEventD = pct(d1.timings.map((t) => (t.totalMs - t.firstMs) / Math.max(1, t.events - 1)), 0.5);
    const perEventB = pct(b1.timings.map((t) => (t.totalMs - t.firstMs) / Math.max(1, t.events - 1)), 0.5);
    figures.addedPerEvent = perEventB - perEventD;

    // Throughput: 100 concurrent streams of 500 events.
    const streams = quick ? 100 : 400;
    const dT = await collect(streams, 100, direct(m, 500));
    const bT = await collect(streams, 100, viaBridge(b, 500));
    const evD = dT.timings.reduce((s, t) => s + t.events, 0) / (dT.wallMs / 1000);
    const evB = bT.timings.reduce((s, t) => s + t.events, 0) / (bT.wallMs / 1000);
    figures.throughputRatio = evB / evD;

    // Memory: 1,000 concurrent slow streams (one event every 100 ms) held open through one bridge process.
    const idle = await slowBridge.rss();
    const concurrent = quick ? 100 : 1000;
    const running = Array.from({ length: concurrent }, () => viaBridge(slowBridge.info.url!, 30)());
    await new Promise((r) => setTimeout(r, 2000));
    const loaded = await slowBridge.rss();
    await Promise.all(running);
    figures.rssIdleMb = idle / 1048576;
    figures.rssLoadedMb = loaded / 1048576;

    // The same first-chunk and throughput runs through the Portkey gateway, against the same mock.
    const peer = quick ? undefined : await startPortkey(m);
    let peerRows: Array<Array<string | number>> = [];
    if (peer) {
      try {
        const via = (events: number) => viaBridge(peer.url, events, peer.headers);
        await collect(20, 1, via(50));
        const p1 = await collect(n, 1, via(50));
        const pT = await collect(streams, 100, via(500));
        const firstP = p1.timings.map((t) => t.firstMs);
        const evP = pT.timings.reduce((sum, t) => sum + t.events, 0) / (pT.wallMs / 1000);
        figures.portkeyAddedFirstChunkP50 = pct(firstP, 0.5) - pct(firstD, 0.5);
        figures.portkeyAddedFirstChunkP99 = pct(firstP, 0.99) - pct(firstD, 0.99);
        figures.ourThroughputOverPortkey = evB / evP;
        peerRows = [
          ['added first chunk p50', ms(figures.addedFirstChunkP50), ms(figures.portkeyAddedFirstChunkP50)],
          ['added first chunk p99', ms(figures.addedFirstChunkP99), ms(figures.portkeyAddedFirstChunkP99)],
          ['events/s, 100 concurrent streams', evB.toFixed(0), evP.toFixed(0)],
          ['our throughput / Portkey', ratio(figures.ourThroughputOverPortkey), '1.00x'],
        ];
      } finally {
        await peer.stop();
      }
    }
    const s = (xs: number[]) => summarize(xs, 1);
    text = table('Bridge vs the mock called directly (one stream at a time, 50 events)', ['path', 'first chunk p50', 'first chunk p99', 'per event p50'],
      [['mock direct', ms(s(firstD).p50), ms(s(firstD).p99), ms(perEventD)], ['through the bridge', ms(s(firstB).p50), ms(s(firstB).p99), ms(perEventB)],
        ['added by the bridge', ms(figures.addedFirstChunkP50), ms(figures.addedFirstChunkP99), ms(figures.addedPerEvent)]])
      + '\n' + table(`Throughput, 100 concurrent streams of 500 events (${streams} streams)`, ['path', 'events/s', 'ratio'], [['mock direct', evD.toFixed(0), '1.00x'], ['through the bridge', evB.toFixed(0), ratio(figures.throughputRatio)]])
      + '\n' + table(`Bridge process memory with ${concurrent} concurrent slow streams (target < 200 MB at 1,000)`, ['state', 'RSS'], [['idle', `${figures.rssIdleMb.toFixed(0)} MB`], [`${concurrent} streams open`, `${figures.rssLoadedMb.toFixed(0)} MB`]])
      + (peerRows.length > 0 ? '\n' + table('Peer: Portkey gateway 1.15.2 (anthropic provider, same mock, same load)', ['measure', 'this bridge', 'Portkey'], peerRows) : '');
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await agent.close();
  }
  return { figures, text };
}
