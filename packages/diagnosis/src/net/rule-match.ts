/**
 * The IP rule set as diagnosis reads it: which rule (first match, top to
 * bottom, as on the seed's firewall) a packet described by interfaces,
 * addresses and service would hit, and where a new Allow rule must go so
 * no Drop/Reject above it shadows it. Pure reading of the config; the data
 * plane remains the authority on what really happened (its drop events
 * name the rule).
 *
 *   packet { sourceInterface, source, destinationInterface, destination, protocol, port }
 *     -> firstMatchingRule(config, packet)   index of the rule, or -1 (no rule: dropped)
 *     -> insertionPointFor(config, packet)    the first Drop/Reject that matches it (or null)
 */
import { PREDEFINED_SERVICES, type GatewayConfig, type IpRule } from '@tunnelscope/api';
import { parseIpAddress, parseNetwork, rangeContains, type IpRange } from './ip-networks.ts';
import { addressBookOf, resolveReferences, type AddressBook } from './tunnel-networks.ts';

export interface RulePacket {
  readonly sourceInterface: string;
  readonly source: string;
  readonly destinationInterface: string;
  readonly destination: string;
  /** icmp, udp, tcp, esp (any case). */
  readonly protocol: string;
  readonly destinationPort?: number;
}

interface ServiceSpec {
  readonly protocol: string;
  readonly ports: readonly string[];
}

/** A rule's service as protocol and ports: a configured or predefined name, or inline (icmp, all, udp/500, tcp/80-443). */
export function serviceSpec(config: Pick<GatewayConfig, 'services'>, service: string): ServiceSpec | undefined {
  const named = [...config.services, ...PREDEFINED_SERVICES].find((s) => s.name === service);
  if (named) return { protocol: named.protocol, ports: [...named.ports] };
  const text = service.trim().toLowerCase();
  if (text === 'all' || text === 'any') return { protocol: 'any', ports: [] };
  if (text === 'icmp' || text === 'esp') return { protocol: text, ports: [] };
  const inline = /^(tcp|udp)\/([0-9,-]+)$/.exec(text);
  if (inline) return { protocol: inline[1]!, ports: inline[2]!.split(',') };
  return undefined;
}

function portMatches(ports: readonly string[], port: number | undefined): boolean {
  if (ports.length === 0) return true;
  if (port === undefined) return false;
  return ports.some((text) => {
    const [low, high] = text.split('-').map(Number);
    return high === undefined ? port === low : port >= low! && port <= high;
  });
}

function serviceMatches(spec: ServiceSpec | undefined, packet: RulePacket): boolean {
  if (!spec) return false;
  const protocol = packet.protocol.toLowerCase();
  if (spec.protocol === 'any') return true;
  if (spec.protocol !== protocol) return false;
  return protocol === 'tcp' || protocol === 'udp' ? portMatches(spec.ports, packet.destinationPort) : true;
}

function addressIn(address: string, ranges: readonly IpRange[]): boolean {
  // A bare address parses as its host network (/32 or /128).
  const host = parseIpAddress(address) ? parseNetwork(address)?.range : undefined;
  return host !== undefined && ranges.some((range) => rangeContains(range, host));
}

function interfaceMatches(ruleInterface: string, packetInterface: string): boolean {
  return ruleInterface === 'any' || ruleInterface === packetInterface;
}

export function ruleMatches(config: GatewayConfig, book: AddressBook, rule: IpRule, packet: RulePacket): boolean {
  return (
    interfaceMatches(rule.sourceInterface, packet.sourceInterface) &&
    interfaceMatches(rule.destinationInterface, packet.destinationInterface) &&
    addressIn(packet.source, resolveReferences([rule.sourceNetwork], book)) &&
    addressIn(packet.destination, resolveReferences([rule.destinationNetwork], book)) &&
    serviceMatches(serviceSpec(config, rule.service), packet)
  );
}

/** Index of the first rule the packet matches (the rule set is ordered, first match wins); -1: none (dropped). */
export function firstMatchingRule(config: GatewayConfig, packet: RulePacket): number {
  const book = addressBookOf(config);
  return config.ipRules.findIndex((rule) => ruleMatches(config, book, rule, packet));
}

/**
 * Where an Allow rule for `packet` must be inserted: before the first
 * Drop/Reject rule that matches the packet (it would shadow the new rule).
 * Returns that rule's index, or null when nothing above the end blocks it.
 */
export function insertionPointFor(config: GatewayConfig, packet: RulePacket): number | null {
  const book = addressBookOf(config);
  const index = config.ipRules.findIndex((rule) => rule.action !== 'Allow' && ruleMatches(config, book, rule, packet));
  return index < 0 ? null : index;
}
