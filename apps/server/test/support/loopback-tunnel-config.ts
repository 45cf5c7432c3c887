/**
 * Config for one side of a real two-engine test on loopback UDP: one PSK
 * tunnel "ab" between `local` and `remote`, AES-GCM/X25519, on the given IKE
 * ports. Each test file picks its own addresses, ports and PSK so files can
 * run in parallel.
 */
export interface LoopbackPair {
  ikePort: number;
  natTPort: number;
  psk: string;
}

export function loopbackTunnelConfig(
  pair: LoopbackPair,
  local: string,
  remote: string,
  localNets: string[],
  remoteNets: string[],
): Record<string, unknown> {
  return {
    timeZone: 'UTC',
    tunnels: [
      {
        name: 'ab',
        localEndpoint: local,
        remoteEndpoint: remote,
        localNetworks: localNets,
        remoteNetworks: remoteNets,
        ikeProposals: ['aes128gcm16-prfsha256-x25519'],
        ipsecProposals: ['aes128gcm16'],
        localId: { type: 'ipv4', value: local },
        remoteId: { type: 'ipv4', value: remote },
        auth: { method: 'psk', psk: { type: 'passphrase', value: pair.psk } },
      },
    ],
    engine: { ikePort: pair.ikePort, natTPort: pair.natTPort },
  };
}
