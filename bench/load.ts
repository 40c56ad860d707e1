/**
 * npm run load: bounded load on loopback (issue 5). Part 1: 64 APISIX-like connections drive the
 * openai-to-anthropic filter (request + response call) for --calls calls. Part 2: --streams concurrent
 * streaming clients through the bridge for --duration seconds. Both against the mock. Reports calls/s,
 * p50/p99/p999, errors (must be 0: the exit code says so) and RSS at start, middle and end.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { encodeResponseState } from '../src/core';
import { BenchConnection, reqCallPayload, respCallPayload } from './apisix-client';
import { startChild, type Child } from './children';
import { ms, summarize, table, type Summary } from './stats';

const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const MB = (b: number) => Math.round(b / 1048576);

async function sampleRss(child: Child, samples: number[]): Promise<void> {
  samples.push(MB(await child.rss()));
}

async function filterLoad(calls: number, connections: number) {
  const runner = await startChild('runner', join(mkdtempSync(join(tmpdir(), 'a6load-')), 'runner.sock'));
  const conns = await Promise.all(Array.from({ length: connections }, () => BenchConnection.open(runner.info.socket!)));
  const reqTok = await conns[0].prepare('route#load#ext-plugin-pre-req#1', [['openai-to-anthropic', '{"model_aliases":{"gpt-4o":"claude-sonnet-4-5"}}']]);
  const respTok = await conns[0].prepare('route#load#ext-plugin-post-resp#1', [['openai-to-anthropic', '{}']]);
  const body = Buffer.from(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello '.repeat(300) }] }));
  const answer = Buffer.from(JSON.stringify({ id: 'msg_l', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'hi '.repeat(300) }], stop_reason: 'end_turn', usage: { input_tokens: 300, output_tokens: 300 } }));
  const vars = { http_x_a6_bridge_state: encodeResponseState({ clientModel: 'gpt-4o', stream: false, includeUsage: false }) };
  const headers: Array<[string, string]> = [['content-type', 'application/json'], ['authorization', 'Bearer k']];
  const latencies: number[] = [];
  const rss: number[] = [];
  let errors = 0;
  let done = 0;
  await sampleRss(runner, rss);
  const start = performance.now();
  await Promise.all(conns.map(async (c) => {
    while (done < calls) {
      done += 1;
      if (done === Math.floor(calls / 2)) void sampleRss(runner, rss);
      const t0 = performance.now();
      const r = await c.call(2, reqCallPayload(done, reqTok, '/v1/chat/completions', headers), { reqBody: body });
      const s = await c.call(4, respCallPayload(done, respTok, 200, [['Content-Type', 'application/json']]), { vars, respBody: answer });
      if (r.type !== 2 || s.type !== 4) errors += 1;
      latencies.push(performance.now() - t0);
    }
  }));
  const wall = performance.now() - start;
  await sampleRss(runner, rss);
  conns.forEach((c) => c.close());
  await runner.stop();
  return { summary: summarize(latencies, wall), errors, rssMb: rss };
}

async function bridgeLoad(streams: number, seconds: number) {
  const mock = await startChild('mock', '5');
  const bridge = await startChild('bridge', mock.info.url!);
  const agent = new Agent({ connections: streams * 2 });
  const latencies: number[] = [];
  const rss: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  await sampleRss(bridge, rss);
  const middle = setTimeout(() => void sampleRss(bridge, rss), (seconds * 1000) / 2);
  const start = performance.now();
  await Promise.all(Array.from({ length: streams }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const res = await request(`${bridge.info.url}/v1/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: '[[mock:long:20]]' }] }) });
        const text = await res.body.text();
        if (res.statusCode !== 200 || !text.endsWith('data: [DONE]\n\n')) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  clearTimeout(middle);
  const wall = performance.now() - start;
  await sampleRss(bridge, rss);
  await agent.close();
  await bridge.stop();
  await mock.stop();
  return { summary: summarize(latencies, wall), errors, rssMb: rss };
}

async function main(): Promise<void> {
  const calls = arg('calls', 100_000);
  const seconds = arg('duration', 300);
  const streams = arg('streams', 200);
  console.log(`# load: ${calls} filter calls over 64 connections; ${streams} streaming clients for ${seconds} s`);
  const f = await filterLoad(calls, 64);
  const b = await bridgeLoad(streams, seconds);
  const row = (name: string, s: Summary, errors: number, rss: number[], unit: string) => [name, s.n, `${s.perSec.toFixed(0)} ${unit}/s`, ms(s.p50), ms(s.p99), ms(s.p999), errors, rss.join(' / ')];
  console.log(table('Load', ['part', 'count', 'rate', 'p50', 'p99', 'p999', 'errors', 'RSS MB start/middle/end'], [
    row('filter: request + response call', f.summary, f.errors, f.rssMb, 'calls'),
    row(`bridge: ${streams} concurrent streams (22 events each)`, b.summary, b.errors, b.rssMb, 'streams'),
  ]));
  const dir = join(__dirname, '../../bench/reports');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `load-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, calls, streams, seconds, filter: f, bridge: b }, null, 2)}\n`);
  console.log(`\nreport: ${file}`);
  if (f.errors + b.errors > 0) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
