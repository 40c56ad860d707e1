/** The Helm values are valid YAML and keep the settings the deployment depends on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const load = (f: string) => parse(readFileSync(join(__dirname, '../../helm', f), 'utf8'));

describe('helm values', () => {
  it('sidecar: shared socket directory, uid 636, path_for_test, probes', () => {
    const v = load('values-sidecar.yaml');
    expect(v.extraVolumes[0].emptyDir).toEqual({});
    expect(v.extraVolumeMounts[0].mountPath).toBe('/var/run/a6');
    const runner = v.extraContainers[0];
    expect(runner.env.find((e: { name: string }) => e.name === 'APISIX_LISTEN_ADDRESS').value).toBe(`unix:${v.apisix.fullCustomConfig.config['ext-plugin'].path_for_test}`);
    expect(runner.securityContext.runAsUser).toBe(636);
    expect(runner.readinessProbe.grpc.port).toBe(8089);
    expect(runner.livenessProbe.httpGet.path).toBe('/healthz');
    expect(v.apisix.fullCustomConfig.config.nginx_config.http_configuration_snippet).toMatch(/lua_socket_read_timeout/);
  });

  it('spawned: cmd points into the volume the init container fills', () => {
    const v = load('values-spawned.yaml');
    expect(v.apisix.extPlugin.enabled).toBe(true);
    expect(v.apisix.extPlugin.cmd[0]).toBe('/opt/a6-runner/node');
    expect(v.extraVolumeMounts[0].mountPath).toBe('/opt/a6-runner');
    expect(v.extraInitContainers[0].command.join(' ')).toMatch(/cp \/usr\/local\/bin\/node \/target\/node/);
    expect(v.apisix.nginx.envs).toContain('ANTHROPIC_API_KEY');
  });
});
