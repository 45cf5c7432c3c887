import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate-config.ts';

describe('config for certificates: dnsServers with ports, engine.certificateDirectory', () => {
  it('keeps "address:port" DNS servers (the lab\'s DNS on a high loopback port) and the certificate directory', () => {
    const result = validateConfig({
      dnsServers: ['127.0.1.53:10053', '10.0.0.53', '[::1]:5353', ' 192.0.2.1 '],
      engine: { certificateDirectory: ' /etc/tunnelscope/certs ' },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.dnsServers).toEqual(['127.0.1.53:10053', '10.0.0.53', '[::1]:5353', '192.0.2.1']);
    expect(result.config.engine.certificateDirectory).toBe('/etc/tunnelscope/certs');
  });

  it('names the bad entry', () => {
    const result = validateConfig({ dnsServers: ['127.0.0.1:0', '127.0.0.1:70000', 'dns.example.com'] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((issue) => issue.path)).toEqual(['dnsServers[0]', 'dnsServers[1]', 'dnsServers[2]']);
  });

  it('an empty certificate directory means none', () => {
    const result = validateConfig({ engine: { certificateDirectory: '' } });
    expect(result.ok && result.config.engine.certificateDirectory).toBeUndefined();
  });
});
