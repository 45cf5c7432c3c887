/**
 * The IP rule set: ordered, first match wins; no match is the default drop
 * (`no_matching_rule`), reported with the rule that would have allowed the
 * packet (seed 13.6.1: without `Allow vpn_tunnel all-nets-ip4 core
 * all-nets-ip4 ICMP` the gateway does not answer a ping through the tunnel).
 *
 * A rule matches on source/destination interface ("any" or a name; the
 * gateway's own addresses are on `core`), source/destination network
 * (address book name, CIDR, all-nets-ip4) and service: a predefined name
 * (ICMP, all_services, http, https, ssh, dns, ike, syslog), a configured
 * service, or inline `icmp`, `esp`, `all`/`any`, `tcp`, `udp`, `udp/500`,
 * `tcp/80-443,8080` (as validate-config's checkInlineService accepts).
 * Ports are destination ports.
 */
import { ANY_INTERFACE, PREDEFINED_SERVICES, type GatewayConfig, type IpRule, type RuleAction } from '@tunnelscope/api';
import { IP_PROTOCOL, protocolName } from './ipv4-packet.ts';
import type { Ipv4Network } from './ipv4-address.ts';
import { resolveIpv4Networks } from './routing-table.ts';

/** -1 = any protocol. */
export interface ServiceMatcher {
  readonly protocol: number;
  /** Inclusive destination port ranges; empty = every port. */
  readonly ports: readonly (readonly [number, number])[];
}

export interface CompiledRule {
  readonly position: number;
  readonly rule: IpRule;
  /** The rule's name, or "#<position>" when it has none. */
  readonly label: string;
  /** "Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP" */
  readonly text: string;
  readonly sourceNetworks: readonly Ipv4Network[];
  readonly destinationNetworks: readonly Ipv4Network[];
  /** undefined: the service name is unknown, the rule never matches. */
  readonly service: ServiceMatcher | undefined;
}

export interface RuleQuery {
  readonly sourceInterface: string;
  readonly destinationInterface: string;
  readonly source: number;
  readonly destination: number;
  readonly protocol: number;
  /** TCP/UDP destination port. */
  readonly destinationPort: number;
}

export type RuleDecision =
  | { readonly action: RuleAction; readonly rule: CompiledRule }
  | { readonly action: 'Drop'; readonly rule: undefined; readonly message: string };

const PROTOCOL_BY_NAME: Readonly<Record<string, number>> = {
  any: -1,
  all: -1,
  icmp: IP_PROTOCOL.icmp,
  tcp: IP_PROTOCOL.tcp,
  udp: IP_PROTOCOL.udp,
  esp: IP_PROTOCOL.esp,
};

function parsePorts(texts: readonly string[]): [number, number][] | undefined {
  const ranges: [number, number][] = [];
  for (const text of texts) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
    if (match === null) return undefined;
    const low = Number(match[1]);
    ranges.push([low, match[2] === undefined ? low : Number(match[2])]);
  }
  return ranges;
}

/** A service name or inline service -> matcher; undefined if unknown. */
export function compileService(name: string, services: GatewayConfig['services']): ServiceMatcher | undefined {
  const named = [...PREDEFINED_SERVICES, ...services].find((service) => service.name === name);
  if (named !== undefined) {
    const protocol = PROTOCOL_BY_NAME[named.protocol];
    const ports = parsePorts(named.ports);
    return protocol === undefined || ports === undefined ? undefined : { protocol, ports };
  }
  const lower = name.toLowerCase();
  const bare = PROTOCOL_BY_NAME[lower];
  if (bare !== undefined) return { protocol: bare, ports: [] };
  const inline = /^(tcp|udp)\/(.+)$/.exec(lower);
  if (inline === null) return undefined;
  const ports = parsePorts((inline[2] ?? '').split(','));
  const protocol = PROTOCOL_BY_NAME[inline[1] ?? ''];
  return ports === undefined || protocol === undefined ? undefined : { protocol, ports };
}

function serviceMatches(service: ServiceMatcher, protocol: number, port: number): boolean {
  if (service.protocol !== -1 && service.protocol !== protocol) return false;
  if (service.ports.length === 0) return true;
  if (protocol !== IP_PROTOCOL.tcp && protocol !== IP_PROTOCOL.udp) return false;
  return service.ports.some(([low, high]) => port >= low && port <= high);
}

function inNetworks(networks: readonly Ipv4Network[], address: number): boolean {
  for (const network of networks) if (((address & network.mask) >>> 0) === network.address) return true;
  return false;
}

export function ruleText(rule: IpRule): string {
  return `${rule.action} ${rule.sourceInterface} ${rule.sourceNetwork} ${rule.destinationInterface} ${rule.destinationNetwork} ${rule.service}`;
}

/** How an operator would write the service of this packet in a rule. */
export function serviceWord(protocol: number, destinationPort: number): string {
  if (protocol === IP_PROTOCOL.icmp) return 'ICMP';
  if (protocol === IP_PROTOCOL.tcp || protocol === IP_PROTOCOL.udp) return `${protocolName(protocol).toLowerCase()}/${destinationPort}`;
  if (protocol === IP_PROTOCOL.esp) return 'esp';
  return 'all_services';
}

export class RuleSet {
  readonly rules: readonly CompiledRule[];

  constructor(config: Pick<GatewayConfig, 'ipRules' | 'addressBook' | 'services'>) {
    this.rules = config.ipRules.map((rule, index) => ({
      position: index + 1,
      rule,
      label: rule.name !== '' ? rule.name : `#${index + 1}`,
      text: ruleText(rule),
      sourceNetworks: resolveIpv4Networks(rule.sourceNetwork, config.addressBook),
      destinationNetworks: resolveIpv4Networks(rule.destinationNetwork, config.addressBook),
      service: compileService(rule.service, config.services),
    }));
  }

  /** First match; no match is the default drop with a message naming the missing rule. */
  evaluate(query: RuleQuery): RuleDecision {
    for (const compiled of this.rules) {
      const { rule } = compiled;
      if (rule.sourceInterface !== ANY_INTERFACE && rule.sourceInterface !== query.sourceInterface) continue;
      if (rule.destinationInterface !== ANY_INTERFACE && rule.destinationInterface !== query.destinationInterface) continue;
      if (compiled.service === undefined || !serviceMatches(compiled.service, query.protocol, query.destinationPort)) continue;
      if (!inNetworks(compiled.sourceNetworks, query.source)) continue;
      if (!inNetworks(compiled.destinationNetworks, query.destination)) continue;
      return { action: rule.action, rule: compiled };
    }
    return { action: 'Drop', rule: undefined, message: describeMissingRule(query) };
  }
}

/** "no rule allows ICMP from vpn_tunnel to core; the seed's rule `Allow ...` is missing" */
export function describeMissingRule(query: RuleQuery): string {
  const service = serviceWord(query.protocol, query.destinationPort);
  const rule = `Allow ${query.sourceInterface} all-nets-ip4 ${query.destinationInterface} all-nets-ip4 ${service}`;
  const seedCase = query.protocol === IP_PROTOCOL.icmp && query.destinationInterface === 'core';
  return seedCase
    ? `no rule allows ICMP from ${query.sourceInterface} to core; the seed's rule \`${rule}\` is missing (13.6.1: the gateway answers a ping only when a rule allows it)`
    : `no rule allows ${service} from ${query.sourceInterface} to ${query.destinationInterface}; a rule such as \`${rule}\` is missing (default drop)`;
}
