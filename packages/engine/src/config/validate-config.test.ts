import { describe, expect, it } from 'vitest';
import { GatewayConfigSchema, listSchemaIssues, type GatewayConfigInput, type TunnelInput } from '@tunnelscope/api';
import { formatConfigIssue } from './config-issues.ts';
import { validateConfig, type ConfigValidationResult } from './validate-config.ts';

function tunnel(overrides: Partial<TunnelInput> = {}): TunnelInput {
  return {
    name: 'hq',
    localNetworks: ['192.168.10.0/24'],
    remoteNetworks: ['10.10.10.0/24'],
    localEndpoint: '172.22.53.18',
    remoteEndpoint: '172.22.53.23',
    auth: { method: 'psk', psk: { type: 'passphrase', value: 'secret-1' } },
    ikeProposals: ['aes128gcm16-prfsha256-x25519'],
    ipsecProposals: ['aes128gcm16'],
    ...overrides,
  };
}

function config(overrides: Partial<GatewayConfigInput> = {}): GatewayConfigInput {
  return {
    interfaces: [
      { name: 'ext', addresses: ['172.22.53.18/24'] },
      { name: 'core', addresses: ['192.168.10.1/24'] },
      { name: 'int', addresses: ['53.10.0.1/24'] },
      { name: 'mgm', addresses: ['10.255.0.1/24'] },
    ],
    ipRules: [
      {
        action: 'Allow',
        sourceInterface: 'vpn_tunnel',
        sourceNetwork: 'all-nets-ip4',
        destinationInterface: 'core',
        destinationNetwork: 'all-nets-ip4',
        service: 'ICMP',
      },
    ],
    routes: [{ network: '10.255.0.0/24', interface: 'mgm' }],
    tunnels: [tunnel({ name: 'vpn_tunnel' })],
    ...overrides,
  };
}

function errorsOf(result: ConfigValidationResult): string[] {
  return result.ok ? [] : result.errors.map(formatConfigIssue);
}

function warningsOf(result: ConfigValidationResult): string[] {
  return result.warnings.map(formatConfigIssue);
}

describe('validateConfig', () => {
  it('accepts the seed-like config, fills defaults and conforms to the normalised schema', () => {
    const result = validateConfig(config());
    expect(errorsOf(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(listSchemaIssues(GatewayConfigSchema, result.config)).toEqual([]);
    const [vpn] = result.config.tunnels;
    expect(vpn?.responderPolicy).toBe('strict');
    expect(vpn?.ikeVersion).toBe(2);
    expect(vpn?.localId).toEqual({ type: 'ipv4', value: '172.22.53.18' });
    expect(vpn?.remoteId).toEqual({ type: 'ipv4', value: '172.22.53.23' });
    expect(result.config.engine.ikePort).toBe(500);
    expect(result.config.engine.natTPort).toBe(4500);
    expect(result.config.timeZone).toBe('UTC');
  });

  it('accepts an empty config', () => {
    const result = validateConfig({});
    expect(result.ok).toBe(true);
  });

  it('refuses a non-object', () => {
    expect(errorsOf(validateConfig('tunnels: []'))).toEqual(['the config must be an object, got string']);
    expect(errorsOf(validateConfig([]))).toEqual(['the config must be an object, got a list']);
  });

  it('normalises a network with host bits set and says what it became (the seed\'s 192.168.10.0/16)', () => {
    const result = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', remoteNetworks: ['192.168.10.0/16'], localNetworks: ['10.10.10.0/24'] })] }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.tunnels[0]?.remoteNetworks).toEqual(['192.168.0.0/16']);
    expect(warningsOf(result)).toContain('tunnels[0].remoteNetworks[0]: "192.168.10.0/16" has host bits set; normalised to 192.168.0.0/16');
  });

  it('reports every bad field at once, by JSON path', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'vpn_tunnel', remoteEndpoint: '10.0.0.300' }),
          tunnel({ name: 'b', remoteEndpoint: '172.22.53.24', ikeProposals: ['aes129-sha256-modp2048'] }),
          tunnel({ name: 'c', remoteEndpoint: '172.22.53.25', auth: { method: 'psk', psk: { type: 'hex', value: 'abcdef1' } } }),
          tunnel({ name: 'b', remoteEndpoint: '172.22.53.26' }),
        ],
      }),
    );
    expect(result.ok).toBe(false);
    expect(errorsOf(result)).toEqual([
      'tunnels[0].remoteEndpoint: "10.0.0.300" is not an IPv4 address (or "none" for roaming peers)',
      'tunnels[1].ikeProposals[0]: unknown algorithm "aes129" (did you mean "aes128"?)',
      'tunnels[2].auth.psk.value: hex key has odd length (7 hex digits)',
      'tunnels[3].name: duplicate tunnel name "b"',
    ]);
  });

  it('reports structural errors of one tunnel and still checks the others', () => {
    const bad = { ...tunnel({ name: 'typo' }), remoteEndpiont: 'x' } as unknown as TunnelInput;
    const result = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', localEndpoint: '1.2.3' }), bad] }));
    expect(errorsOf(result)).toEqual([
      'tunnels[1].remoteEndpiont: unknown field; did you mean "remoteEndpoint"?',
      'tunnels[0].localEndpoint: "1.2.3" is not an IPv4 address',
    ]);
  });

  it('names missing required fields and wrong types', () => {
    const { auth: _auth, ...withoutAuth } = tunnel({ name: 'vpn_tunnel' });
    const result = validateConfig(config({ tunnels: [{ ...withoutAuth, ikeLifetimeSeconds: 'long' } as unknown as TunnelInput] }));
    expect(errorsOf(result)).toEqual([
      'tunnels[0].auth: is required',
      'tunnels[0].ikeLifetimeSeconds: expected an integer, got "long"',
    ]);
  });

  it('reports a bad auth method and bad enum values with the allowed ones', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({
            name: 'vpn_tunnel',
            auth: { method: 'rsa' } as unknown as TunnelInput['auth'],
            responderPolicy: 'lax' as unknown as 'strict',
          }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'tunnels[0].auth.method: expected one of "psk", "certificate", got "rsa"',
      'tunnels[0].responderPolicy: expected one of "strict", "narrow", got "lax"',
    ]);
  });

  it('reports errors inside the chosen auth variant', () => {
    const result = validateConfig(
      config({ tunnels: [tunnel({ name: 'vpn_tunnel', auth: { method: 'psk', psk: { type: 'base64', value: 'x' } } as unknown as TunnelInput['auth'] })] }),
    );
    expect(errorsOf(result)).toEqual(['tunnels[0].auth.psk.type: expected one of "passphrase", "hex", got "base64"']);
  });

  it('checks hex keys for characters and passphrases for emptiness', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'vpn_tunnel', auth: { method: 'psk', psk: { type: 'hex', value: '00ff0g' } } }),
          tunnel({ name: 'b', remoteEndpoint: '172.22.53.24', auth: { method: 'psk', psk: { type: 'passphrase', value: '' } } }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'tunnels[0].auth.psk.value: hex key contains "g" at position 6; only 0-9 and a-f are allowed',
      'tunnels[1].auth.psk.value: pre-shared key must not be empty',
    ]);
  });

  it('checks references: rule interfaces, route interfaces, address book names, services', () => {
    const result = validateConfig(
      config({
        ipRules: [
          {
            action: 'Allow',
            sourceInterface: 'vpn_tunel',
            sourceNetwork: 'branch-net',
            destinationInterface: 'core',
            destinationNetwork: 'all-nets-ip4',
            service: 'ICPM',
          },
        ],
        routes: [{ network: 'mgmt-net', interface: 'mgmt' }],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'ipRules[0].sourceInterface: unknown interface "vpn_tunel"; expected an interface or tunnel name or "any" (did you mean "vpn_tunnel"?)',
      'ipRules[0].sourceNetwork: "branch-net" is neither a network (such as 192.168.10.0/24) nor an address book name',
      'ipRules[0].service: unknown service "ICPM" (did you mean "ICMP"?); expected a service name or tcp/<ports>, udp/<ports>, icmp, esp, all',
      'routes[0].network: "mgmt-net" is neither a network (such as 192.168.10.0/24) nor an address book name',
      'routes[0].interface: unknown interface "mgmt"; expected an interface or tunnel name (did you mean "mgm"?)',
    ]);
  });

  it('accepts inline services and address book names, and refuses unknown tunnel networks', () => {
    const result = validateConfig(
      config({
        addressBook: [{ name: 'branch-net', networks: ['10.10.10.0/24'] }],
        ipRules: [
          { action: 'Allow', sourceInterface: 'any', sourceNetwork: 'branch-net', destinationInterface: 'ext', destinationNetwork: '172.22.53.0/24', service: 'udp/500,4500' },
          { action: 'Reject', sourceInterface: 'core', sourceNetwork: '192.168.10.0/24', destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'tcp/1024-65535' },
        ],
        tunnels: [tunnel({ name: 'vpn_tunnel', remoteNetworks: ['branch-net', 'nowhere'] })],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'tunnels[0].remoteNetworks[1]: "nowhere" is neither a network (such as 192.168.10.0/24) nor an address book name',
    ]);
  });

  it('refuses names that collide across interfaces and tunnels, and predefined names', () => {
    const result = validateConfig(
      config({
        addressBook: [{ name: 'all-nets-ip4', networks: ['0.0.0.0/0'] }],
        tunnels: [tunnel({ name: 'vpn_tunnel' }), tunnel({ name: 'core', remoteEndpoint: '172.22.53.24' })],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'addressBook[0].name: "all-nets-ip4" is predefined',
      'tunnels[1].name: tunnel name "core" is already an interface name (a tunnel is an interface)',
    ]);
  });

  it('checks the dhGroup/pfs shorthands against the proposals: one truth', () => {
    const ok = validateConfig(
      config({ tunnels: [tunnel({ name: 'vpn_tunnel', ikeProposals: ['aes256-sha256'], dhGroup: 'modp2048', ipsecProposals: ['aes256-sha256'], pfs: 'ecp256' })] }),
    );
    expect(errorsOf(ok)).toEqual([]);
    if (ok.ok) {
      expect(ok.config.tunnels[0]?.ikeProposals).toEqual(['aes256-sha256-modp2048']);
      expect(ok.config.tunnels[0]?.ipsecProposals).toEqual(['aes256-sha256-ecp256']);
      expect(ok.config.tunnels[0]).not.toHaveProperty('dhGroup');
    }
    const twoTruths = validateConfig(
      config({ tunnels: [tunnel({ name: 'vpn_tunnel', dhGroup: 'modp2048', ipsecProposals: ['aes128gcm16-x25519'], pfs: 'none' })] }),
    );
    expect(errorsOf(twoTruths)).toEqual([
      'tunnels[0].dhGroup: every IKE proposal already names its group; remove dhGroup (the proposals are the one truth about key exchange)',
      'tunnels[0].ipsecProposals[0]: "aes128gcm16-x25519" names a PFS group but tunnels[0].pfs is "none"; remove one of them',
    ]);
    const noGroup = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', ikeProposals: ['aes256-sha256'] })] }));
    expect(errorsOf(noGroup)).toEqual([
      'tunnels[0].ikeProposals[0]: "aes256-sha256" names no DH group; add one (e.g. "aes256-sha256-modp2048") or set tunnels[0].dhGroup',
    ]);
    const badGroup = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', ikeProposals: ['aes256-sha256'], dhGroup: 'modp2047' })] }));
    expect(errorsOf(badGroup)).toEqual([
      'tunnels[0].dhGroup: "modp2047" cannot be added to proposals: unknown algorithm "modp2047" (did you mean "modp2048"?)',
    ]);
  });

  it('warns about IKEv1 and XAuth on IKEv2, and checks XAuth against the auth method', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'vpn_tunnel', ikeVersion: 1, xauth: 'XAuthPSK', xauthClient: true, xauthUsername: 'u', xauthPassword: 'p' }),
          tunnel({ name: 'b', remoteEndpoint: '172.22.53.24', xauth: 'XAuthCert' }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual(['tunnels[1].xauth: XAuthCert needs certificate authentication']);
    expect(warningsOf(result)).toEqual([
      'tunnels[0].ikeVersion: IKEv1 is accepted in the config but this build negotiates IKEv2 only; the tunnel will not come up',
      'tunnels[1].xauth: XAuth is an IKEv1 feature; it is ignored for IKEv2 tunnels',
    ]);
  });

  it('keeps the XAuth test properties in the model', () => {
    const result = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', ikeVersion: 1, xauth: 'XAuthPSK', xauthClient: true, xauthUsername: 'tester', xauthPassword: 'pw' })] }));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.tunnels[0]).toMatchObject({ xauth: 'XAuthPSK', xauthClient: true, xauthUsername: 'tester', xauthPassword: 'pw' });
    }
  });

  it('checks identities by type', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'vpn_tunnel', localId: { type: 'any' }, remoteId: { type: 'ipv4', value: 'gw.example.com' } }),
          tunnel({ name: 'b', remoteEndpoint: '172.22.53.24', remoteId: { type: 'keyid', value: 'abc' } }),
          tunnel({ name: 'c', remoteEndpoint: '172.22.53.25', remoteId: { type: 'email', value: 'not-an-email' } }),
          tunnel({ name: 'd', remoteEndpoint: '172.22.53.26', remoteId: { type: 'fqdn', value: 'a.*.example.com' } }),
          tunnel({ name: 'e', remoteEndpoint: '172.22.53.27', remoteId: { type: 'dn', value: 'C=SE, O=Clavister, CN=TTG' } }),
          tunnel({ name: 'f', remoteEndpoint: '172.22.53.28', remoteId: { type: 'ipv6', value: '2001:DB8::0:1' } }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'tunnels[0].localId.type: the local identity cannot be "any"',
      'tunnels[0].remoteId.value: "gw.example.com" is not an IPv4 address',
      'tunnels[1].remoteId.value: "abc" is not a key id: write it as an even number of hex digits',
      'tunnels[2].remoteId.value: "not-an-email" is not an e-mail identity (user@example.com, *@example.com)',
      'tunnels[3].remoteId.value: "a.*.example.com": "*" is only allowed as the first character',
    ]);
  });

  it('derives a roaming tunnel\'s remote identity as any', () => {
    const result = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', remoteEndpoint: 'none', remoteNetworks: ['all-nets-ip4'] })] }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.tunnels[0]?.remoteId).toEqual({ type: 'any', value: '' });
  });

  it('warns when a roaming tunnel above a specific one will capture its peer (the seed\'s trap)', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'roam', remoteEndpoint: 'none', remoteNetworks: ['all-nets-ip4'], remoteId: { type: 'any' } }),
          tunnel({ name: 'vpn_tunnel' }),
        ],
      }),
    );
    expect(result.ok).toBe(true);
    expect(warningsOf(result)).toEqual([
      expect.stringMatching(/^tunnels\[1\]\.name: tunnel "vpn_tunnel" can never be selected: "roam" above it \(tunnels\[0\], remote endpoint none \(roaming\), remote identity any\)/),
    ]);
    expect(warningsOf(result)[0]).toContain('incorrect pre-shared key');
  });

  it('does not warn when the roaming tunnel is below, or has a narrower identity', () => {
    const below = validateConfig(
      config({ tunnels: [tunnel({ name: 'vpn_tunnel' }), tunnel({ name: 'roam', remoteEndpoint: 'none', remoteNetworks: ['all-nets-ip4'] })] }),
    );
    expect(warningsOf(below)).toEqual([]);
    const narrow = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'roam', remoteEndpoint: 'none', remoteNetworks: ['all-nets-ip4'], remoteId: { type: 'email', value: '*@roam.example.com' } }),
          tunnel({ name: 'vpn_tunnel' }),
        ],
      }),
    );
    expect(warningsOf(narrow)).toEqual([]);
  });

  it('checks keep-alive addresses against the tunnel networks', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'vpn_tunnel', keepAlive: { enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.20.0.1' } }),
          tunnel({ name: 'b', remoteEndpoint: '172.22.53.24', keepAlive: { enabled: true } }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'tunnels[0].keepAlive.destinationAddress: 10.20.0.1 is not inside the remote networks; keep-alive pings travel through the tunnel',
      'tunnels[1].keepAlive.sourceAddress: is required when keep-alive is enabled (an address inside the local networks)',
      'tunnels[1].keepAlive.destinationAddress: is required when keep-alive is enabled (an address inside the remote networks)',
    ]);
  });

  it('keep-alive renegotiation: a count in range, and only where this side can initiate', () => {
    const result = validateConfig(
      config({
        tunnels: [
          tunnel({ name: 'vpn_tunnel', keepAlive: { enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.10.10.1', renegotiateAfterLost: 101 } }),
          tunnel({
            name: 'roam',
            remoteEndpoint: 'none',
            remoteNetworks: ['10.30.0.0/16'],
            remoteId: { type: 'email', value: '*@roam.example.com' },
            keepAlive: { enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.30.0.1', renegotiateAfterLost: 3 },
          }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(/^tunnels\[0\]\.keepAlive\.renegotiateAfterLost: .*100/),
      'tunnels[1].keepAlive.renegotiateAfterLost: needs a remote endpoint: a roaming tunnel ("none") cannot be negotiated again from this side; set it to 0 (report only)',
    ]);
    const fine = validateConfig(
      config({ tunnels: [tunnel({ name: 'vpn_tunnel', keepAlive: { enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.10.10.1', renegotiateAfterLost: 3 } })] }),
    );
    expect(errorsOf(fine)).toEqual([]);
    expect(fine.ok && fine.config.tunnels[0]!.keepAlive).toEqual({ enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.10.10.1', renegotiateAfterLost: 3 });
  });

  it('checks endpoint families, network families and local endpoints', () => {
    const result = validateConfig(
      config({
        engine: { listenAddresses: ['172.22.53.18'] },
        tunnels: [
          tunnel({ name: 'vpn_tunnel', remoteEndpoint: '2001:db8::1' }),
          tunnel({ name: 'b', remoteEndpoint: '172.22.53.24', remoteNetworks: ['2001:db8:1::/48'] }),
          tunnel({ name: 'c', remoteEndpoint: '172.22.53.25', localEndpoint: '172.22.53.19' }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'tunnels[0].remoteEndpoint: IPv6 remote endpoint with an IPv4 local endpoint',
      'tunnels[1].remoteNetworks: no IPv4 network to pair with the IPv4 local networks',
      'tunnels[1].localNetworks: no IPv6 network to pair with the IPv6 remote networks',
      'tunnels[2].localEndpoint: 172.22.53.19 is not among engine.listenAddresses',
    ]);
  });

  it('warns when a local endpoint is not an interface address', () => {
    const result = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', localEndpoint: '172.22.53.99' })] }));
    expect(warningsOf(result)).toEqual(['tunnels[0].localEndpoint: 172.22.53.99 is not an address of any interface']);
  });

  it('checks interfaces, DNS servers, time zone and engine settings', () => {
    const result = validateConfig(
      config({
        interfaces: [
          { name: 'ext', addresses: ['172.22.53.18'] },
          { name: 'ext', addresses: ['172.22.53.300/24'] },
        ],
        dnsServers: ['8.8.8.8', 'dns.example.com'],
        timeZone: 'Mars/Olympus',
        engine: { ikePort: 500, natTPort: 500, snoop: { peer: 'somewhere' } },
        ipRules: [],
        routes: [],
        tunnels: [],
      }),
    );
    expect(errorsOf(result)).toEqual([
      'interfaces[0].addresses[0]: "172.22.53.18" needs a prefix length, e.g. "172.22.53.18/24"',
      'interfaces[1].name: duplicate interface name "ext"',
      'interfaces[1].addresses[0]: "172.22.53.300/24" is not an address with prefix length (172.22.53.18/24)',
      'dnsServers[1]: "dns.example.com" is not an IP address',
      'timeZone: "Mars/Olympus" is neither an IANA time zone (Europe/Stockholm) nor a UTC offset (UTC+01:00)',
      'engine.natTPort: must differ from engine.ikePort (500)',
      'engine.snoop.peer: "somewhere" is not an address or address:port (10.0.0.1, 10.0.0.1:500, [2001:db8::1]:500)',
    ]);
  });

  it('accepts IANA zones and UTC offsets', () => {
    for (const timeZone of ['Europe/Stockholm', 'UTC', 'UTC+01:00', '-0530']) {
      expect(validateConfig(config({ timeZone })).ok).toBe(true);
    }
  });

  it('canonicalises addresses', () => {
    const result = validateConfig(
      config({
        interfaces: [{ name: 'ext', addresses: ['2001:DB8:0:0::1/64'] }, { name: 'core', addresses: ['192.168.10.1/24'] }, { name: 'mgm', addresses: ['10.255.0.1/24'] }],
        tunnels: [
          tunnel({
            name: 'vpn_tunnel',
            localEndpoint: '2001:DB8::1',
            remoteEndpoint: '2001:db8:0:0:0:0:0:2',
            localNetworks: ['2001:db8:10::/48'],
            remoteNetworks: ['2001:db8:20:0::/48'],
          }),
        ],
      }),
    );
    expect(errorsOf(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.config.interfaces[0]?.addresses).toEqual(['2001:db8::1/64']);
    expect(result.config.tunnels[0]).toMatchObject({
      localEndpoint: '2001:db8::1',
      remoteEndpoint: '2001:db8::2',
      remoteNetworks: ['2001:db8:20::/48'],
      localId: { type: 'ipv6', value: '2001:db8::1' },
    });
  });

  it('refuses a leftover secret marker', () => {
    const result = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', auth: { method: 'psk', psk: { type: 'passphrase', value: { set: true } } } })] }));
    expect(errorsOf(result)).toEqual([
      'tunnels[0].auth.psk.value: secret marker { set: true } without a stored value to keep (new tunnel or renamed one?); send the value itself',
    ]);
  });

  it('refuses unsupported algorithms and warns about deprecated ones', () => {
    const result = validateConfig(config({ tunnels: [tunnel({ name: 'vpn_tunnel', ikeProposals: ['3des-md5-modp1024'], ipsecProposals: ['aes128-sha1'] })] }));
    expect(errorsOf(result)).toEqual([expect.stringMatching(/^tunnels\[0\]\.ikeProposals\[0\]: "3des-md5-modp1024": .* is not supported by this engine$/)]);
  });
});
