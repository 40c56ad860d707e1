/** An injected undici dispatcher is used for the upstream call and left open for its owner. */
import { Agent, type Dispatcher } from 'undici';
import { startBridgeHarness, startScriptedUpstream, textStream } from './harness';

class CountingAgent extends Agent {
  origins: string[] = [];
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.origins.push(String(opts.origin));
    return super.dispatch(opts, handler);
  }
}

test('dispatcherFor: the bridge calls through it, and close() leaves it to its owner', async () => {
  const up = await startScriptedUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(textStream(['via agent']));
  });
  const agent = new CountingAgent();
  const names: string[] = [];
  const h = await startBridgeHarness({ default: { base_url: up.url } }, {
    dispatcherFor: (t) => {
      names.push(t.name);
      return agent;
    },
  });
  try {
    const stream = await h.sdk().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('via agent');
    expect(agent.origins).toEqual([up.url]);
    expect(names).toEqual(['default']);
  } finally {
    await h.close();
  }
  expect(agent.closed).toBe(false);
  await agent.close();
  await up.close();
});
