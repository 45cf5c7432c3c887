/**
 * Test fixtures for the data plane: configs built through the real config
 * validator, packet builders, and a TunnelPort fake that records what it
 * is asked to seal and can hand it to a second DataPlane (two gateways in
 * memory), refusing packets whose addresses its selectors do not cover.
 */
import type { DataPlaneEvent, GatewayConfig, GatewayConfigInput } from '@tunnelscope/api';
import { validateConfig } from '../../config/validate-config.ts';
import type { TunnelPort, TunnelSendResult } from '../contract.ts';
import type { DataPlane } from '../data-plane.ts';
import { networkContains, parseIpv4, parseIpv4Network } from '../ipv4-address.ts';
import { ICMP_TYPE, IP_PROTOCOL, decodeIpv4Packet, encodeIcmp, encodeIpv4Packet, encodeTcp, encodeUdp } from '../ipv4-packet.ts';

export function buildConfig(input: GatewayConfigInput): GatewayConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(`fixture config invalid: ${JSON.stringify(result.errors)}`);
  return result.config;
}

const ip = (text: string): number => {
  const value = parseIpv4(text);
  if (value === undefined) throw new Error(`bad address ${text}`);
  return value;
};

export function echoRequest(source: string, destination: string, identifier: number, sequence: number, ttl = 64): Uint8Array {
  const icmp = encodeIcmp({ type: ICMP_TYPE.echoRequest, code: 0, identifier, sequence, data: new Uint8Array(16) });
  return encodeIpv4Packet({ protocol: IP_PROTOCOL.icmp, source: ip(source), destination: ip(destination), ttl }, icmp);
}

export function udpPacket(source: string, sourcePort: number, destination: string, destinationPort: number, data = new Uint8Array(8)): Uint8Array {
  const udp = encodeUdp({ sourcePort, destinationPort, data }, ip(source), ip(destination));
  return encodeIpv4Packet({ protocol: IP_PROTOCOL.udp, source: ip(source), destination: ip(destination) }, udp);
}

export function tcpPacket(source: string, sourcePort: number, destination: string, destinationPort: number, flags: number): Uint8Array {
  const tcp = encodeTcp({ sourcePort, destinationPort, sequence: 1, acknowledgment: 0, flags, window: 65535, data: new Uint8Array(0) }, ip(source), ip(destination));
  return encodeIpv4Packet({ protocol: IP_PROTOCOL.tcp, source: ip(source), destination: ip(destination) }, tcp);
}

export interface FakeTunnelOptions {
  /** Local and remote selector networks per tunnel; packets outside them get ts_mismatch. */
  selectors?: Record<string, { local: string[]; remote: string[] }>;
  /** Tunnels without an SA (send returns no_sa). */
  down?: string[];
}

/** Records sealed packets; `peer` (set later) receives them as if decrypted on the other gateway. */
export class FakeTunnelPort implements TunnelPort {
  readonly sent: { tunnel: string; packet: Uint8Array }[] = [];
  peer: { dataPlane: DataPlane; tunnel: string } | undefined;
  private spi = 0x1000;

  constructor(private readonly options: FakeTunnelOptions = {}) {}

  send(tunnel: string, packet: Uint8Array): TunnelSendResult {
    if (this.options.down?.includes(tunnel)) return { ok: false, reason: 'no_sa', detail: 'the IKE SA is not established' };
    const selectors = this.options.selectors?.[tunnel];
    if (selectors !== undefined) {
      const header = decodeIpv4Packet(packet);
      const inside = (list: string[], address: number) => list.some((text) => {
        const network = parseIpv4Network(text);
        return network !== undefined && networkContains(network, address);
      });
      if (!inside(selectors.local, header.source) || !inside(selectors.remote, header.destination)) {
        return { ok: false, reason: 'ts_mismatch', detail: `no CHILD_SA of ${tunnel} covers the packet's addresses` };
      }
    }
    this.sent.push({ tunnel, packet });
    const peer = this.peer;
    if (peer !== undefined) peer.dataPlane.receiveFromTunnel(peer.tunnel, `child-of-${tunnel}`, packet);
    return { ok: true, childSaId: `child-of-${tunnel}`, spi: this.spi, bytes: packet.length };
  }
}

export function collectEvents(dataPlane: DataPlane): DataPlaneEvent[] {
  const events: DataPlaneEvent[] = [];
  dataPlane.subscribe((event) => events.push(event));
  return events;
}

/** The seed's gateway (13.6.3): ext, int, mgm, gtp-1, tunnel ipsec-1, hosts answering on gtp-1, int and mgm. */
export function seedGatewayInput(): GatewayConfigInput {
  return {
    interfaces: [
      { name: 'ext', addresses: ['53.0.0.1/24'] },
      { name: 'int', addresses: ['53.10.0.2/24'] },
      { name: 'mgm', addresses: ['172.22.53.101/24'] },
      { name: 'gtp-1', addresses: ['192.200.0.2/24'] },
    ],
    hosts: [
      { name: 'gtp-host', interface: 'gtp-1', address: '192.200.0.1', services: ['icmp', 'udp'] },
      { name: 'gtp-peer', interface: 'int', address: '53.10.0.1', services: ['icmp', 'udp'] },
      { name: 'syslog', interface: 'mgm', address: '172.22.53.1', services: ['icmp', 'udp'] },
    ],
    ipRules: [{ action: 'Allow', sourceInterface: 'ipsec-1', sourceNetwork: 'all-nets-ip4', destinationInterface: 'gtp-1', destinationNetwork: 'all-nets-ip4', service: 'ICMP' }],
    tunnels: [
      {
        name: 'ipsec-1',
        localNetworks: ['192.200.0.0/24'],
        remoteNetworks: ['192.100.1.0/24'],
        localEndpoint: '53.0.0.1',
        remoteEndpoint: '53.0.1.2',
        ikeProposals: ['aes128-sha256-modp2048'],
        ipsecProposals: ['aes128-sha256'],
        auth: { method: 'psk', psk: { type: 'passphrase', value: 'fixture-only-psk' } },
      },
    ],
  };
}
