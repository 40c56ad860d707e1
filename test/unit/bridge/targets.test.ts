import {
  loadTargets, mergeTargetsFiles, needsMockTarget, parseTargetsText, resolveTargets, targetsFromEnv, TargetsConfigError, withMockTarget,
} from '../../../src/config/targets';

const files: Record<string, string> = {
  '/etc/bridge.yaml': `
default_target: azure
targets:
  azure:
    base_url: https://res.services.ai.azure.com/anthropic
    auth: { style: bearer }
    options:
      model_aliases: { gpt-4o: claude-sonnet-4-5 }
    timeouts: { headers_ms: 1000 }
  direct:
    base_url: https://api.anthropic.com
    auth: { api_key_env: MY_KEY }
    tls: { servername: api.anthropic.com, ca_file: /etc/ca.pem }
`,
  '/etc/ca.pem': '-----BEGIN CERTIFICATE-----\n',
  '/etc/bad.json': '{"targets": {"x": {"base_url": "ftp://example.com"}}}',
  '/etc/broken.json': '{"targets": ',
};
const readFile = (p: string): string => {
  if (!(p in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return files[p];
};

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TargetsConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a TargetsConfigError');
}

describe('targets file', () => {
  test('YAML file resolves paths, auth style, options, timeouts, TLS and the env key', () => {
    const cfg = loadTargets({ file: '/etc/bridge.yaml', env: { MY_KEY: 'sk-secret' }, readFile });
    expect(cfg.defaultTarget).toBe('azure');
    const azure = cfg.targets.get('azure')!;
    expect(azure.origin).toBe('https://res.services.ai.azure.com');
    expect(azure.path).toBe('/anthropic/v1/messages');
    expect(azure.options.auth).toBe('bearer');
    expect(azure.options.model_aliases).toEqual({ 'gpt-4o': 'claude-sonnet-4-5' });
    expect(azure.timeouts).toEqual({ connectMs: 10000, headersMs: 1000, bodyMs: 300000 });
    expect(azure.apiKey).toBeUndefined();
    const direct = cfg.targets.get('direct')!;
    expect(direct.path).toBe('/v1/messages');
    expect(direct.apiKey).toBe('sk-secret');
    expect(direct.tls).toEqual({ servername: 'api.anthropic.com', ca: files['/etc/ca.pem'], rejectUnauthorized: true });
    expect(cfg.maxBodyBytes).toBe(32 * 1024 * 1024);
  });

  test('errors name the path of the problem', () => {
    expect(message(() => loadTargets({ file: '/etc/bad.json', env: {}, readFile }))).toMatch(/^\/etc\/bad\.json: \/targets\/x\/base_url must match pattern/);
    expect(message(() => resolveTargets({ targets: { a: { base_url: 'http://h', timeouts: { headers_ms: 0 } } } }))).toMatch(/\/targets\/a\/timeouts\/headers_ms must be >= 1/);
    expect(message(() => resolveTargets({ targets: { a: { base_url: 'http://h', options: { auth: 'nope' } } } }))).toMatch(/\/targets\/a\/options\/auth must be equal to one of the allowed values/);
    expect(message(() => resolveTargets({ targets: { a: { base_url: 'http://h', extra: 1 } } }))).toMatch(/\/targets\/a must NOT have additional properties "extra"/);
    expect(message(() => resolveTargets({ targets: { 'bad name': { base_url: 'http://h' } } }))).toMatch(/\/targets/);
    expect(message(() => resolveTargets({ default_target: 'nope', targets: { a: { base_url: 'http://h' } } }))).toMatch(/\/default_target names "nope"/);
    expect(message(() => resolveTargets({ targets: { a: { base_url: 'http://h', auth: { api_key_env: 'UNSET_KEY' } } } }, { env: {} }))).toMatch(/\/targets\/a\/auth\/api_key_env names UNSET_KEY, which is not set/);
    expect(message(() => loadTargets({ file: '/etc/missing.yaml', env: {}, readFile }))).toMatch(/cannot read the targets file \(ENOENT\)/);
    expect(message(() => loadTargets({ file: '/etc/broken.json', env: {}, readFile }))).toMatch(/not valid JSON/);
    expect(message(() => resolveTargets({ targets: { a: { base_url: 'http://h', tls: { ca_file: '/nope' } } } }, { readFile }))).toMatch(/\/targets\/a\/tls\/ca_file: cannot read \/nope \(ENOENT\)/);
  });

  test('a key named in the config never appears in an error message', () => {
    const text = message(() => resolveTargets({ targets: { a: { base_url: 'ftp://h', auth: { api_key_env: 'K' } } } }, { env: { K: 'sk-do-not-print' } }));
    expect(text).not.toContain('sk-do-not-print');
  });

  test('default target: "default" or the only target; none when ambiguous', () => {
    expect(resolveTargets({ targets: { only: { base_url: 'http://h' } } }).defaultTarget).toBe('only');
    expect(resolveTargets({ targets: { default: { base_url: 'http://h' }, b: { base_url: 'http://i' } } }).defaultTarget).toBe('default');
    expect(resolveTargets({ targets: { a: { base_url: 'http://h' }, b: { base_url: 'http://i' } } }).defaultTarget).toBeUndefined();
  });

  test('parseTargetsText reads JSON and YAML', () => {
    expect(parseTargetsText('{"a":1}', 'x.json')).toEqual({ a: 1 });
    expect(parseTargetsText('a: 1', 'x.yml')).toEqual({ a: 1 });
  });
});

describe('environment', () => {
  test('nothing set -> undefined; base URL alone -> a "default" target', () => {
    expect(targetsFromEnv({})).toBeUndefined();
    expect(targetsFromEnv({ ANTHROPIC_BASE_URL: 'https://api.anthropic.com' })).toEqual({ targets: { default: { base_url: 'https://api.anthropic.com' } } });
  });

  test('auth, key variable, options and body limit', () => {
    const env = {
      ANTHROPIC_BASE_URL: 'https://api.anthropic.com', A6_BRIDGE_AUTH: 'bearer', A6_BRIDGE_API_KEY_ENV: 'KEY',
      A6_BRIDGE_OPTIONS: '{"anthropic_beta":["b1"]}', A6_BRIDGE_MAX_BODY_BYTES: '4096', KEY: 'sk-1', A6_BRIDGE_AUTH_HEADER: 'api-key',
    };
    const cfg = loadTargets({ env });
    const t = cfg.targets.get('default')!;
    expect(cfg.defaultTarget).toBe('default');
    expect(t.options.auth).toBe('bearer');
    expect(t.options.anthropic_beta).toEqual(['b1']);
    expect(t.apiKey).toBe('sk-1');
    expect(t.credentialHeader).toBe('api-key');
    expect(cfg.maxBodyBytes).toBe(4096);
  });

  test('bad environment values are refused with the variable name', () => {
    expect(message(() => targetsFromEnv({ A6_BRIDGE_AUTH: 'bearer' }))).toMatch(/need ANTHROPIC_BASE_URL/);
    expect(message(() => targetsFromEnv({ ANTHROPIC_BASE_URL: 'http://h', A6_BRIDGE_OPTIONS: '{' }))).toMatch(/^A6_BRIDGE_OPTIONS: not valid JSON/);
    expect(message(() => targetsFromEnv({ A6_BRIDGE_MAX_BODY_BYTES: '1e6' }))).toMatch(/^A6_BRIDGE_MAX_BODY_BYTES/);
    expect(message(() => loadTargets({ env: { ANTHROPIC_BASE_URL: 'http://h', A6_BRIDGE_AUTH: 'basic' } }))).toMatch(/\/targets\/default\/auth\/style/);
    expect(message(() => loadTargets({ env: { ANTHROPIC_BASE_URL: 'http://h', A6_BRIDGE_AUTH_HEADER: 'cookie' } }))).toMatch(/\/targets\/default\/auth\/header/);
  });

  test('--upstream overrides ANTHROPIC_BASE_URL and a file target of the same name', () => {
    const cfg = loadTargets({ env: { ANTHROPIC_BASE_URL: 'http://from-env' }, upstream: 'http://from-flag:9' });
    expect(cfg.targets.get('default')!.origin).toBe('http://from-flag:9');
    const merged = mergeTargetsFiles({ targets: { default: { base_url: 'http://a' }, b: { base_url: 'http://b' } } }, { targets: { default: { base_url: 'http://c' } } });
    expect(merged.targets).toEqual({ default: { base_url: 'http://c' }, b: { base_url: 'http://b' } });
  });

  test('mock mode hook: no target -> start the mock and point "default" at it', () => {
    const empty = loadTargets({ env: {} });
    expect(needsMockTarget(empty)).toBe(true);
    const withMock = withMockTarget(empty, 'http://127.0.0.1:5555');
    expect(needsMockTarget(withMock)).toBe(false);
    expect(withMock.defaultTarget).toBe('default');
    expect(withMock.targets.get('default')!.origin).toBe('http://127.0.0.1:5555');
    // Chat UIs call /v1/models first: the demo target lists the mock's models.
    expect(Object.keys(withMock.targets.get('default')!.options.model_aliases)).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5']);
  });
});
