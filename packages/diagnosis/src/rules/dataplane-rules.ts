/**
 * Data-plane findings (issue 8), from the data plane's own events:
 *
 *   icmp_rule_missing            dataplane.packet.dropped (no_matching_rule / rule_drop /
 *                                rule_reject) of ICMP from a tunnel to `core` — seed 13.6.1:
 *                                "Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP"
 *   management_route_via_tunnel  (see managementRouteRule) replies to a management host
 *                                routed into a tunnel by an all-nets route — seed 13.6.5
 *   keepalive_failing            dataplane.keepalive state failing or renegotiating (and not ok since)
 *   keepalive_renegotiated       keep-alive renegotiated the tunnel, and the probes are answered again
 *   esp_unknown_spi              dataplane.esp.error unknown_spi: the peer sends ESP for an
 *                                SA we no longer have — the one-sided tunnel of 13.6.6 #3
 *   roaming_address_overlap      roaming.address.overlap — 13.6.1, with the engine's route command
 *
 * Fixes are config patches: the ICMP rule goes above the first Drop/Reject
 * that would shadow it; the management route names the management
 * interface's own network.
 */
import type { GatewayConfig, IpRule, RouteConfig, TunnelConfig } from '@tunnelscope/api';
import type { IndexedOf } from '../events/event-index.ts';
import { parseNetwork, rangeContains, type IpRange } from '../net/ip-networks.ts';
import { firstMatchingRule, insertionPointFor, type RulePacket } from '../net/rule-match.ts';
import { coversAllNets, resolveReferences } from '../net/tunnel-networks.ts';
import { groupBy } from './evidence-fields.ts';
import { addIpRuleFix, addRouteFix, enableDpdFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

const RULE_DROP_CODES = ['no_matching_rule', 'rule_drop', 'rule_reject'];

function isIcmp(protocol: string): boolean {
  return protocol.toLowerCase() === 'icmp' || protocol === '1';
}

/** The seed's rule for one tunnel: Allow <tunnel> all-nets-ip4 core all-nets-ip4 ICMP. */
export function seedIcmpRule(tunnel: string): IpRule {
  return {
    name: `ping-through-${tunnel}`,
    action: 'Allow',
    sourceInterface: tunnel,
    sourceNetwork: 'all-nets-ip4',
    destinationInterface: 'core',
    destinationNetwork: 'all-nets-ip4',
    service: 'ICMP',
  };
}

/** Where the seed's ICMP rule goes for a ping from `tunnel` to `destination` on core: the fix, or undefined when one already lets it through. */
export function icmpRuleFixFor(config: GatewayConfig, tunnel: string, source: string, destination: string) {
  const packet: RulePacket = { sourceInterface: tunnel, source, destinationInterface: 'core', destination, protocol: 'icmp' };
  const matching = firstMatchingRule(config, packet);
  if (matching >= 0 && config.ipRules[matching]!.action === 'Allow') return undefined;
  const rule = seedIcmpRule(tunnel);
  const taken = new Set(config.ipRules.map((r) => r.name));
  const name = taken.has(rule.name) ? `${rule.name}-${config.ipRules.length}` : rule.name;
  const blocker = insertionPointFor(config, packet);
  const position = blocker ?? config.ipRules.length;
  return addIpRuleFix({ ...rule, name }, position, blocker === null ? null : config.ipRules[blocker]!.name, 'seed 13.6.1: lets the gateway answer pings through the tunnel');
}

export const icmpRuleMissingRule: DiagnosisRule = {
  code: 'icmp_rule_missing',
  severity: 'error',
  basis: 'events',
  reads: { eventTypes: ['dataplane.packet.dropped'], config: ['ipRules', 'services'] },
  when: 'an ICMP packet from a tunnel to the gateway (core) was dropped by the rule set (no matching rule, or a Drop/Reject rule)',
  evaluate(ctx) {
    const drops = ctx.index
      .ofType('dataplane.packet.dropped')
      .filter((e) => RULE_DROP_CODES.includes(e.event.code) && isIcmp(e.event.protocol) && e.event.destinationInterface === 'core' && ctx.tunnel(e.event.sourceInterface) !== undefined);
    return [...groupBy(drops, (e) => e.event.sourceInterface).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const tunnelName = latest.event.sourceInterface;
      const tunnel = ctx.tunnel(tunnelName)!;
      const fix = icmpRuleFixFor(ctx.config, tunnelName, latest.event.source, latest.event.destination);
      const byRule = latest.event.code !== 'no_matching_rule' && latest.event.rule ? latest.event.rule : null;
      const ruleIndex = byRule ? ctx.config.ipRules.findIndex((r) => r.name === byRule) : -1;
      const cited = group.map((e) => e.id);
      return {
        tunnel: tunnelName,
        peer: tunnel.remoteEndpoint === 'none' ? null : tunnel.remoteEndpoint,
        phase: 'ipsec',
        side: 'local',
        score: fix ? 0.95 : 0.7,
        reasoning: [
          `${group.length} ICMP packet(s) from "${tunnelName}" to the gateway (core) were dropped: ${latest.event.message}`,
          byRule ? `rule "${byRule}" (ipRules[${ruleIndex}]) dropped them before any rule allowed ICMP` : 'no rule in the rule set matches them, so they are dropped',
          fix ? `the seed's rule (Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP) is missing for this tunnel: Allow ${tunnelName} all-nets-ip4 core all-nets-ip4 ICMP` : 'a rule now lets them through: the config changed since',
        ],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: byRule && ruleIndex >= 0 ? [`ipRules[${ruleIndex}]`] : ['ipRules'],
        explanation: `Use ICMP Ping to confirm that the tunnel is working: the ping through "${tunnelName}" (${latest.event.source} -> ${latest.event.destination}) arrives, but the gateway does not respond because ${
          byRule ? `rule "${byRule}" drops it` : 'no IP rule allows it'
        }. If the gateway is to respond to a ping then this rule must exist in the main IP rule set: Allow ${tunnelName} all-nets-ip4 core all-nets-ip4 ICMP. The tunnel itself is up: the packets were decrypted.`,
        fixSteps: [
          fix ? `${fix.summary} (machine fix below).` : 'A rule now allows it: ping again.',
          'Ping the gateway through the tunnel again: it answers.',
        ],
        fixes: fix ? [fix] : [],
        facts: { source: latest.event.source, destination: latest.event.destination, dropCode: latest.event.code, droppedBy: byRule },
      };
    });
  },
};

// ---------------------------------------------------------------------------------
// 13.6.5 management interface failure

interface ManagementNetwork {
  readonly interface: string;
  readonly network: string;
  readonly range: IpRange;
  /** The address book entry the network comes from (the fix's route names it). */
  readonly bookName?: string;
}

/** The directly connected networks of our non-tunnel interfaces (core excluded: it is the gateway itself). */
function interfaceNetworks(config: GatewayConfig): ManagementNetwork[] {
  const tunnels = new Set(config.tunnels.map((t) => t.name));
  return config.interfaces
    .filter((i) => !tunnels.has(i.name) && i.name !== 'core')
    .flatMap((i) =>
      i.addresses.flatMap((address) => {
        const parsed = parseNetwork(address);
        return parsed && parsed.prefixLength > 0 ? [{ interface: i.name, network: parsed.canonical, range: parsed.range }] : [];
      }),
    );
}

function hostRange(address: string): IpRange | undefined {
  return parseNetwork(address)?.range;
}

/** The most specific address book network (not all-nets) that contains `host`, with its entry's name. */
function bookNetworkContaining(config: GatewayConfig, host: IpRange): { name: string; network: string; range: IpRange } | undefined {
  let best: { name: string; network: string; range: IpRange; prefixLength: number } | undefined;
  for (const entry of config.addressBook) {
    for (const text of entry.networks) {
      const parsed = parseNetwork(text);
      if (!parsed || parsed.prefixLength === 0 || !rangeContains(parsed.range, host)) continue;
      if (!best || parsed.prefixLength > best.prefixLength) best = { name: entry.name, network: parsed.canonical, range: parsed.range, prefixLength: parsed.prefixLength };
    }
  }
  return best && { name: best.name, network: best.network, range: best.range };
}

/**
 * Where `address` lives: a directly connected interface network, or a
 * simulated host behind an interface (a network behind a router there): its
 * management NETWORK is the address book entry containing it, if any, else
 * the host itself (/32).
 */
function homeOf(config: GatewayConfig, address: string): ManagementNetwork | undefined {
  const host = hostRange(address);
  if (!host) return undefined;
  const connected = interfaceNetworks(config).find((n) => rangeContains(n.range, host));
  if (connected) return connected;
  const simulated = (config.hosts ?? []).find((h) => h.address === address && !config.tunnels.some((t) => t.name === h.interface));
  if (!simulated) return undefined;
  const book = bookNetworkContaining(config, host);
  return book ? { interface: simulated.interface, network: book.network, range: book.range, bookName: book.name } : { interface: simulated.interface, network: `${address}/32`, range: host };
}

/** Is there a route for `range` via its own interface that is more specific than all-nets? */
function specificRouteExists(ctx: RuleContext, home: ManagementNetwork): boolean {
  return ctx.config.routes.some((route) => route.interface === home.interface && !coversAllNets([route.network], ctx.book) && resolveReferences([route.network], ctx.book).some((r) => rangeContains(r, home.range)));
}

function allNetsTunnelRoutes(ctx: RuleContext): Array<{ index: number; route: RouteConfig }> {
  const tunnels = new Set(ctx.config.tunnels.map((t) => t.name));
  return ctx.config.routes.flatMap((route, index) => (tunnels.has(route.interface) && coversAllNets([route.network], ctx.book) ? [{ index, route }] : []));
}

/** An address book entry whose networks are exactly this network (the fix then names it). */
function bookNameFor(config: GatewayConfig, network: string): string {
  return config.addressBook.find((entry) => entry.networks.length === 1 && parseNetwork(entry.networks[0]!)?.canonical === network)?.name ?? network;
}

interface MisroutedReply {
  readonly id: number;
  readonly tunnel: string;
  readonly destination: string;
  readonly home: ManagementNetwork;
}

function misroutedReplies(ctx: RuleContext): MisroutedReply[] {
  const out: MisroutedReply[] = [];
  for (const drop of ctx.index.ofType('dataplane.packet.dropped')) {
    const tunnel = drop.event.destinationInterface ?? drop.event.tunnel;
    if (!tunnel || !ctx.tunnel(tunnel) || drop.event.sourceInterface === tunnel) continue;
    const home = homeOf(ctx.config, drop.event.destination);
    if (home) out.push({ id: drop.id, tunnel, destination: drop.event.destination, home });
  }
  for (const created of ctx.index.ofType('flow.created')) {
    const flow = created.event.flow;
    const replyInterface = flow.reverse.destination.interface;
    if (!ctx.tunnel(replyInterface) || ctx.tunnel(flow.source.interface)) continue;
    const home = homeOf(ctx.config, flow.source.address);
    if (home && home.interface === flow.source.interface) out.push({ id: created.id, tunnel: replyInterface, destination: flow.source.address, home });
  }
  return out.sort((a, b) => a.id - b.id);
}

/**
 * Seed 13.6.5: a route sends all-nets into a tunnel and no specific route
 * keeps the management network on its interface. From the config alone it
 * is a smell; drops or flows of replies to a management host going into the
 * tunnel show it happening (higher confidence, cited).
 */
export const managementRouteRule: DiagnosisRule = {
  code: 'management_route_via_tunnel',
  severity: 'warning',
  basis: 'config',
  reads: { config: ['routes[].network', 'routes[].interface', 'interfaces[]', 'hosts[]'], eventTypes: ['dataplane.packet.dropped', 'flow.created'] },
  when: 'a route sends all-nets into a tunnel and a management network has no specific route of its own (replies to it go into the tunnel)',
  evaluate(ctx) {
    const allNets = allNetsTunnelRoutes(ctx);
    if (allNets.length === 0) return [];
    const seen = misroutedReplies(ctx);
    const candidates = new Map<string, ManagementNetwork>();
    for (const reply of seen) candidates.set(`${reply.home.interface}|${reply.home.network}`, reply.home);
    for (const network of interfaceNetworks(ctx.config)) {
      if (network.interface === 'mgm' || /mgm|mgmt|manage/i.test(network.interface)) candidates.set(`${network.interface}|${network.network}`, network);
    }
    return [...candidates.values()].flatMap((home): FindingDraft[] => {
      if (specificRouteExists(ctx, home)) return [];
      const evidence = seen.filter((reply) => reply.home.interface === home.interface && reply.home.network === home.network);
      const tunnelName = evidence.at(-1)?.tunnel ?? allNets[0]!.route.interface;
      const route = allNets.find((r) => r.route.interface === tunnelName) ?? allNets[0]!;
      const network = home.bookName ?? bookNameFor(ctx.config, home.network);
      const fix = addRouteFix({ network, interface: home.interface, gateway: '', metric: 0 }, 'seed 13.6.5: management traffic leaves through the management interface');
      return [
        {
          tunnel: tunnelName,
          peer: null,
          phase: 'ipsec',
          side: 'local',
          score: evidence.length > 0 ? 0.93 : 0.6,
          reasoning: [
            `routes[${route.index}] sends ${route.route.network} through the tunnel "${route.route.interface}"`,
            `no route sends ${home.network} (behind "${home.interface}") out of "${home.interface}"`,
            evidence.length > 0
              ? `${evidence.length} packet(s) to ${[...new Set(evidence.map((e) => e.destination))].join(', ')} went to the tunnel instead (drops / flows cited)`
              : 'from the config alone: no management traffic seen yet',
          ],
          evidenceEventIds: evidence.map((e) => e.id),
          explains: evidence.map((e) => e.id),
          occurrences: evidence.length || undefined,
          configPaths: [`routes[${route.index}]`, 'routes'],
          explanation: `Management interface failure with VPN: a route in the main routing table sends all-nets-ip4 through the VPN tunnel "${route.route.interface}", and ${home.network} behind "${home.interface}" has no route of its own, so management traffic leaving the gateway is routed back through the VPN tunnel instead of the correct interface${
            evidence.length > 0 ? ` (seen: replies to ${[...new Set(evidence.map((e) => e.destination))].join(', ')})` : ''
          }. A specific route that sends the management sub-network out of "${home.interface}" is preferred over the all-nets route.`,
          fixSteps: [`${fix.summary} (machine fix below).`, `Then reach the gateway from ${home.network} again.`],
          fixes: [fix],
          facts: { route: route.index, managementInterface: home.interface, managementNetwork: home.network, seen: evidence.length },
          discriminator: `${home.interface}:${home.network}`,
        },
      ];
    });
  },
};

// ---------------------------------------------------------------------------------
// Keep-alive

function inside(ctx: RuleContext, address: string, networks: readonly string[]): boolean {
  const host = hostRange(address);
  return host !== undefined && resolveReferences(networks, ctx.book).some((r) => rangeContains(r, host));
}

export const keepaliveFailingRule: DiagnosisRule = {
  code: 'keepalive_failing',
  severity: 'error',
  basis: 'events',
  reads: { eventTypes: ['dataplane.keepalive', 'dataplane.packet.dropped'], config: ['tunnels[].keepAlive', 'tunnels[].localNetworks', 'tunnels[].remoteNetworks'] },
  when: 'the keep-alive probes of a tunnel get no reply (its last state is failing, or renegotiating without an answer since)',
  evaluate(ctx) {
    return [...groupBy(ctx.index.ofType('dataplane.keepalive'), (e) => e.event.tunnel).values()].flatMap((group): FindingDraft[] => {
      const latest = group[group.length - 1]!;
      if (latest.event.state === 'ok') return [];
      const tunnel = ctx.tunnel(latest.event.tunnel);
      const since = group.filter((e) => e.event.state !== 'ok' && !group.some((ok) => ok.event.state === 'ok' && ok.id > e.id));
      const renegotiated = since.filter((e) => e.event.state === 'renegotiating');
      const first = since[0] ?? latest;
      const drops = ctx.index
        .ofType('dataplane.packet.dropped')
        .filter((d) => d.id >= first.id && d.event.source === latest.event.source && d.event.destination === latest.event.destination && isIcmp(d.event.protocol));
      const sourceOk = tunnel ? inside(ctx, latest.event.source, tunnel.localNetworks) : true;
      const destinationOk = tunnel ? inside(ctx, latest.event.destination, tunnel.remoteNetworks) : true;
      const addressProblem = !sourceOk || !destinationOk;
      const index = ctx.tunnelIndex(latest.event.tunnel);
      const cited = [...since.map((e) => e.id), ...drops.map((d) => d.id)];
      return [
        {
          tunnel: latest.event.tunnel,
          peer: tunnel && tunnel.remoteEndpoint !== 'none' ? tunnel.remoteEndpoint : null,
          phase: 'ipsec',
          side: addressProblem || drops.length > 0 ? 'local' : 'either',
          score: addressProblem ? 0.9 : drops.length > 0 ? 0.88 : 0.8,
          reasoning: [
            `keep-alive ${latest.event.source} -> ${latest.event.destination}: ${latest.event.lost} probe(s) lost in a row (sent ${latest.event.sent}, received ${latest.event.received})`,
            ...(latest.event.lastError ? [`last loss: ${latest.event.lastError}`] : []),
            ...(!sourceOk ? [`the source ${latest.event.source} is not inside the tunnel's local networks`] : []),
            ...(!destinationOk ? [`the destination ${latest.event.destination} is not inside the tunnel's remote networks`] : []),
            ...(drops.length > 0 ? [`${drops.length} probe(s) were dropped here: ${drops.at(-1)!.event.message}`] : []),
            ...(renegotiated.length > 0
              ? [`keep-alive renegotiated the tunnel ${renegotiated.length} time(s) since the last answer (renegotiateAfterLost ${tunnel?.keepAlive.renegotiateAfterLost ?? '?'}), and the probes over the new SA get no reply either: the tunnel flaps`]
              : []),
          ],
          evidenceEventIds: cited,
          explains: cited,
          occurrences: since.length,
          configPaths: index >= 0 ? [`tunnels[${index}].keepAlive`] : [],
          explanation: `Keep-alive through "${latest.event.tunnel}" is failing: the periodic ICMP from ${latest.event.source} to ${latest.event.destination} gets no reply (${latest.event.lost} lost in a row)${latest.event.lastError ? `; ${latest.event.lastError}` : ''}.${
            renegotiated.length > 0
              ? ` Each time ${tunnel?.keepAlive.renegotiateAfterLost ?? 'the configured number of'} probes are lost, keep-alive deletes the tunnel's SAs and negotiates it again (${renegotiated.length} time(s) so far), so traffic through it is interrupted at every round while the cause stays.`
              : ''
          } ${
            addressProblem
              ? 'The keep-alive addresses do not lie inside the tunnel\'s networks, so the probes cannot use its IPsec SA.'
              : drops.length > 0
                ? 'The probes are dropped on this side before they reach the tunnel.'
                : 'The probes leave through the tunnel but nothing answers: the far address does not exist or does not answer ICMP (the peer needs a rule like Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP), or the IPsec SA is gone on the peer\'s side only (13.6.6 #3).'
          }`,
          fixSteps: addressProblem
            ? [`Set the keep-alive source inside ${tunnel?.localNetworks.join(', ') ?? 'the local networks'} and the destination inside ${tunnel?.remoteNetworks.join(', ') ?? 'the remote networks'}.`]
            : [
                `Ping ${latest.event.destination} through the tunnel and read the flows: does the echo leave through "${latest.event.tunnel}" (ESP counters), and does a reply come back?`,
                'On the peer: check that the keep-alive destination exists and that its rule set allows ICMP from the tunnel.',
                tunnel?.dpd.enabled ? 'DPD is on here: if the IKE SA is also gone on the peer, it will notice.' : 'Enable DPD on this tunnel so a tunnel gone on the peer\'s side is noticed (machine fix below).',
              ],
          fixes: tunnel && !tunnel.dpd.enabled && !addressProblem ? [enableDpdFix(tunnel.name)] : [],
          facts: {
            source: latest.event.source,
            destination: latest.event.destination,
            sent: latest.event.sent,
            received: latest.event.received,
            lost: latest.event.lost,
            lastError: latest.event.lastError ?? null,
            addressesInsideNetworks: !addressProblem,
            renegotiations: renegotiated.length,
          },
        },
      ];
    });
  },
};

/**
 * Keep-alive gave a tunnel up (keepAlive.renegotiateAfterLost), negotiated it
 * again, and the probes are answered over the new SA: the old SA had stopped
 * carrying traffic — most often because the peer lost it while we kept ours
 * (13.6.6 #3, "DPD and/or Keep-Alive only used on one side"). Healed, so
 * informational; the SA that went down and the new one are cited.
 */
export const keepaliveRenegotiatedRule: DiagnosisRule = {
  code: 'keepalive_renegotiated',
  severity: 'info',
  basis: 'events',
  reads: { eventTypes: ['dataplane.keepalive', 'child.sa.down', 'ike.sa.up', 'log.event'], config: ['tunnels[].keepAlive', 'tunnels[].dpd'] },
  when: 'keep-alive renegotiated a tunnel after lost probes, and the probes are answered again over the new SA',
  evaluate(ctx) {
    return [...groupBy(ctx.index.ofType('dataplane.keepalive'), (e) => e.event.tunnel).values()].flatMap((group): FindingDraft[] => {
      const latest = group[group.length - 1]!;
      if (latest.event.state !== 'ok') return [];
      const rounds = group.filter((e) => e.event.state === 'renegotiating');
      if (rounds.length === 0) return [];
      const last = rounds.at(-1)!;
      const tunnel = ctx.tunnel(latest.event.tunnel);
      const index = ctx.tunnelIndex(latest.event.tunnel);
      const downs = ctx.index.ofType('child.sa.down').filter((e) => e.tunnel === latest.event.tunnel && e.event.reason === 'keepalive_failed' && e.id > last.id);
      const upAgain = ctx.index.ofType('ike.sa.up').find((e) => e.tunnel === latest.event.tunnel && e.id > last.id);
      // Our DELETE of the old IKE SA answered with INVALID_IKE_SPI: the peer had lost the tunnel (it was up on our side only).
      const peerHadLostIt = ctx.index
        .logsWithCondition(['invalid_ike_spi_received'])
        .filter((log) => log.tunnel === latest.event.tunnel && rounds.some((round) => log.id > round.id && log.time - round.time <= 60_000));
      const cited = [last.id, ...downs.map((e) => e.id), ...peerHadLostIt.map((e) => e.id), ...(upAgain ? [upAgain.id] : []), latest.id];
      const dpdOff = tunnel !== undefined && !tunnel.dpd.enabled;
      return [
        {
          tunnel: latest.event.tunnel,
          peer: tunnel && tunnel.remoteEndpoint !== 'none' ? tunnel.remoteEndpoint : null,
          phase: 'ipsec',
          side: 'either',
          score: 0.7,
          reasoning: [
            `keep-alive ${last.event.source} -> ${last.event.destination} lost ${last.event.lost} probe(s) in a row${last.event.lastError ? ` (last: ${last.event.lastError})` : ''} and renegotiated the tunnel (${rounds.length} time(s) in these events)`,
            ...(peerHadLostIt.length > 0 ? [`the peer answered our DELETE of the old IKE SA with INVALID_IKE_SPI: it had lost the tunnel, which was up on our side only`] : []),
            upAgain ? `the tunnel came up again (IKE SA ${upAgain.event.ikeSaId})` : 'the tunnel was negotiated again',
            `the probes are answered again: sent ${latest.event.sent}, received ${latest.event.received}`,
          ],
          evidenceEventIds: cited,
          explains: cited,
          occurrences: rounds.length,
          configPaths: index >= 0 ? [`tunnels[${index}].keepAlive`, `tunnels[${index}].dpd`] : [],
          explanation: `The tunnel "${latest.event.tunnel}" stopped carrying traffic while its SAs were still up on this side: ${last.event.lost} keep-alive probes to ${last.event.destination} got no reply, so keep-alive deleted the SAs and negotiated the tunnel again, after which the probes are answered. ${
            peerHadLostIt.length > 0
              ? 'The peer answered the DELETE of the old IKE SA with INVALID_IKE_SPI: the tunnel had gone down on its side only (Ike_invalid_cookie).'
              : 'The usual cause is a tunnel that went down on the peer\'s side only (a restart, a lost DELETE).'
          } "It could be that DPD and/or Keep-Alive is only used on one side" (13.6.6 #3). Keep-alive healed it; traffic was lost for up to ${last.event.lost} probe intervals.`,
          fixSteps: [
            `Find out why the peer ${tunnel && tunnel.remoteEndpoint !== 'none' ? tunnel.remoteEndpoint : ''} lost the tunnel at that time (its logs: restart, DPD, deleted SA).`,
            dpdOff ? 'Enable DPD on both sides so a lost peer is noticed without waiting for keep-alive (machine fix below).' : 'Check that DPD is on at the peer too.',
          ],
          fixes: dpdOff && tunnel ? [enableDpdFix(tunnel.name)] : [],
          facts: { renegotiations: rounds.length, lostBeforeRenegotiation: last.event.lost, source: last.event.source, destination: last.event.destination, answeredAgain: true, peerHadLostTheTunnel: peerHadLostIt.length > 0 },
        },
      ];
    });
  },
};

// ---------------------------------------------------------------------------------
// ESP for an SPI we do not have (13.6.6 #3, the one-sided tunnel)

function tunnelForEsp(ctx: RuleContext, event: IndexedOf<'dataplane.esp.error'>): TunnelConfig | undefined {
  return ctx.tunnel(event.event.tunnel ?? event.tunnel) ?? ctx.config.tunnels.find((t) => t.remoteEndpoint === event.event.remote.address);
}

export const espUnknownSpiRule: DiagnosisRule = {
  code: 'esp_unknown_spi',
  severity: 'error',
  basis: 'events',
  reads: { eventTypes: ['dataplane.esp.error', 'ike.sa.down', 'child.sa.down'], config: ['tunnels[].dpd', 'tunnels[].keepAlive'] },
  when: 'the peer sends ESP for an SPI we have no CHILD_SA for (it still sees the tunnel as up)',
  evaluate(ctx) {
    const errors = ctx.index.ofType('dataplane.esp.error').filter((e) => e.event.code === 'unknown_spi');
    return [...groupBy(errors, (e) => e.event.remote.address).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const first = group[0]!;
      const tunnel = tunnelForEsp(ctx, latest);
      const peer = latest.event.remote.address;
      const spis = [...new Set(group.map((e) => e.event.spi))];
      const down = ctx.index
        .entries.filter((e) => e.id < first.id && (e.event.type === 'child.sa.down' || e.event.type === 'ike.sa.down') && (e.tunnel === tunnel?.name || e.peer === peer))
        .at(-1);
      const count = Math.max(...group.map((e) => e.event.count));
      const index = ctx.tunnelIndex(tunnel?.name ?? null);
      const dpdOff = tunnel !== undefined && !tunnel.dpd.enabled;
      const cited = [...group.map((e) => e.id), ...(down ? [down.id] : [])];
      return {
        tunnel: tunnel?.name ?? null,
        peer,
        phase: 'ipsec',
        side: 'remote',
        score: 0.92,
        reasoning: [
          `${count} ESP packet(s) from ${peer} for SPI ${spis.join(', ')} that no CHILD_SA of ours has`,
          down ? `our SA went down before (${down.event.type === 'ike.sa.down' || down.event.type === 'child.sa.down' ? down.event.reason : ''}) and the peer did not notice` : 'no SA of ours with this peer went down in the events: we may have restarted',
        ],
        evidenceEventIds: cited,
        explains: group.map((e) => e.id),
        occurrences: count,
        configPaths: index >= 0 ? [`tunnels[${index}].dpd`, `tunnels[${index}].keepAlive`] : [],
        explanation: `The tunnel is only established on one side: ${peer} still sees ${tunnel ? `"${tunnel.name}"` : 'the tunnel'} as up and sends traffic through it (ESP SPI ${spis.join(', ')}), but the tunnel has gone down on this side, so we drop what arrives since no matching SA can be found (seed 13.6.6 #3, Ike_invalid_payload / Ike_invalid_cookie for the IKE side). It could be that DPD and/or Keep-Alive is only used on one side, or that a DELETE was lost or not acted on.`,
        fixSteps: [
          `Remove the tunnel on ${peer}, the side that believes it is still up; then set it up again.`,
          'Investigate why the tunnel only went down on one side: DPD and keep-alive on both sides, and whether our DELETE reached the peer.',
          ...(dpdOff ? ['Enable DPD on this tunnel (machine fix below).'] : []),
        ],
        fixes: dpdOff && tunnel ? [enableDpdFix(tunnel.name)] : [],
        facts: { spis, packets: count, previousDown: down ? down.event.type : null, upOn: 'peer' },
      };
    });
  },
};

// ---------------------------------------------------------------------------------
// Roaming client address duplication (13.6.1)

export const roamingAddressOverlapRule: DiagnosisRule = {
  code: 'roaming_address_overlap',
  severity: 'warning',
  basis: 'events',
  reads: { eventTypes: ['roaming.address.overlap', 'cfg.address.assigned'] },
  when: 'a roaming client\'s own local address lies inside the network it reaches through the tunnel (or cannot be verified)',
  evaluate(ctx) {
    const checks = ctx.index.ofType('roaming.address.overlap').filter((e) => e.event.verdict !== 'no_overlap');
    return [...groupBy(checks, (e) => `${e.event.tunnel}|${e.event.clientLocalAddress ?? '?'}|${e.event.verdict}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const event = latest.event;
      const overlap = event.verdict === 'overlap';
      const assigned = ctx.index.ofType('cfg.address.assigned').filter((a) => a.event.ikeSaId === event.ikeSaId);
      return {
        tunnel: event.tunnel,
        peer: event.clientLocalAddress ?? null,
        phase: 'ipsec',
        side: 'remote',
        severity: overlap ? 'warning' : 'info',
        score: overlap ? 0.9 : 0.4,
        reasoning: [
          event.message,
          overlap
            ? `the client's local address ${event.clientLocalAddress} (${event.addressSource === 'ike_source' ? 'its IKE source address, no NAT' : 'from its ADDITIONAL_IP4_ADDRESS notify'}) lies inside ${event.remoteNetwork ?? 'our network'}`
            : 'the client\'s own local address is not known here (behind NAT, no ADDITIONAL_IP4_ADDRESS): the overlap cannot be verified',
        ],
        evidenceEventIds: [...group.map((e) => e.id), ...assigned.map((a) => a.id)],
        explains: group.map((e) => e.id),
        occurrences: group.length,
        configPaths: [`tunnels[${ctx.tunnelIndex(event.tunnel)}].localNetworks`, `tunnels[${ctx.tunnelIndex(event.tunnel)}].addressPool`],
        explanation: overlap
          ? `Try and avoid duplication of IP addresses between the remote network being accessed by a client and the network the roaming client belongs to: the client's address ${event.clientLocalAddress} also belongs to ${event.remoteNetwork ?? 'the network behind this gateway'}. The client's system then assumes ${event.server ?? 'the server'} is on its local network and does not route packets for it through the tunnel.${
              event.routeCommand ? ` The solution is a route in the client's routing table that sends the server's address into the tunnel: ${event.routeCommand}` : ''
            }`
          : `The roaming client's own local address cannot be verified (${event.message}): if it lies inside ${event.remoteNetwork ?? 'the network behind this gateway'}, its traffic for that network will not use the tunnel.`,
        fixSteps: overlap
          ? [event.routeCommand ? `On the client, add the route: ${event.routeCommand}` : 'On the client, add a host route for the server through the tunnel address.', 'Or renumber the network so it does not collide with common client networks.']
          : ['Ask the client which address its local network gave it; if it lies inside our network, add the host route shown for an overlap.'],
        fixes: [],
        facts: {
          verdict: event.verdict,
          clientLocalAddress: event.clientLocalAddress ?? null,
          addressSource: event.addressSource,
          remoteNetwork: event.remoteNetwork ?? null,
          assignedAddress: event.assignedAddress ?? null,
          server: event.server ?? null,
          routeCommand: event.routeCommand ?? null,
        },
        discriminator: `${event.clientLocalAddress ?? '?'}:${event.verdict}`,
      };
    });
  },
};
