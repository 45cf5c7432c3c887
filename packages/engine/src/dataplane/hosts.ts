/**
 * Simulated hosts behind the gateway (`config.hosts`): endpoints on an
 * interface's network that answer ICMP echo and echo UDP datagrams back.
 * A host's answer is a real IPv4 packet the data plane receives on the
 * host's interface, so replies go through flows, rules, routes and
 * tunnels like any other traffic.
 */
import type { SimulatedHost } from '@tunnelscope/api';
import { parseIpv4 } from './ipv4-address.ts';
import { ICMP_TYPE, IP_PROTOCOL, encodeIcmp, encodeIpv4Packet, encodeUdp, type PacketSummary } from './ipv4-packet.ts';

export interface HostEntry {
  readonly name: string;
  readonly interface: string;
  readonly address: number;
  readonly answersIcmp: boolean;
  readonly answersUdp: boolean;
}

export const HOST_TTL = 64;

export class SimulatedHosts {
  private readonly byAddress = new Map<number, HostEntry>();

  constructor(hosts: readonly SimulatedHost[]) {
    for (const host of hosts) {
      const address = parseIpv4(host.address);
      if (address === undefined) continue;
      const services = host.services ?? ['icmp', 'udp'];
      this.byAddress.set(address, {
        name: host.name,
        interface: host.interface,
        address,
        answersIcmp: services.includes('icmp'),
        answersUdp: services.includes('udp'),
      });
    }
  }

  /** The host with this address on this interface. */
  find(interfaceName: string, address: number): HostEntry | undefined {
    const host = this.byAddress.get(address);
    return host !== undefined && host.interface === interfaceName ? host : undefined;
  }

  /** Any host with this address (for ping sources). */
  byAddressAnywhere(address: number): HostEntry | undefined {
    return this.byAddress.get(address);
  }

  /** The host's answer to a packet addressed to it, or undefined (no answer). */
  answer(host: HostEntry, packet: PacketSummary, identification: number): Uint8Array | undefined {
    const { ip } = packet;
    if (packet.icmp !== undefined && packet.icmp.type === ICMP_TYPE.echoRequest && host.answersIcmp) {
      const reply = encodeIcmp({ type: ICMP_TYPE.echoReply, code: 0, identifier: packet.icmp.identifier, sequence: packet.icmp.sequence, data: packet.icmp.data });
      return encodeIpv4Packet({ protocol: IP_PROTOCOL.icmp, source: host.address, destination: ip.source, ttl: HOST_TTL, identification }, reply);
    }
    if (packet.udp !== undefined && host.answersUdp) {
      const reply = encodeUdp({ sourcePort: packet.udp.destinationPort, destinationPort: packet.udp.sourcePort, data: packet.udp.data }, host.address, ip.source);
      return encodeIpv4Packet({ protocol: IP_PROTOCOL.udp, source: host.address, destination: ip.source, ttl: HOST_TTL, identification }, reply);
    }
    return undefined;
  }
}
