/**
 * Command-line and environment parsing. Flags win over environment variables, which win over the
 * embedded defaults. Everything is validated here so that a typo fails at start with exit code 2,
 * never later at request time.
 */
import { parseArgs } from 'node:util';

export interface HostPort { host: string; port: number }

export interface RunCommand {
  kind: 'run';
  socketPath: string;
  socketMode: number;
  confExpireSeconds: number;
  http?: HostPort;
  grpcHealth?: HostPort;
  upstream?: string;
  configFile?: string;
  logLevel: string;
  /** Start the built-in mock when the bridge has no upstream. */
  mockFallback: boolean;
}

export interface MockCommand { kind: 'mock'; host: string; port: number; keys: string[]; logLevel: string }
export interface HelpCommand { kind: 'help' }
export interface VersionCommand { kind: 'version' }
export type Command = RunCommand | MockCommand | HelpCommand | VersionCommand;

export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_SOCKET = './run/runner.sock';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const USAGE = `Usage:
  apisix-anthropic-bridge [run] [options]      ext-plugin runner (+ optional HTTP bridge)
  apisix-anthropic-bridge mock-anthropic [--host H] [--port N] [--keys K1,K2]
  apisix-anthropic-bridge --help | --version

Run options (environment variable in brackets):
  --socket PATH            Unix socket to listen on [APISIX_LISTEN_ADDRESS=unix:PATH] (default ${DEFAULT_SOCKET})
  --socket-mode MODE       octal file mode of the socket [A6_SOCKET_MODE] (default 0766)
  --conf-expire SECONDS    APISIX's conf token lifetime [APISIX_CONF_EXPIRE_TIME] (default 3600)
  --http HOST:PORT         also serve the streaming bridge (T3) [A6_BRIDGE_HTTP]
  --upstream URL           the bridge's default Anthropic target [ANTHROPIC_BASE_URL]
  --config FILE            bridge targets file, JSON or YAML [A6_CONFIG]
  --grpc-health HOST:PORT  gRPC health service [A6_GRPC_HEALTH]
  --log-level LEVEL        fatal|error|warn|info|debug|trace|silent [LOG_LEVEL] (default info)
  --no-mock                with --http and no upstream, fail instead of starting the built-in mock
`;

export function parseHostPort(text: string, what: string): HostPort {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${what}: expected HOST:PORT (e.g. 127.0.0.1:8088), got "${text}"`);
  return { host: m[1] ?? m[2], port };
}

function parseMode(text: string): number {
  if (!/^0?[0-7]{3}$/.test(text)) throw new UsageError(`--socket-mode: expected an octal mode such as 0766 or 0660, got "${text}"`);
  return parseInt(text, 8);
}

function parsePositiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${what}: expected a positive integer, got "${text}"`);
  return Number(text);
}

function socketFromListenAddress(addr: string): string {
  if (!addr.startsWith('unix:') || addr.length <= 5) {
    throw new UsageError(`APISIX_LISTEN_ADDRESS must look like unix:/path/to/runner.sock, got "${addr}"`);
  }
  return addr.slice(5);
}

function logLevel(value: string | undefined): string {
  const level = value ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return level;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  const [first, ...rest] = argv;
  if (first === 'mock-anthropic') return parseMock(rest, env);
  const args = first === 'run' ? rest : argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        socket: { type: 'string' },
        'socket-mode': { type: 'string' },
        'conf-expire': { type: 'string' },
        http: { type: 'string' },
        upstream: { type: 'string' },
        config: { type: 'string' },
        'grpc-health': { type: 'string' },
        'log-level': { type: 'string' },
        'no-mock': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  const listen = nonEmpty(env.APISIX_LISTEN_ADDRESS);
  const httpText = v.http ?? nonEmpty(env.A6_BRIDGE_HTTP);
  const grpcText = v['grpc-health'] ?? nonEmpty(env.A6_GRPC_HEALTH);
  const upstream = v.upstream ?? nonEmpty(env.ANTHROPIC_BASE_URL);
  if (upstream !== undefined && !/^https?:\/\/[^\s/]+/.test(upstream)) {
    throw new UsageError(`upstream must be an http(s) URL, got "${upstream}"`);
  }
  return {
    kind: 'run',
    socketPath: v.socket ?? (listen ? socketFromListenAddress(listen) : DEFAULT_SOCKET),
    socketMode: parseMode(v['socket-mode'] ?? nonEmpty(env.A6_SOCKET_MODE) ?? '0766'),
    confExpireSeconds: parsePositiveInt(v['conf-expire'] ?? nonEmpty(env.APISIX_CONF_EXPIRE_TIME) ?? '3600', 'conf expire time'),
    http: httpText ? parseHostPort(httpText, '--http') : undefined,
    grpcHealth: grpcText ? parseHostPort(grpcText, '--grpc-health') : undefined,
    upstream,
    configFile: v.config ?? nonEmpty(env.A6_CONFIG),
    logLevel: logLevel(v['log-level'] ?? nonEmpty(env.LOG_LEVEL)),
    mockFallback: !v['no-mock'],
  };
}

function parseMock(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): MockCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        keys: { type: 'string' },
        'log-level': { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const port = v.port === undefined ? 8090 : Number(v.port);
  if (!/^\d{1,5}$/.test(v.port ?? '8090') || port > 65535) throw new UsageError(`--port: expected 0-65535, got "${v.port}"`);
  return {
    kind: 'mock',
    host: v.host ?? '127.0.0.1',
    port,
    keys: (v.keys ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    logLevel: logLevel(v['log-level'] ?? nonEmpty(env.LOG_LEVEL)),
  };
}
