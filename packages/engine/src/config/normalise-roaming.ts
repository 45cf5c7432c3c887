/**
 * The roaming-client fields of a tunnel (IKEv2 configuration payloads):
 *
 *   gateway side  addressPool        address book name or CIDR, IPv4, inside
 *                                    remoteNetworks (the client's CHILD_SA is
 *                                    its leased /32, judged by the tunnel's policy)
 *                 clientDnsServers   IPv4 addresses sent as INTERNAL_IP4_DNS
 *   client side   requestVirtualIp   ask for an address (needs a remote endpoint)
 *                 additionalAddresses IPv4 addresses for N(ADDITIONAL_IP4_ADDRESS)
 *
 * Each field is normalised (trimmed, canonical addresses) and omitted when
 * empty, so configs without them keep their exact shape; problems are
 * reported against the field's JSON path.
 */
import { childPath, type TunnelConfig, type TunnelInput } from '@tunnelscope/api';
import { describeBadAddress, type ConfigIssueCollector } from './config-issues.ts';
import { formatIpAddress, formatNetwork, networkToRange, parseIpAddress, type IpNetwork } from './ip-address.ts';
import { normaliseNetworkReference, resolveNetworkReference, type AddressBookIndex } from './network-references.ts';

export type RoamingFields = Pick<TunnelConfig, 'addressPool' | 'clientDnsServers' | 'requestVirtualIp' | 'additionalAddresses'>;

function insideAny(network: IpNetwork, outer: readonly IpNetwork[]): boolean {
  const range = networkToRange(network);
  return outer.some((candidate) => {
    const other = networkToRange(candidate);
    return other.family === range.family && other.start <= range.start && range.end <= other.end;
  });
}

function ipv4List(values: readonly string[] | undefined, path: string, issues: ConfigIssueCollector): string[] {
  const out: string[] = [];
  (values ?? []).forEach((text, index) => {
    const trimmed = text.trim();
    const address = parseIpAddress(trimmed);
    if (address === undefined) issues.error(childPath(path, index), describeBadAddress(trimmed));
    else if (address.family !== 4) issues.error(childPath(path, index), `"${trimmed}" is IPv6; configuration payloads here carry IPv4 (INTERNAL_IP4_*) only`);
    else out.push(formatIpAddress(address));
  });
  return out;
}

export function normaliseRoamingFields(
  input: TunnelInput,
  path: string,
  context: { addressBook: AddressBookIndex; issues: ConfigIssueCollector; remoteNetworks: readonly IpNetwork[]; roaming: boolean },
): RoamingFields {
  const { issues, addressBook } = context;
  const at = (key: string) => childPath(path, key);
  const fields: RoamingFields = {};

  const poolText = (input.addressPool ?? '').trim();
  if (poolText !== '') {
    const reference = normaliseNetworkReference(poolText, at('addressPool'), addressBook, issues);
    if (reference !== undefined) {
      fields.addressPool = reference;
      const networks = resolveNetworkReference(reference, addressBook);
      const v6 = networks.find((network) => network.family !== 4);
      if (v6) issues.error(at('addressPool'), `${formatNetwork(v6)} is IPv6; address pools hand out IPv4 addresses (INTERNAL_IP4_ADDRESS) only`);
      const outside = networks.filter((network) => network.family === 4 && context.remoteNetworks.length > 0 && !insideAny(network, context.remoteNetworks));
      if (outside.length > 0) {
        issues.error(
          at('addressPool'),
          `${outside.map(formatNetwork).join(', ')} is not inside remoteNetworks: a client's CHILD_SA is for its pool address, which the tunnel would refuse (TS_UNACCEPTABLE)`,
        );
      }
      if (!context.roaming) issues.warn(at('addressPool'), 'address pools serve roaming clients; this tunnel has a fixed remote endpoint');
    }
  }

  const dns = ipv4List(input.clientDnsServers, at('clientDnsServers'), issues);
  if (dns.length > 0) {
    fields.clientDnsServers = dns;
    if (fields.addressPool === undefined && poolText === '') issues.warn(at('clientDnsServers'), 'sent to clients only in a CFG_REPLY: set addressPool too');
  }

  if (input.requestVirtualIp === true) {
    fields.requestVirtualIp = true;
    if (context.roaming) issues.error(at('requestVirtualIp'), 'a client asks for an address when it initiates: set remoteEndpoint to the gateway address');
    if (poolText !== '') issues.error(at('requestVirtualIp'), 'a tunnel either asks for an address (client) or hands them out (addressPool), not both');
  }

  const additional = ipv4List(input.additionalAddresses, at('additionalAddresses'), issues);
  if (additional.length > 0) fields.additionalAddresses = additional;
  return fields;
}
