/**
 * The bridge's targets: the only hosts it will ever call. They come from a JSON/YAML file and/or the
 * environment, are validated with ajv (errors name the path, e.g. `/targets/azure/base_url`), and are
 * resolved once at start: credentials read from the named environment variables, CA files read,
 * options filled with defaults. A request only picks a target by name among these.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { resolveOptions, type BridgeOptions, type ResolvedOptions } from '../core';
import type { AuthMode } from '../core/options';
import { SchemaCompiler } from './ajv';
import { targetsFileSchema } from './targets.schema';

export interface TargetFileEntry {
  base_url: string;
  path?: string;
  auth?: { style?: AuthMode; header?: CredentialHeader; api_key_env?: string };
  forward_headers?: string[];
  options?: BridgeOptions;
  timeouts?: { connect_ms?: number; headers_ms?: number; body_ms?: number };
  tls?: { servername?: string; ca_file?: string; reject_unauthorized?: boolean };
  max_connections?: number;
  /** Download http(s) image URLs and inline them (hosts that refuse URL sources). */
  fetch_image_urls?: { max_bytes?: number; timeout_ms?: number; allow_private?: boolean };
}

export type CredentialHeader = 'authorization' | 'x-api-key' | 'api-key';

export interface TargetsFile {
  default_target?: string;
  max_body_bytes?: number;
  targets?: Record<string, TargetFileEntry>;
}

export interface BridgeTarget {
  readonly name: string;
  /** scheme://host:port, what the connection pool is for. */
  readonly origin: string;
  /** Full request path: base_url's path prefix + (path ?? options.upstream_path). */
  readonly path: string;
  readonly options: ResolvedOptions;
  /** From the environment variable named by auth.api_key_env; never logged. */
  readonly apiKey?: string;
  /** The only client header the credential is taken from (auth.header); any of the three when unset. */
  readonly credentialHeader?: CredentialHeader;
  /** Extra client headers passed upstream unchanged (lower-case names). */
  readonly forwardHeaders: readonly string[];
  readonly timeouts: { readonly connectMs: number; readonly headersMs: number; readonly bodyMs: number };
  readonly tls: { readonly servername?: string; readonly ca?: string; readonly rejectUnauthorized: boolean };
  readonly maxConnections: number;
  /** Set when image URLs are fetched and inlined before conversion. */
  readonly fetchImages?: { readonly maxBytes: number; readonly timeoutMs: number; readonly allowPrivate: boolean };
}

export interface TargetsConfig {
  /** Name of the target behind /v1/chat/completions; undefined when there is none. */
  readonly defaultTarget?: string;
  readonly targets: ReadonlyMap<string, BridgeTarget>;
  readonly maxBodyBytes: number;
}

export const DEFAULT_TARGET_NAME = 'default';
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Long generations: Anthropic may take minutes before the headers of a non-streamed answer. */
export const DEFAULT_TIMEOUTS = { connectMs: 10_000, headersMs: 600_000, bodyMs: 300_000 } as const;
export const DEFAULT_MAX_CONNECTIONS = 128;

export class TargetsConfigError extends Error {
  override name = 'TargetsConfigError';
  readonly code = 'ERR_CONFIG_TARGETS_INVALID';
}

type Env = Readonly<Record<string, string | undefined>>;

const compiler = new SchemaCompiler();

/** Checks the raw file content; throws TargetsConfigError naming the path of the first problem. */
export function validateTargetsFile(raw: unknown, source = 'targets config'): TargetsFile {
  const problem = compiler.check(targetsFileSchema, raw);
  if (problem) throw new TargetsConfigError(`${source}: ${problem}`);
  const file = raw as TargetsFile;
  if (file.default_target !== undefined && !file.targets?.[file.default_target]) {
    throw new TargetsConfigError(`${source}: /default_target names "${file.default_target}", which is not under /targets`);
  }
  return file;
}

function resolveTarget(name: string, entry: TargetFileEntry, env: Env, source: string, readFile: (path: string) => string): BridgeTarget {
  const where = `${source}: /targets/${name}`;
  const url = new URL(entry.base_url);
  const prefix = url.pathname.replace(/\/+$/, '');
  const options = resolveOptions({ ...(entry.options ?? {}), ...(entry.auth?.style ? { auth: entry.auth.style } : {}) });
  let apiKey: string | undefined;
  const keyVar = entry.auth?.api_key_env;
  if (keyVar !== undefined) {
    apiKey = env[keyVar];
    if (!apiKey) throw new TargetsConfigError(`${where}/auth/api_key_env names ${keyVar}, which is not set or empty`);
  }
  let ca: string | undefined;
  if (entry.tls?.ca_file) {
    try {
      ca = readFile(entry.tls.ca_file);
    } catch (e) {
      throw new TargetsConfigError(`${where}/tls/ca_file: cannot read ${entry.tls.ca_file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return {
    name,
    origin: url.origin,
    path: prefix + (entry.path ?? options.upstream_path),
    options,
    apiKey,
    credentialHeader: entry.auth?.header,
    forwardHeaders: entry.forward_headers ?? [],
    timeouts: {
      connectMs: entry.timeouts?.connect_ms ?? DEFAULT_TIMEOUTS.connectMs,
      headersMs: entry.timeouts?.headers_ms ?? DEFAULT_TIMEOUTS.headersMs,
      bodyMs: entry.timeouts?.body_ms ?? DEFAULT_TIMEOUTS.bodyMs,
    },
    tls: { servername: entry.tls?.servername, ca, rejectUnauthorized: entry.tls?.reject_unauthorized ?? true },
    maxConnections: entry.max_connections ?? DEFAULT_MAX_CONNECTIONS,
    fetchImages: entry.fetch_image_urls && {
      // Anthropic's own limit for a base64 image is 5 MB.
      maxBytes: entry.fetch_image_urls.max_bytes ?? 5 * 1024 * 1024,
      timeoutMs: entry.fetch_image_urls.timeout_ms ?? 10_000,
      allowPrivate: entry.fetch_image_urls.allow_private ?? false,
    },
  };
}

export interface ResolveOptions {
  env?: Env;
  source?: string;
  /** Reads tls.ca_file; node:fs by default. */
  readFile?: (path: string) => string;
}

/**
 * Validated file content -> resolved targets. Without default_target, a target named "default" (or
 * the only target) serves /v1/chat/completions.
 */
export function resolveTargets(raw: unknown, opts: ResolveOptions = {}): TargetsConfig {
  const source = opts.source ?? 'targets config';
  const file = validateTargetsFile(raw, source);
  const env = opts.env ?? {};
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const targets = new Map<string, BridgeTarget>();
  for (const [name, entry] of Object.entries(file.targets ?? {})) targets.set(name, resolveTarget(name, entry, env, source, readFile));
  let defaultTarget = file.default_target;
  if (defaultTarget === undefined && targets.has(DEFAULT_TARGET_NAME)) defaultTarget = DEFAULT_TARGET_NAME;
  if (defaultTarget === undefined && targets.size === 1) defaultTarget = [...targets.keys()][0];
  return { defaultTarget, targets, maxBodyBytes: file.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES };
}

/** Parses a targets file: `.json` as JSON, anything else as YAML (a superset of JSON). */
export function parseTargetsText(text: string, fileName: string): unknown {
  try {
    return /\.json$/i.test(fileName) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new TargetsConfigError(`${fileName}: not valid ${/\.json$/i.test(fileName) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function readTargetsFile(path: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): TargetsFile {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new TargetsConfigError(`${path}: cannot read the targets file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return (parseTargetsText(text, path) ?? {}) as TargetsFile;
}

/**
 * The default target as the environment describes it, in file form (merged over a file by
 * mergeTargetsFiles). Variables:
 *   ANTHROPIC_BASE_URL       base URL of the default target (e.g. https://api.anthropic.com)
 *   A6_BRIDGE_AUTH           x-api-key | bearer | passthrough
 *   A6_BRIDGE_AUTH_HEADER    authorization | x-api-key | api-key: the client header holding the key
 *   A6_BRIDGE_API_KEY_ENV    name of the variable holding a key the bridge sends itself
 *   A6_BRIDGE_OPTIONS        core options as JSON (model_aliases, anthropic_beta, ...)
 *   A6_BRIDGE_MAX_BODY_BYTES request body limit
 * Returns undefined when none of them is set.
 */
export function targetsFromEnv(env: Env): TargetsFile | undefined {
  const val = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const baseUrl = val('ANTHROPIC_BASE_URL');
  const out: TargetsFile = {};
  const maxBody = val('A6_BRIDGE_MAX_BODY_BYTES');
  if (maxBody !== undefined) {
    if (!/^\d+$/.test(maxBody)) throw new TargetsConfigError(`A6_BRIDGE_MAX_BODY_BYTES: expected a number of bytes, got "${maxBody}"`);
    out.max_body_bytes = Number(maxBody);
  }
  const style = val('A6_BRIDGE_AUTH');
  const keyEnv = val('A6_BRIDGE_API_KEY_ENV');
  const header = val('A6_BRIDGE_AUTH_HEADER');
  const optionsText = val('A6_BRIDGE_OPTIONS');
  if (baseUrl !== undefined) {
    const entry: TargetFileEntry = { base_url: baseUrl };
    if (style !== undefined || keyEnv !== undefined || header !== undefined) {
      entry.auth = { ...(style ? { style: style as AuthMode } : {}), ...(header ? { header: header as CredentialHeader } : {}), ...(keyEnv ? { api_key_env: keyEnv } : {}) };
    }
    if (optionsText !== undefined) {
      try {
        entry.options = JSON.parse(optionsText) as BridgeOptions;
      } catch (e) {
        throw new TargetsConfigError(`A6_BRIDGE_OPTIONS: not valid JSON: ${(e as Error).message}`);
      }
    }
    out.targets = { [DEFAULT_TARGET_NAME]: entry };
  } else if (style !== undefined || keyEnv !== undefined || header !== undefined || optionsText !== undefined) {
    throw new TargetsConfigError('A6_BRIDGE_AUTH, A6_BRIDGE_AUTH_HEADER, A6_BRIDGE_API_KEY_ENV and A6_BRIDGE_OPTIONS describe the default target and need ANTHROPIC_BASE_URL');
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Later sources win: a target of the same name is replaced as a whole (no deep merge, so what runs is
 * what one source says), and an env-defined "default" target becomes the default unless the file
 * chose another.
 */
export function mergeTargetsFiles(...files: Array<TargetsFile | undefined>): TargetsFile {
  const out: TargetsFile = {};
  for (const f of files) {
    if (!f) continue;
    if (f.default_target !== undefined) out.default_target = f.default_target;
    if (f.max_body_bytes !== undefined) out.max_body_bytes = f.max_body_bytes;
    if (f.targets) out.targets = { ...(out.targets ?? {}), ...f.targets };
  }
  return out;
}

export interface LoadTargetsInput {
  /** --config FILE (JSON or YAML). */
  file?: string;
  /** --upstream URL; overrides ANTHROPIC_BASE_URL. */
  upstream?: string;
  env: Env;
  readFile?: (path: string) => string;
}

/** What the CLI calls: file, then environment, then the --upstream flag; validated and resolved. */
export function loadTargets(input: LoadTargetsInput): TargetsConfig {
  const fromFile = input.file ? readTargetsFile(input.file, input.readFile) : undefined;
  const env = input.upstream ? { ...input.env, ANTHROPIC_BASE_URL: input.upstream } : input.env;
  const merged = mergeTargetsFiles(fromFile, targetsFromEnv(env));
  return resolveTargets(merged, { env: input.env, source: input.file ?? 'environment', readFile: input.readFile });
}

/** Mock mode hook: true when the bridge has nothing to call, so the CLI should start the mock. */
export function needsMockTarget(config: TargetsConfig): boolean {
  return config.targets.size === 0;
}

/** Models the built-in mock lists on /v1/models, so that chat UIs pointed at the demo have something to pick. */
export const MOCK_MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5'];

/** The config with a default target pointing at the built-in mock (credentials from the client). */
export function withMockTarget(config: TargetsConfig, mockUrl: string): TargetsConfig {
  const model_aliases = Object.fromEntries(MOCK_MODELS.map((m) => [m, m]));
  const mock = resolveTargets({ targets: { [DEFAULT_TARGET_NAME]: { base_url: mockUrl, options: { model_aliases } } } }, { source: 'built-in mock' });
  const targets = new Map(config.targets);
  targets.set(DEFAULT_TARGET_NAME, mock.targets.get(DEFAULT_TARGET_NAME)!);
  return { ...config, targets, defaultTarget: DEFAULT_TARGET_NAME };
}
