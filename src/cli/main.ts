/**
 * main(argv, env, io) -> exit code. Starts the runner, and on request the bridge, the gRPC health
 * service, or the mock upstream; waits for SIGTERM/SIGINT; shuts everything down inside APISIX's
 * 1-second kill window. bin/ only calls runFromProcess().
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { loadTargets, needsMockTarget, withMockTarget, TargetsConfigError, type TargetsConfig } from '../config/targets';
import { systemEnv } from '../config/system-env';
import { FilterRegistry } from '../filters/registry';
import { createOpenAIToAnthropicFilter } from '../filters/openai-to-anthropic';
import { startBridge, type Bridge } from '../bridge/server';
import { startGrpcHealth, type GrpcHealth } from '../health/grpc';
import { Metrics } from '../health/metrics';
import { createLogger, type Logger } from '../log';
import { startMockAnthropic, type MockAnthropic } from '../mock/server';
import { startRunner, RunnerStartError, type Runner } from '../runner';
import { DEFAULT_SOCKET, parseCommand, UsageError, USAGE, type MockCommand, type RunCommand } from './args';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  /** Resolves when the process should stop (SIGTERM/SIGINT in production; tests resolve it). */
  stopSignal: Promise<string>;
}

function version(): string {
  // package.json sits two levels above dist/src/cli (and src/cli under ts-node/jest one level less).
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, rel), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return 'unknown';
}

/** Keys the process knows of are blanked from every log line, wherever they appear. */
function knownSecrets(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value && value.length >= 8 && /(API_KEY|TOKEN|SECRET)$/.test(name))
    .map(([, value]) => value as string);
}

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: Io): Promise<number> {
  let cmd;
  try {
    cmd = parseCommand(argv, env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`apisix-anthropic-bridge: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (cmd.kind === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (cmd.kind === 'version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const log = createLogger({ level: cmd.logLevel, destination: io.stdout as never, secretValues: knownSecrets(env) });
  try {
    return cmd.kind === 'mock' ? await runMock(cmd, log, io) : await run(cmd, env, log, io);
  } catch (e) {
    if (e instanceof RunnerStartError || e instanceof TargetsConfigError) {
      log.fatal({ code: e.code }, e.message);
      io.stderr.write(`apisix-anthropic-bridge: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function runMock(cmd: MockCommand, log: Logger, io: Io): Promise<number> {
  const mock = await startMockAnthropic({ host: cmd.host, port: cmd.port, keys: cmd.keys, log });
  log.info({ url: mock.url }, 'mock Anthropic upstream listening');
  const signal = await io.stopSignal;
  log.info({ signal }, 'stopping');
  await mock.close();
  return 0;
}

/** The bridge's targets; with none configured, the built-in mock (said loudly, first). */
async function bridgeTargets(cmd: RunCommand, env: Readonly<Record<string, string | undefined>>, log: Logger): Promise<{ targets: TargetsConfig; mock?: MockAnthropic }> {
  // ANTHROPIC_API_KEY is the conventional name; it becomes the default target's own credential.
  const effective = env.ANTHROPIC_API_KEY && !env.A6_BRIDGE_API_KEY_ENV && (cmd.upstream || env.ANTHROPIC_BASE_URL)
    ? { ...env, A6_BRIDGE_API_KEY_ENV: 'ANTHROPIC_API_KEY' }
    : env;
  const targets = loadTargets({ file: cmd.configFile, upstream: cmd.upstream, env: effective });
  if (!needsMockTarget(targets)) return { targets };
  if (!cmd.mockFallback) throw new TargetsConfigError('the bridge has no target: set ANTHROPIC_BASE_URL, --upstream or --config (or drop --no-mock to use the built-in mock)');
  const mock = await startMockAnthropic({ host: '127.0.0.1', port: 0, log: log.child({ component: 'mock' }) });
  log.warn({ mock_url: mock.url }, 'NO UPSTREAM CONFIGURED: the bridge answers from the built-in MOCK Anthropic upstream (set ANTHROPIC_BASE_URL, --upstream or --config for a real one)');
  return { targets: withMockTarget(targets, mock.url), mock };
}

async function run(cmd: RunCommand, env: Readonly<Record<string, string | undefined>>, log: Logger, io: Io): Promise<number> {
  const metrics = new Metrics({ defaultMetrics: true });
  const coreEnv = systemEnv();
  let mock: MockAnthropic | undefined;
  let targets: TargetsConfig | undefined;
  if (cmd.http) ({ targets, mock } = await bridgeTargets(cmd, env, log));

  const registry = new FilterRegistry().register(createOpenAIToAnthropicFilter({ env: coreEnv, onWarning: (code) => metrics.recordWarning(code) }));
  let runner: Runner | undefined;
  let bridge: Bridge | undefined;
  let grpc: GrpcHealth | undefined;
  let connections = 0;
  const closeAll = async () => {
    grpc?.setStatus('', 'NOT_SERVING');
    await Promise.allSettled([runner?.close(), bridge?.close()]);
    await Promise.allSettled([grpc?.close(), mock?.close()]);
  };
  try {
    // Only the embedded default directory is created; an explicit path must already exist.
    if (cmd.socketPath === DEFAULT_SOCKET) mkdirSync(dirname(DEFAULT_SOCKET), { recursive: true });
    runner = await startRunner({
      socketPath: cmd.socketPath,
      socketMode: cmd.socketMode,
      confExpireSeconds: cmd.confExpireSeconds,
      registry,
      log,
      onCall: (event) => metrics.recordRunnerCall(event.rpc, event.outcome),
      onConnections: (count) => {
        for (; connections < count; connections++) metrics.runnerConnectionOpened();
        for (; connections > count; connections--) metrics.runnerConnectionClosed();
      },
    });
    const ready = () => runner?.status() === 'listening';
    if (cmd.http && targets) {
      bridge = await startBridge({ targets, logger: log, host: cmd.http.host, port: cmd.http.port, metrics, ready, env: coreEnv });
      log.info({ url: bridge.url, targets: [...targets.targets.keys()], default_target: targets.defaultTarget }, 'streaming bridge listening');
    }
    if (cmd.grpcHealth) {
      grpc = await startGrpcHealth({ host: cmd.grpcHealth.host, port: cmd.grpcHealth.port, initial: { '': 'SERVING', runner: 'SERVING', ...(bridge ? { bridge: 'SERVING' } : {}) } });
      runner.onStatus((s) => grpc?.setStatus('runner', s === 'listening' ? 'SERVING' : 'NOT_SERVING'));
      log.info({ port: grpc.port }, 'gRPC health service listening');
    }
  } catch (e) {
    await closeAll();
    throw e;
  }
  const signal = await io.stopSignal;
  log.info({ signal }, 'stopping');
  await closeAll();
  log.info('stopped');
  return 0;
}

export function runFromProcess(): void {
  const stopSignal = new Promise<string>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
  });
  main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr, stopSignal }).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`apisix-anthropic-bridge: fatal: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
