import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatConfigIssue } from './config-issues.ts';
import { loadConfigFile, loadConfigText, parseConfigText } from './load-config.ts';

const example = fileURLToPath(new URL('./examples/seed-demo.yaml', import.meta.url));

describe('loading a config', () => {
  it('loads the seed demo config without errors or warnings', async () => {
    const result = await loadConfigFile(example);
    if (!result.ok) throw new Error(result.errors.map(formatConfigIssue).join('\n'));
    expect(result.warnings).toEqual([]);
    const { config } = result;
    expect(config.interfaces.map((entry) => entry.name)).toEqual(['ext', 'int', 'mgm']);
    expect(config.tunnels.map((tunnel) => tunnel.name)).toEqual(['vpn_tunnel', 'datacenter', 'roadwarriors']);
    expect(config.ipRules[0]).toEqual({
      name: 'ping-through-tunnel',
      action: 'Allow',
      sourceInterface: 'vpn_tunnel',
      sourceNetwork: 'all-nets-ip4',
      destinationInterface: 'core',
      destinationNetwork: 'all-nets-ip4',
      service: 'ICMP',
    });
    expect(config.routes[0]).toEqual({ network: 'mgmt-net', interface: 'mgm', gateway: '', metric: 0 });
    expect(config.tunnels[1]?.ikeProposals).toEqual(['aes256-sha256-ecp256']);
    expect(config.tunnels[2]?.remoteEndpoint).toBe('none');
  });

  it('loads JSON text', () => {
    const result = loadConfigText('{"timeZone": "UTC+01:00"}', 'json');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.timeZone).toBe('UTC+01:00');
  });

  it('reports parse errors with their position', () => {
    const yaml = parseConfigText('tunnels:\n  - name: a\n   bad: [', 'yaml');
    expect(yaml.ok).toBe(false);
    if (!yaml.ok) expect(yaml.errors[0]?.message).toMatch(/^not valid YAML \(line \d+, column \d+\)/);
    const json = parseConfigText('{', 'json');
    expect(json.ok).toBe(false);
    const duplicate = parseConfigText('timeZone: UTC\ntimeZone: CET\n', 'yaml');
    expect(duplicate.ok).toBe(false);
  });

  it('reports an unreadable file as an error', async () => {
    const result = await loadConfigFile('/nonexistent/tunnelscope.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/^cannot read \/nonexistent\/tunnelscope.yaml/);
  });
});
