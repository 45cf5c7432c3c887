/**
 * A gateway config that makes the real engine negotiate with itself over
 * loopback UDP, so the specs see real IKEv2 traffic without the demo lab:
 *
 *   loop-a     127.0.0.1 <-> 127.0.0.2   loop-b       matching proposals: comes up
 *   mismatch-a 127.0.0.3 <-> 127.0.0.4   mismatch-b   disjoint proposals: NO_PROPOSAL_CHOSEN
 *
 * Each pair is two tunnels of the same engine on two loopback addresses;
 * the engine is initiator on one and responder on the other, exactly as it
 * would be against a remote peer.
 */
export interface LoopConfigOptions {
  ikePort: number;
  natTPort: number;
}

export function loopbackGatewayConfig({ ikePort, natTPort }: LoopConfigOptions): Record<string, unknown> {
  const psk = (value: string) => ({ method: 'psk', psk: { type: 'passphrase', value } });
  return {
    timeZone: 'UTC',
    interfaces: [
      { name: 'ext', addresses: ['127.0.0.1/8'] },
      { name: 'int', addresses: ['192.168.10.1/24'] },
    ],
    ipRules: [
      {
        name: 'ping-through-tunnel',
        action: 'Allow',
        sourceInterface: 'loop-b',
        sourceNetwork: 'all-nets-ip4',
        destinationInterface: 'core',
        destinationNetwork: 'all-nets-ip4',
        service: 'ICMP',
      },
    ],
    routes: [{ network: '10.10.10.0/24', interface: 'loop-a' }],
    engine: { ikePort, natTPort, snoop: { mode: 'brief', peer: '' } },
    tunnels: [
      {
        name: 'loop-a',
        localNetworks: ['192.168.10.0/24'],
        remoteNetworks: ['10.10.10.0/24'],
        localEndpoint: '127.0.0.1',
        remoteEndpoint: '127.0.0.2',
        auth: psk('e2e-loop-secret'),
        ikeProposals: ['aes128gcm16-prfsha256-x25519'],
        ipsecProposals: ['aes128gcm16'],
      },
      {
        name: 'loop-b',
        localNetworks: ['10.10.10.0/24'],
        remoteNetworks: ['192.168.10.0/24'],
        localEndpoint: '127.0.0.2',
        remoteEndpoint: '127.0.0.1',
        auth: psk('e2e-loop-secret'),
        ikeProposals: ['aes128gcm16-prfsha256-x25519'],
        ipsecProposals: ['aes128gcm16'],
      },
      {
        name: 'mismatch-a',
        localNetworks: ['192.168.20.0/24'],
        remoteNetworks: ['10.20.20.0/24'],
        localEndpoint: '127.0.0.3',
        remoteEndpoint: '127.0.0.4',
        auth: psk('e2e-mismatch-secret'),
        ikeProposals: ['aes256-sha256-modp2048'],
        ipsecProposals: ['aes256-sha256'],
      },
      {
        name: 'mismatch-b',
        localNetworks: ['10.20.20.0/24'],
        remoteNetworks: ['192.168.20.0/24'],
        localEndpoint: '127.0.0.4',
        remoteEndpoint: '127.0.0.3',
        auth: psk('e2e-mismatch-secret'),
        ikeProposals: ['aes128gcm16-prfsha256-x25519'],
        ipsecProposals: ['aes128gcm16'],
      },
    ],
  };
}
