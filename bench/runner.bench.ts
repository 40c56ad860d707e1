/**
 * Runner round trips vs a bare Unix-socket echo of the same frame sizes (issue 2). A runner call is two
 * round trips (HTTPReqCall -> ExtraInfo ReqBody, body -> Rewrite), so its per-round-trip rate is
 * 2 x calls/s; the target is >= 0.8 of the echo's round trips/s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchConnection, reqCallPayload } from './apisix-client';
import { startChild } from './children';
import { drive, ms, ratio, summarize, table, type Summary } from './stats';

export interface RunnerRow { size: number; concurrency: number; echo: Summary; runner: Summary; perRoundTripRatio: number }

async function connections(socket: string, n: number): Promise<BenchConnection[]> {
  return Promise.all(Array.from({ length: n }, () => BenchConnection.open(socket)));
}

export async function runnerSuite(quick: boolean): Promise<{ rows: RunnerRow[]; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'a6bench-'));
  const echo = await startChild('echo', join(dir, 'echo.sock'));
  const runner = await startChild('runner', join(dir, 'runner.sock'));
  const rows: RunnerRow[] = [];
  try {
    for (const size of [1024, 16 * 1024, 256 * 1024]) {
      for (const concurrency of [1, 32]) {
        const calls = quick ? 200 : size > 100_000 ? 2000 : 10000;
        const body = Buffer.alloc(size, 120);
        const ec = await connections(echo.info.socket!, concurrency);
        const frame = new Uint8Array(size);
        await drive(Math.min(500, calls), concurrency, (w) => ec[w].call(9, frame).then(() => undefined));
        const e = await drive(calls, concurrency, (w) => ec[w].call(9, frame).then(() => undefined));
        ec.forEach((c) => c.close());

        const rc = await connections(runner.info.socket!, concurrency);
        const token = await rc[0].prepare('route#bench#ext-plugin-pre-req#1', [['bench-rewrite', '{}']]);
        const req = reqCallPayload(1, token, '/v1/chat/completions', [['content-type', 'application/json'], ['content-length', String(size)]]);
        const call = (w: number) => rc[w].call(2, req, { reqBody: body }).then((f) => {
          if (f.type !== 2) throw new Error(`runner answered type ${f.type}`);
        });
        await drive(Math.min(500, calls), concurrency, call);
        const r = await drive(calls, concurrency, call);
        rc.forEach((c) => c.close());
        const echoS = summarize(e.latencies, e.wallMs);
        const runS = summarize(r.latencies, r.wallMs);
        rows.push({ size, concurrency, echo: echoS, runner: runS, perRoundTripRatio: (runS.perSec * 2) / echoS.perSec });
      }
    }
  } finally {
    await echo.stop();
    await runner.stop();
  }
  const text = table('Runner: HTTPReqCall + ExtraInfo ReqBody + Rewrite vs bare echo (per round trip)', ['body', 'conc.', 'echo rt/s', 'runner calls/s', 'runner p50', 'runner p99', 'ratio per round trip'],
    rows.map((x) => [`${x.size / 1024} KB`, x.concurrency, x.echo.perSec.toFixed(0), x.runner.perSec.toFixed(0), ms(x.runner.p50), ms(x.runner.p99), ratio(x.perRoundTripRatio)]));
  return { rows, text };
}
