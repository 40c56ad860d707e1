/**
 * npm run bench: every figure is a ratio to a baseline measured in the same run on the same machine.
 * --quick runs small counts (CI smoke: the code paths work; the numbers mean little). --only=a,b picks suites.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { bridgeSuite } from './bridge.bench';
import { conversionSuite } from './conversion.bench';
import { filterSuite } from './filter.bench';
import { runnerSuite } from './runner.bench';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const want = (name: string) => !only || only.includes(name);
  const report: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick };
  console.log(`# apisix-anthropic-bridge benchmarks (${quick ? 'quick' : 'full'}; Node ${process.version}, ${cpus().length} cores)`);
  if (want('runner')) {
    const r = await runnerSuite(quick);
    console.log(r.text);
    report.runner = r.rows;
  }
  if (want('conversion')) {
    const r = await conversionSuite(quick);
    console.log(r.text);
    report.conversion = r.results;
  }
  if (want('filter')) {
    const r = await filterSuite(quick);
    console.log(r.text);
    report.filter = r.ratios;
  }
  if (want('bridge')) {
    const r = await bridgeSuite(quick);
    console.log(r.text);
    report.bridge = r.figures;
  }
  const dir = join(__dirname, '../../bench/reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, quick ? 'bench-quick.json' : 'bench-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
