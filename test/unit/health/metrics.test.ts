import { Metrics } from '../../../src/health/metrics';

test('two instances do not share a registry, and counters appear in the text format', async () => {
  const a = new Metrics();
  const b = new Metrics();
  a.recordRequest('azure', 'chat_completions', 200, 0.5);
  a.recordRequest('azure', 'chat_completions', 200, 0.1);
  a.recordError('ERR_BRIDGE_UPSTREAM_TIMEOUT');
  a.recordUpstreamStatus('azure', 429);
  a.recordTokens('azure', 12, 0);
  a.streamStarted('azure');
  a.streamStarted('azure');
  a.streamEnded('azure');
  a.runnerConnectionOpened();
  a.recordRunnerCall('http_req_call', 'ok');
  const text = await a.render();
  expect(text).toContain('a6_bridge_requests_total{target="azure",route="chat_completions",status="200"} 2');
  expect(text).toContain('a6_bridge_errors_total{type="ERR_BRIDGE_UPSTREAM_TIMEOUT"} 1');
  expect(text).toContain('a6_bridge_upstream_responses_total{target="azure",status="429"} 1');
  expect(text).toContain('a6_bridge_tokens_total{target="azure",kind="prompt"} 12');
  expect(text).not.toContain('kind="completion"');
  expect(text).toContain('a6_bridge_active_streams{target="azure"} 1');
  expect(text).toContain('a6_bridge_request_duration_seconds_count{target="azure",route="chat_completions"} 2');
  expect(text).toContain('a6_runner_connections 1');
  expect(text).toContain('a6_runner_calls_total{rpc="http_req_call",result="ok"} 1');
  expect(await b.render()).not.toContain('target="azure"');
  expect(a.contentType).toMatch(/^text\/plain/);
});
