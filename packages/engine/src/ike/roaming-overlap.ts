/**
 * Seed 13.6.1, "duplication of IP addresses": a roaming client whose own
 * local address (say, from an airport Wi-Fi) lies inside a network it
 * reaches through the tunnel keeps that network's traffic on its local link.
 * The fix on a Windows client is a host route for the server into the
 * tunnel, through the address the pool assigned:
 *
 *     route add <server> mask 255.255.255.255 <assigned address>
 *
 * Flow (gateway side, after IKE_AUTH verified):
 *
 *   client's own addresses
 *     IKE source address   if NAT-D said the client's side is not translated
 *     + ADDITIONAL_IP4_ADDRESS notifies (RFC 4555 §3.4) it sent
 *     none of them         -> cannot_verify, with the reason (NAT, or no NAT-D)
 *   each address inside one of the tunnel's local networks (the most specific;
 *   0.0.0.0/0 is not a duplication and is not checked)
 *     -> overlap: server = first simulated host (config.hosts) in that network
 *        that is not the client's address, else the gateway's own interface
 *        address in it (the seed's ping target for roaming clients);
 *        route command when a server and an assigned address are known
 *     -> otherwise no_overlap
 *
 * Everything in the verdict comes from observed addresses and the config;
 * `checkRoamingOverlap` is pure, `reportRoamingOverlap` reads the SA and
 * emits `roaming.address.overlap`.
 */
import type { RoamingOverlapEvent, SimulatedHost } from '@tunnelscope/api';
import { NotifyType, PayloadType, decodeMessage } from '@tunnelscope/ike';
import { formatNetwork, networkContainsAddress, parseCidr, parseIpAddress, type IpNetwork } from '../config/ip-address.ts';
import type { IkeDaemonCore } from './daemon-core.ts';
import type { IkeSa } from './ike-sa.ts';
import { tunnelNetworksOf } from './tunnel-profile.ts';

/** What NAT detection (RFC 7296 §2.23) said about the client's side. */
export type ClientNatState = 'not_translated' | 'translated' | 'no_nat_detection';

export interface OverlapInput {
  tunnel: string;
  /** The networks behind the gateway that the client reaches through the tunnel. */
  networks: readonly IpNetwork[];
  /** Source address of the client's IKE packets as we received them. */
  ikeSource: string;
  nat: ClientNatState;
  /** Addresses from the client's ADDITIONAL_IP4_ADDRESS notifies. */
  additionalAddresses: readonly string[];
  /** The tunnel address the pool gave the client, if any. */
  assignedAddress?: string;
  hosts: readonly Pick<SimulatedHost, 'name' | 'address'>[];
  /** The gateway's interface addresses with prefix ("192.168.10.1/24"). */
  interfaceAddresses: readonly string[];
}

export type OverlapVerdict = Omit<RoamingOverlapEvent, 'type' | 'time' | 'ikeSaId' | 'tunnel'>;

/** The Windows command of seed 13.6.1, for these addresses. */
export function windowsHostRoute(server: string, assignedAddress: string): string {
  return `route add ${server} mask 255.255.255.255 ${assignedAddress}`;
}

interface Candidate {
  address: string;
  source: 'ike_source' | 'additional_ip4_address';
}

const SOURCE_TEXT: Record<Candidate['source'], string> = {
  ike_source: 'its IKE source address (NAT-D: not translated)',
  additional_ip4_address: 'its ADDITIONAL_IP4_ADDRESS notify',
};

function mostSpecificContaining(networks: readonly IpNetwork[], text: string): IpNetwork | undefined {
  const address = parseIpAddress(text);
  if (!address) return undefined;
  let best: IpNetwork | undefined;
  for (const network of networks) {
    if (network.prefixLength === 0 || !networkContainsAddress(network, address)) continue;
    if (!best || network.prefixLength > best.prefixLength) best = network;
  }
  return best;
}

/** The address a client behind the duplicated network would fail to reach. */
function serverIn(network: IpNetwork, clientAddress: string, input: OverlapInput): { address: string; what: string } | undefined {
  for (const host of input.hosts) {
    const address = parseIpAddress(host.address);
    if (address && host.address !== clientAddress && networkContainsAddress(network, address)) return { address: host.address, what: `host "${host.name}"` };
  }
  for (const text of input.interfaceAddresses) {
    const parsed = parseCidr(text);
    if (!parsed || parsed.writtenAddress.family !== 4 || !networkContainsAddress(network, parsed.writtenAddress)) continue;
    const address = text.split('/')[0]!;
    if (address !== clientAddress) return { address, what: 'the gateway\'s interface address' };
  }
  return undefined;
}

export function checkRoamingOverlap(input: OverlapInput): OverlapVerdict {
  const candidates: Candidate[] = [];
  if (input.nat === 'not_translated') candidates.push({ address: input.ikeSource, source: 'ike_source' });
  for (const address of input.additionalAddresses) {
    if (!candidates.some((c) => c.address === address)) candidates.push({ address, source: 'additional_ip4_address' });
  }
  const assigned = input.assignedAddress !== undefined ? { assignedAddress: input.assignedAddress } : {};
  if (candidates.length === 0) {
    const why =
      input.nat === 'translated'
        ? `the client is behind a NAT (NAT-D: its address was translated; we see ${input.ikeSource}) and sent no ADDITIONAL_IP4_ADDRESS notifies`
        : `the client sent no NAT detection notifies, so ${input.ikeSource} may not be its own address, and it sent no ADDITIONAL_IP4_ADDRESS notifies`;
    return { verdict: 'cannot_verify', addressSource: 'none', ...assigned, message: `address duplication (13.6.1) cannot be verified for "${input.tunnel}": ${why}; its local address is unknown` };
  }
  const specific = input.networks.filter((n) => n.prefixLength > 0);
  if (specific.length === 0) {
    const first = candidates[0]!;
    return {
      verdict: 'cannot_verify',
      clientLocalAddress: first.address,
      addressSource: first.source,
      ...assigned,
      message: `address duplication (13.6.1) cannot be verified for "${input.tunnel}": its local networks are all-nets, so no specific network to compare the client's ${first.address} with`,
    };
  }
  for (const candidate of candidates) {
    const network = mostSpecificContaining(specific, candidate.address);
    if (!network) continue;
    const server = serverIn(network, candidate.address, input);
    const route = server && input.assignedAddress !== undefined ? windowsHostRoute(server.address, input.assignedAddress) : undefined;
    const fix = route
      ? `; on the client: ${route} (${server!.what} ${server!.address} through the tunnel address ${input.assignedAddress})`
      : server
        ? `; the client got no tunnel address from a pool, so no route command can be computed (route ${server.address} into the tunnel)`
        : `; no simulated host or interface address of ours lies in ${formatNetwork(network)}: add a host route into the tunnel for each server the client needs`;
    return {
      verdict: 'overlap',
      clientLocalAddress: candidate.address,
      addressSource: candidate.source,
      remoteNetwork: formatNetwork(network),
      ...assigned,
      ...(server ? { server: server.address } : {}),
      ...(route ? { routeCommand: route } : {}),
      message: `roaming client address ${candidate.address} (from ${SOURCE_TEXT[candidate.source]}) lies inside ${formatNetwork(network)}, which it reaches through "${input.tunnel}": the client sends that traffic to its local network instead of the tunnel (seed 13.6.1)${fix}`,
    };
  }
  const first = candidates[0]!;
  return {
    verdict: 'no_overlap',
    clientLocalAddress: first.address,
    addressSource: first.source,
    ...assigned,
    message: `verified: the client's address${candidates.length > 1 ? 'es' : ''} ${candidates.map((c) => c.address).join(', ')} lie${candidates.length > 1 ? '' : 's'} outside the networks of "${input.tunnel}" (${specific.map(formatNetwork).join(', ')})`,
  };
}

/** NAT detection for the client's side, from the IKE_SA_INIT request we kept. */
export function clientNatState(sa: IkeSa): ClientNatState {
  if (sa.nat.remote) return 'translated';
  const request = sa.role === 'responder' ? sa.initRequest : undefined;
  if (!request) return 'no_nat_detection';
  try {
    const present = decodeMessage(request).payloads.some((p) => p.type === PayloadType.NOTIFY && p.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP);
    return present ? 'not_translated' : 'no_nat_detection';
  } catch {
    return 'no_nat_detection';
  }
}

/** Runs the check for an IKE SA that just authenticated and emits `roaming.address.overlap`. */
export function reportRoamingOverlap(core: IkeDaemonCore, sa: IkeSa, additionalAddresses: readonly string[]): RoamingOverlapEvent | undefined {
  const tunnel = sa.tunnel;
  if (!tunnel) return undefined;
  const verdict = checkRoamingOverlap({
    tunnel: tunnel.name,
    networks: tunnelNetworksOf(core.config, tunnel).local,
    ikeSource: sa.remote.address,
    nat: clientNatState(sa),
    additionalAddresses,
    ...(sa.virtualIp !== undefined ? { assignedAddress: sa.virtualIp } : {}),
    hosts: core.config.hosts ?? [],
    interfaceAddresses: core.config.interfaces.flatMap((entry) => entry.addresses),
  });
  const event: RoamingOverlapEvent = { type: 'roaming.address.overlap', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, ...verdict };
  core.emit(event);
  return event;
}
