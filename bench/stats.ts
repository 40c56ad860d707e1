/** Latency statistics and table printing for the benchmarks. */
export interface Summary { n: number; perSec: number; p50: number; p99: number; p999: number }

export function summarize(latenciesMs: number[], wallMs: number): Summary {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))]);
  return { n: s.length, perSec: (s.length * 1000) / wallMs, p50: q(0.5), p99: q(0.99), p999: q(0.999) };
}

export const ms = (v: number) => `${v.toFixed(3)} ms`;
export const ratio = (v: number) => `${v.toFixed(2)}x`;

export function table(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [`\n### ${title}\n`, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** Runs `call` with `concurrency` workers until `total` calls are done; returns per-call latencies and wall time. */
export async function drive(total: number, concurrency: number, call: (worker: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (next < total) {
        next += 1;
        const t0 = performance.now();
        await call(w);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - start };
}
