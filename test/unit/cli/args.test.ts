import { parseCommand, UsageError, DEFAULT_SOCKET, RunCommand } from '../../../src/cli/args';

const run = (argv: string[], env: Record<string, string> = {}) => parseCommand(argv, env) as RunCommand;

describe('parseCommand', () => {
  it('uses embedded defaults with no flags and no env', () => {
    const c = run([]);
    expect(c).toMatchObject({ kind: 'run', socketPath: DEFAULT_SOCKET, socketMode: 0o766, confExpireSeconds: 3600, logLevel: 'info', mockFallback: true });
    expect(c.http).toBeUndefined();
  });

  it('takes the socket from APISIX_LISTEN_ADDRESS as APISIX sets it when spawning', () => {
    const c = run([], { APISIX_LISTEN_ADDRESS: 'unix:/usr/local/apisix/conf/apisix-1.sock', APISIX_CONF_EXPIRE_TIME: '7200' });
    expect(c.socketPath).toBe('/usr/local/apisix/conf/apisix-1.sock');
    expect(c.confExpireSeconds).toBe(7200);
  });

  it('lets flags win over environment variables', () => {
    const c = run(['--socket', '/tmp/a.sock', '--log-level', 'debug'], { APISIX_LISTEN_ADDRESS: 'unix:/tmp/b.sock', LOG_LEVEL: 'warn' });
    expect(c.socketPath).toBe('/tmp/a.sock');
    expect(c.logLevel).toBe('debug');
  });

  it('accepts the optional "run" subcommand and parses host:port pairs, IPv6 included', () => {
    const c = run(['run', '--http', '0.0.0.0:8088', '--grpc-health', '[::1]:8089', '--socket-mode', '0660']);
    expect(c.http).toEqual({ host: '0.0.0.0', port: 8088 });
    expect(c.grpcHealth).toEqual({ host: '::1', port: 8089 });
    expect(c.socketMode).toBe(0o660);
  });

  it.each([
    [['--bogus'], /bogus/],
    [['--http', '8088'], /HOST:PORT/],
    [['--http', 'localhost:99999'], /HOST:PORT/],
    [['--socket-mode', '999'], /octal/],
    [['--log-level', 'loud'], /log level/],
    [['--upstream', 'ftp://x'], /http\(s\) URL/],
    [['stray'], /positional|Unexpected argument/i],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(message);
  });

  it('refuses an APISIX_LISTEN_ADDRESS that is not a unix: address', () => {
    expect(() => parseCommand([], { APISIX_LISTEN_ADDRESS: '/tmp/x.sock' })).toThrow(/unix:/);
  });

  it('parses the mock-anthropic subcommand', () => {
    expect(parseCommand(['mock-anthropic', '--port', '9000', '--keys', 'a, b'], {})).toEqual({ kind: 'mock', host: '127.0.0.1', port: 9000, keys: ['a', 'b'], logLevel: 'info' });
    expect(() => parseCommand(['mock-anthropic', '--port', 'x'], {})).toThrow(UsageError);
  });
});
