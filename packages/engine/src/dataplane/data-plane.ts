/**
 * The data plane: a pure, clock-driven IPv4 forwarder.
 *
 *   ingress: receiveFromTunnel | receiveFromInterface (a network or a
 *            simulated host) | sendFromCore (the gateway itself)
 *     -> decode (malformed: counted drop, never a throw)
 *     -> flow lookup: forward or reverse direction of an existing flow
 *        (replies of an allowed flow pass)
 *     -> else route (longest prefix) -> IP rules (first match) -> new flow
 *     -> egress: core (answers ICMP echo: the rule allowed it) | simulated
 *        host (answers, the answer comes back in as a packet) | tunnel
 *        (TunnelPort.send; a failure is a counted drop naming its reason)
 *
 * Every drop emits `dataplane.packet.dropped` naming the rule, the missing
 * rule or the route, and is counted per code and per ingress interface.
 * Flows expire on the clock: lazily when a packet or a read finds them due,
 * and by one timer armed at the next expiry (at most one sweep a second).
 *
 * Flow timeouts (seconds; documented defaults, close to the seed's listing
 * where ESP and UDP flows show 75-129 s and ICMP 7 s): ICMP 8, UDP 130,
 * ESP 130, TCP 3600 established and 10 after FIN/RST, other protocols 130.
 */
import type {
  DataPlaneCounters,
  DataPlaneEvent,
  EspErrorEvent,
  FlowPage,
  FlowQuery,
  FlowView,
  GatewayConfig,
  InterfaceView,
  PingRequest,
  PingResult,
  TraceRequest,
  TraceResult,
} from '@tunnelscope/api';
import type { FlowTableEndpoint, FlowTableEntry, FlowTableRow } from '../cli/format-flow-table.ts';
import type { FlowFilter } from '../cli/parse-command-line.ts';
import { PROTOCOL_NAMES } from '../cli/command-table.ts';
import type { Clock } from '../io/clock.ts';
import type { DataPlaneListener, DataPlanePort, EspObservation, TunnelPort } from './contract.ts';
import { EchoProbes } from './echo-probes.ts';
import { FlowTable, type CompiledFlowFilter, type FlowSortField, type NewFlow } from './flow-table.ts';
import { SimulatedHosts } from './hosts.ts';
import { InterfaceTable, interfaceView, type DataPlaneInterface, type InterfaceCounters } from './interfaces.ts';
import { formatIpv4, parseIpv4, parseIpv4Network } from './ipv4-address.ts';
import {
  ICMP_TYPE,
  ICMP_UNREACHABLE_CODE,
  IP_PROTOCOL,
  PacketParseError,
  TCP_FLAG,
  encodeIcmp,
  encodeIcmpUnreachable,
  encodeIpv4Packet,
  protocolName,
  summarisePacket,
  withDecrementedTtl,
  type PacketSummary,
} from './ipv4-packet.ts';
import { KeepAlive } from './keep-alive.ts';
import { runPing } from './ping.ts';
import { RoutingTable, resolveIpv4Networks, type DataPlaneRoute } from './routing-table.ts';
import { RuleSet } from './rule-set.ts';
import { traceDataPlane } from './trace.ts';

export const FLOW_TIMEOUT_SECONDS = { icmp: 8, udp: 130, esp: 130, tcp: 3600, tcpClosing: 10, other: 130 } as const;
const GATEWAY_TTL = 64;
const MIN_SWEEP_INTERVAL_MS = 1000;

export interface DataPlaneOptions {
  readonly config: GatewayConfig;
  readonly clock: Clock;
  readonly tunnels: TunnelPort;
  /** Flow table capacity (default 1,000,000). */
  readonly maxFlows?: number;
}

/** Where a packet entered. */
export type Ingress = { readonly kind: 'core' } | { readonly kind: 'interface'; readonly name: string } | { readonly kind: 'tunnel'; readonly name: string; readonly childSaId: string };

export type PacketOutcome =
  | { readonly verdict: 'forwarded'; readonly interface: string }
  | { readonly verdict: 'delivered' }
  | { readonly verdict: 'dropped'; readonly code: string; readonly message: string };

interface DropContext {
  readonly ingress: string;
  readonly egress?: string | undefined;
  readonly packet?: PacketSummary | undefined;
  readonly rule?: string | undefined;
  readonly route?: string | undefined;
  readonly tunnel?: string | undefined;
}

export class DataPlane implements DataPlanePort {
  private config: GatewayConfig;
  private readonly clock: Clock;
  private readonly tunnelPort: TunnelPort;
  readonly flows: FlowTable;
  private interfaceTable: InterfaceTable;
  private routingTable: RoutingTable;
  private ruleSet: RuleSet;
  private hosts: SimulatedHosts;
  private readonly listeners = new Set<DataPlaneListener>();
  private readonly interfaceCounters = new Map<string, InterfaceCounters>();
  private readonly probes = new EchoProbes();
  private readonly keepAlive: KeepAlive;
  private identification = 1;
  private nextExpiry = Infinity;
  private lastSweep = -Infinity;
  private armedAt = Infinity;
  private cancelSweep: () => void = () => undefined;
  private stopped = false;
  private readonly totals = {
    flowsCreated: 0,
    flowsExpired: 0,
    packetsForwarded: 0,
    packetsDelivered: 0,
    packetsDropped: 0,
    espIn: 0,
    espOut: 0,
  };
  private readonly dropsByReason: Record<string, number> = {};
  private readonly espErrors: Record<string, number> = {};

  constructor(options: DataPlaneOptions) {
    this.config = options.config;
    this.clock = options.clock;
    this.tunnelPort = options.tunnels;
    this.flows = new FlowTable(options.maxFlows === undefined ? {} : { maxFlows: options.maxFlows });
    this.interfaceTable = new InterfaceTable(options.config);
    this.routingTable = new RoutingTable(options.config, this.interfaceTable);
    this.ruleSet = new RuleSet(options.config);
    this.hosts = new SimulatedHosts(options.config.hosts ?? []);
    this.keepAlive = new KeepAlive({
      clock: this.clock,
      probes: this.probes,
      hasSa: (tunnel) => this.tunnelPort.hasSa?.(tunnel) ?? true,
      ...(this.tunnelPort.renegotiate ? { renegotiate: (tunnel: string, reason: string) => this.tunnelPort.renegotiate?.(tunnel, reason) } : {}),
      sendEcho: (source, destination, identifier, sequence) => {
        this.sendFromCore(this.echoRequest(source, destination, identifier, sequence, new Uint8Array(32)));
      },
      onStateChange: (event) => this.emit({ type: 'dataplane.keepalive', time: this.clock.now(), ...event }),
    });
    this.keepAlive.configure(options.config);
  }

  // -------------------------------------------------------------------------
  // Tables (read by trace and tests)

  get interfacesTable(): InterfaceTable {
    return this.interfaceTable;
  }

  get routes(): RoutingTable {
    return this.routingTable;
  }

  get rules(): RuleSet {
    return this.ruleSet;
  }

  get simulatedHosts(): SimulatedHosts {
    return this.hosts;
  }

  get tunnels(): TunnelPort {
    return this.tunnelPort;
  }

  /** Interval time for round trips: the clock's sub-millisecond elapsed() when it has one. */
  private mark(): number {
    return this.clock.elapsed?.() ?? this.clock.now();
  }

  now(): number {
    return this.clock.now();
  }

  // -------------------------------------------------------------------------
  // DataPlanePort

  applyConfig(config: GatewayConfig): void {
    const oldInterfaces = this.interfaceTable;
    this.config = config;
    this.interfaceTable = new InterfaceTable(config);
    this.routingTable = new RoutingTable(config, this.interfaceTable);
    this.ruleSet = new RuleSet(config);
    this.hosts = new SimulatedHosts(config.hosts ?? []);
    const remap = oldInterfaces.all.map((entry) => this.interfaceTable.get(entry.name)?.id ?? -1);
    const flows = this.flows;
    for (const slot of flows.select(() => true)) {
      const source = remap[flows.sourceInterface[slot] ?? 0] ?? -1;
      const destination = remap[flows.destinationInterface[slot] ?? 0] ?? -1;
      const reverse = remap[flows.reverseInterface[slot] ?? 0] ?? -1;
      if (source < 0 || destination < 0 || reverse < 0) {
        this.removeFlow(slot, 'config');
        continue;
      }
      flows.sourceInterface[slot] = source;
      flows.destinationInterface[slot] = destination;
      flows.reverseInterface[slot] = reverse;
      const protocol = flows.protocol[slot] ?? 0;
      if (protocol === IP_PROTOCOL.esp || source === this.interfaceTable.core.id) continue;
      const decision = this.ruleSet.evaluate({
        sourceInterface: this.interfaceTable.byId(source).name,
        destinationInterface: this.interfaceTable.byId(destination).name,
        source: flows.source[slot] ?? 0,
        destination: flows.destination[slot] ?? 0,
        protocol,
        destinationPort: flows.destinationPort[slot] ?? 0,
      });
      if (decision.action !== 'Allow' || decision.rule === undefined) this.removeFlow(slot, 'config');
      else flows.rule[slot] = flows.intern(decision.rule.label);
    }
    this.keepAlive.configure(config);
  }

  receiveFromTunnel(tunnel: string, childSaId: string, packet: Uint8Array): void {
    this.process(packet, { kind: 'tunnel', name: tunnel, childSaId });
  }

  /** A packet arriving on a physical interface (from its network or a simulated host). */
  receiveFromInterface(interfaceName: string, packet: Uint8Array): PacketOutcome {
    return this.process(packet, { kind: 'interface', name: interfaceName });
  }

  /** A packet the gateway itself originates (source: one of its addresses or a keep-alive source). */
  sendFromCore(packet: Uint8Array): PacketOutcome {
    return this.process(packet, { kind: 'core' });
  }

  observeEsp(observation: EspObservation): void {
    const local = parseIpv4(observation.localAddress);
    const remote = parseIpv4(observation.remoteAddress);
    if (local === undefined || remote === undefined) return;
    const now = this.clock.now();
    const outer = this.outerInterface(local);
    const core = this.interfaceTable.core;
    const outbound = observation.direction === 'out';
    if (outbound) this.totals.espOut++;
    else this.totals.espIn++;
    const source = outbound ? local : remote;
    const destination = outbound ? remote : local;
    const spi = observation.spi >>> 0;
    const handle = this.flows.lookup(IP_PROTOCOL.esp, source, destination, 0, spi);
    if (handle >= 0 && (this.flows.expiresAt[handle >> 1] ?? 0) > now) {
      this.flows.touch(handle, observation.bytes, now);
      return;
    }
    if (handle >= 0) this.removeFlow(handle >> 1, 'timeout');
    this.createFlow(
      {
        protocol: IP_PROTOCOL.esp,
        source,
        destination,
        sourcePort: 0,
        destinationPort: spi,
        hasReverse: false,
        reverseSourcePort: 0,
        reverseDestinationPort: 0,
        sourceInterface: outbound ? core.id : outer.id,
        destinationInterface: outbound ? outer.id : core.id,
        reverseInterface: outbound ? core.id : outer.id,
        timeoutMs: FLOW_TIMEOUT_SECONDS.esp * 1000,
        tunnel: observation.tunnel ?? undefined,
        childSaId: observation.childSaId,
        bytes: observation.bytes,
        packets: 1,
      },
    );
  }

  childSaRemoved(childSaId: string): void {
    const id = this.flows.intern(childSaId);
    for (const slot of this.flows.select((candidate) => this.flows.childSa[candidate] === id && this.flows.protocol[candidate] === IP_PROTOCOL.esp)) {
      this.removeFlow(slot, 'sa_deleted');
    }
  }

  /** ESP errors seen by the gateway's ESP layer: counted here and passed on to listeners. */
  reportEspError(event: EspErrorEvent): void {
    this.espErrors[event.code] = (this.espErrors[event.code] ?? 0) + 1;
    this.emit(event);
  }

  listFlows(query: FlowQuery): FlowPage {
    this.sweepIfDue(true);
    const now = this.clock.now();
    const filter = this.compileFilter({
      destinationInterface: query.destiface,
      sourceInterface: query.srciface,
      protocol: query.proto === undefined ? undefined : protocolFromText(query.proto),
      sourceNetwork: query.srcip,
      destinationNetwork: query.destip,
      sourcePort: query.srcport,
      destinationPort: query.destport,
    });
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const result = this.flows.query(filter, { sort: sortField(query.sort), order: query.order ?? 'asc', offset, limit });
    return { time: now, total: result.total, offset, flows: result.slots.map((slot) => this.flowView(slot, now)) };
  }

  flowTableEntries(filter: FlowFilter): FlowTableEntry[] {
    this.sweepIfDue(true);
    const now = this.clock.now();
    const compiled = this.compileFilter({
      destinationInterface: filter.destinationInterface,
      sourceInterface: filter.sourceInterface,
      protocol: filter.protocol,
      sourceNetwork: filter.sourceAddress,
      destinationNetwork: filter.destinationAddress,
      sourcePort: filter.sourcePort,
      destinationPort: filter.destinationPort,
    });
    return this.flows.query(compiled, { sort: 'created' }).slots.map((slot) => this.flowEntry(slot, now));
  }

  trace(request: TraceRequest): TraceResult {
    return traceDataPlane(this, request);
  }

  ping(request: PingRequest): Promise<PingResult> {
    const destination = parseIpv4(request.destination);
    if (destination === undefined) return Promise.reject(new Error(`ping: destination "${request.destination}" is not an IPv4 address`));
    const origin = this.pingOrigin(request, destination);
    return runPing(
      {
        clock: this.clock,
        probes: this.probes,
        sendEcho: (identifier, sequence, payload) => {
          const packet = this.echoRequest(origin.source, destination, identifier, sequence, payload);
          const outcome = origin.hostInterface === undefined ? this.sendFromCore(packet) : this.receiveFromInterface(origin.hostInterface, packet);
          return outcome.verdict === 'dropped' ? { dropped: `dropped (${outcome.code}): ${outcome.message}` } : {};
        },
      },
      request,
      { source: origin.source, destination },
    );
  }

  interfaces(): InterfaceView[] {
    return this.interfaceTable.all.map((entry) => interfaceView(entry, this.interfaceCounters.get(entry.name)));
  }

  counters(): DataPlaneCounters {
    this.sweepIfDue(true);
    return {
      flows: this.flows.size,
      ...this.totals,
      dropsByReason: { ...this.dropsByReason },
      espErrors: { ...this.espErrors },
      keepAlive: this.keepAlive.counters(),
    };
  }

  subscribe(listener: DataPlaneListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    this.cancelSweep();
    this.keepAlive.stop();
  }

  // -------------------------------------------------------------------------
  // Forwarding

  private process(bytes: Uint8Array, ingress: Ingress): PacketOutcome {
    const now = this.clock.now();
    this.sweepIfDue(false);
    const ingressInterface = this.ingressInterface(ingress);
    const ingressName = ingressInterface?.name ?? (ingress.kind === 'core' ? 'core' : ingress.name);
    let packet: PacketSummary;
    try {
      packet = summarisePacket(bytes);
    } catch (error) {
      if (!(error instanceof PacketParseError)) throw error;
      return this.drop('malformed', error.message, { ingress: ingressName });
    }
    if (ingressInterface === undefined) {
      return this.drop('no_interface', `packet arrived on "${ingressName}", which is not an interface or tunnel of this gateway`, { ingress: ingressName, packet });
    }
    this.countIn(ingressInterface.name, bytes.length);
    const { ip } = packet;
    if (ip.fragmentOffset !== 0 || ip.moreFragments) {
      return this.drop('fragment', 'IP fragments are not reassembled by this data plane', { ingress: ingressName, packet });
    }

    const handle = this.flows.lookup(ip.protocol, ip.source, ip.destination, packet.sourcePort, packet.destinationPort);
    if (handle >= 0) {
      const slot = handle >> 1;
      if ((this.flows.expiresAt[slot] ?? 0) > now) {
        this.flows.touch(handle, bytes.length, now, this.tcpTimeout(packet));
        const egressId = (handle & 1) === 0 ? this.flows.destinationInterface[slot] : this.flows.reverseInterface[slot];
        const egress = this.interfaceTable.byId(egressId ?? 0);
        return this.egress(packet, bytes, ingress, egress, { slot, rule: this.flows.text(this.flows.rule[slot] ?? -1) });
      }
      this.removeFlow(slot, 'timeout');
    }

    // A new connection.
    const routed = this.route(ip.destination);
    if (routed === undefined) {
      return this.drop('no_route', `no route to ${formatIpv4(ip.destination)}`, { ingress: ingressName, packet });
    }
    const { route, egress } = routed;
    let ruleLabel: string | undefined;
    if (ingress.kind !== 'core') {
      const decision = this.ruleSet.evaluate({
        sourceInterface: ingressName,
        destinationInterface: egress.name,
        source: ip.source,
        destination: ip.destination,
        protocol: ip.protocol,
        destinationPort: packet.udp !== undefined || packet.tcp !== undefined ? packet.destinationPort : 0,
      });
      if (decision.rule === undefined) {
        return this.drop('no_matching_rule', decision.message, { ingress: ingressName, egress: egress.name, packet, route: route.label, tunnel: this.tunnelOf(ingress, egress) });
      }
      const rule = decision.rule;
      if (decision.action !== 'Allow') {
        const code = decision.action === 'Reject' ? 'rule_reject' : 'rule_drop';
        const outcome = this.drop(code, `rule ${rule.label} (${rule.text}) ${decision.action === 'Reject' ? 'rejects' : 'drops'} ${protocolName(ip.protocol)} from ${ingressName} to ${egress.name}`, {
          ingress: ingressName,
          egress: egress.name,
          packet,
          rule: rule.label,
          route: route.label,
          tunnel: this.tunnelOf(ingress, egress),
        });
        if (decision.action === 'Reject') this.sendUnreachable(packet, bytes, ingressInterface);
        return outcome;
      }
      ruleLabel = rule.label;
    }

    const creates = this.startsFlow(packet);
    if (creates === 'no_flow') {
      return this.drop('no_flow', `${describePacket(packet)} belongs to no connection in the flow table (a reply or mid-stream packet without its flow)`, {
        ingress: ingressName,
        egress: egress.name,
        packet,
        rule: ruleLabel,
        route: route.label,
      });
    }
    let slot: number | undefined;
    if (creates === 'flow') {
      const reverseInterface = ingress.kind === 'core' ? this.interfaceTable.core : (this.route(ip.source)?.egress ?? ingressInterface);
      const icmpEcho = packet.icmp !== undefined;
      const created = this.createFlow(
        {
          protocol: ip.protocol,
          source: ip.source,
          destination: ip.destination,
          sourcePort: packet.sourcePort,
          destinationPort: packet.destinationPort,
          hasReverse: true,
          // A reply swaps ports; an echo reply is type 0 code 0 with the same identifier.
          reverseSourcePort: icmpEcho ? (ICMP_TYPE.echoReply << 8) : packet.destinationPort,
          reverseDestinationPort: icmpEcho ? packet.destinationPort : packet.sourcePort,
          sourceInterface: ingressInterface.id,
          destinationInterface: egress.id,
          reverseInterface: reverseInterface.id,
          timeoutMs: this.timeoutFor(packet),
          rule: ruleLabel,
          tunnel: this.tunnelOf(ingress, egress),
          childSaId: ingress.kind === 'tunnel' ? ingress.childSaId : undefined,
          bytes: bytes.length,
          packets: 1,
        },
      );
      if (created < 0) {
        return this.drop('flow_table_full', `the flow table is full (${this.flows.maxFlows} flows)`, { ingress: ingressName, egress: egress.name, packet, rule: ruleLabel, route: route.label });
      }
      slot = created;
    }
    return this.egress(packet, bytes, ingress, egress, { slot, rule: ruleLabel, route });
  }

  private egress(
    packet: PacketSummary,
    bytes: Uint8Array,
    ingress: Ingress,
    egress: DataPlaneInterface,
    context: { slot?: number | undefined; rule?: string | undefined; route?: DataPlaneRoute | undefined },
  ): PacketOutcome {
    const { ip } = packet;
    const ingressName = ingress.kind === 'core' ? 'core' : ingress.name;
    if (egress.kind === 'core') {
      this.totals.packetsDelivered++;
      this.deliverToCore(packet);
      return { verdict: 'delivered' };
    }
    const routeLabel = () => (context.route ?? this.routingTable.lookup(ip.destination))?.label;
    let out = bytes;
    if (ingress.kind !== 'core') {
      if (ip.ttl <= 1) {
        return this.drop('ttl_exceeded', `TTL ${ip.ttl} expired in transit to ${formatIpv4(ip.destination)}`, { ingress: ingressName, egress: egress.name, packet, rule: context.rule, route: routeLabel() });
      }
      out = withDecrementedTtl(bytes, ip.headerLength);
    }
    if (egress.kind === 'tunnel') {
      const result = this.tunnelPort.send(egress.name, out);
      if (!result.ok) {
        const message =
          result.reason === 'no_sa'
            ? `no CHILD_SA is up for tunnel ${egress.name}: ${result.detail}`
            : `tunnel ${egress.name} could not carry ${describePacket(packet)} (${result.reason}): ${result.detail}`;
        return this.drop(result.reason, message, { ingress: ingressName, egress: egress.name, packet, rule: context.rule, route: routeLabel(), tunnel: egress.name });
      }
      if (context.slot !== undefined && (this.flows.childSa[context.slot] ?? -1) < 0) this.flows.childSa[context.slot] = this.flows.intern(result.childSaId);
      this.totals.packetsForwarded++;
      this.countOut(egress.name, out.length);
      return { verdict: 'forwarded', interface: egress.name };
    }
    const host = this.hosts.find(egress.name, ip.destination);
    if (host === undefined) {
      return this.drop('no_host', `no simulated host ${formatIpv4(ip.destination)} on ${egress.name}: nothing receives the packet in this simulation`, {
        ingress: ingressName,
        egress: egress.name,
        packet,
        rule: context.rule,
        route: routeLabel(),
      });
    }
    this.totals.packetsForwarded++;
    this.countOut(egress.name, out.length);
    if (packet.icmp?.type === ICMP_TYPE.echoReply) {
      this.probes.deliverReply(packet.icmp.identifier, packet.icmp.sequence, { from: ip.source, ttl: Math.max(0, ip.ttl - 1), at: this.clock.now(), mark: this.mark() });
    }
    const answer = this.hosts.answer(host, packet, this.nextIdentification());
    if (answer !== undefined) this.receiveFromInterface(host.interface, answer);
    return { verdict: 'forwarded', interface: egress.name };
  }

  private deliverToCore(packet: PacketSummary): void {
    const { ip, icmp } = packet;
    if (icmp === undefined) return;
    if (icmp.type === ICMP_TYPE.echoRequest) {
      // The rule set allowed this packet to core, so the gateway answers (seed 13.6.1).
      const reply = encodeIcmp({ type: ICMP_TYPE.echoReply, code: 0, identifier: icmp.identifier, sequence: icmp.sequence, data: icmp.data });
      this.sendFromCore(encodeIpv4Packet({ protocol: IP_PROTOCOL.icmp, source: ip.destination, destination: ip.source, ttl: GATEWAY_TTL, identification: this.nextIdentification() }, reply));
    } else if (icmp.type === ICMP_TYPE.echoReply) {
      this.probes.deliverReply(icmp.identifier, icmp.sequence, { from: ip.source, ttl: ip.ttl, at: this.clock.now(), mark: this.mark() });
    }
  }

  private sendUnreachable(packet: PacketSummary, bytes: Uint8Array, ingress: DataPlaneInterface): void {
    if (packet.icmp !== undefined && packet.icmp.type !== ICMP_TYPE.echoRequest) return;
    const from = this.interfaceTable.primaryAddress(ingress) ?? packet.ip.destination;
    const message = encodeIcmpUnreachable(ICMP_UNREACHABLE_CODE.adminProhibited, bytes, packet.ip.headerLength);
    this.sendFromCore(encodeIpv4Packet({ protocol: IP_PROTOCOL.icmp, source: from, destination: packet.ip.source, ttl: GATEWAY_TTL, identification: this.nextIdentification() }, message));
  }

  /** Whether a packet without a flow may start one. */
  private startsFlow(packet: PacketSummary): 'flow' | 'stateless' | 'no_flow' {
    if (packet.icmp !== undefined) {
      if (packet.icmp.type === ICMP_TYPE.echoRequest) return 'flow';
      return packet.icmp.type === ICMP_TYPE.echoReply ? 'no_flow' : 'stateless';
    }
    if (packet.tcp !== undefined) {
      const flags = packet.tcp.flags;
      return (flags & TCP_FLAG.syn) !== 0 && (flags & TCP_FLAG.ack) === 0 ? 'flow' : 'no_flow';
    }
    return 'flow';
  }

  private timeoutFor(packet: PacketSummary): number {
    switch (packet.ip.protocol) {
      case IP_PROTOCOL.icmp:
        return FLOW_TIMEOUT_SECONDS.icmp * 1000;
      case IP_PROTOCOL.udp:
        return FLOW_TIMEOUT_SECONDS.udp * 1000;
      case IP_PROTOCOL.tcp:
        return (this.tcpTimeout(packet) ?? FLOW_TIMEOUT_SECONDS.tcp * 1000);
      default:
        return FLOW_TIMEOUT_SECONDS.other * 1000;
    }
  }

  /** TCP: FIN or RST shortens the flow's life; other packets keep the established timeout. */
  private tcpTimeout(packet: PacketSummary): number | undefined {
    if (packet.tcp === undefined) return undefined;
    return (packet.tcp.flags & (TCP_FLAG.fin | TCP_FLAG.rst)) !== 0 ? FLOW_TIMEOUT_SECONDS.tcpClosing * 1000 : FLOW_TIMEOUT_SECONDS.tcp * 1000;
  }

  /** Route for a destination: gateway addresses go to core. */
  route(destination: number): { route: DataPlaneRoute; egress: DataPlaneInterface } | undefined {
    const route = this.routingTable.lookup(destination);
    if (route === undefined) return undefined;
    const egress = this.interfaceTable.get(route.interface);
    return egress === undefined ? undefined : { route, egress };
  }

  private ingressInterface(ingress: Ingress): DataPlaneInterface | undefined {
    if (ingress.kind === 'core') return this.interfaceTable.core;
    const entry = this.interfaceTable.get(ingress.name);
    if (entry === undefined) return undefined;
    if (ingress.kind === 'tunnel' ? entry.kind !== 'tunnel' : entry.kind !== 'ethernet') return undefined;
    return entry;
  }

  private tunnelOf(ingress: Ingress, egress: DataPlaneInterface): string | undefined {
    if (egress.kind === 'tunnel') return egress.name;
    return ingress.kind === 'tunnel' ? ingress.name : undefined;
  }

  /** The physical interface ESP of a tunnel endpoint crosses: the one whose network holds it, else `ext`. */
  private outerInterface(localEndpoint: number): DataPlaneInterface {
    return (
      this.interfaceTable.interfaceForNetworkOf(localEndpoint) ??
      this.interfaceTable.get('ext') ??
      this.interfaceTable.all.find((entry) => entry.kind === 'ethernet') ??
      this.interfaceTable.core
    );
  }

  private pingOrigin(request: PingRequest, destination: number): { source: number; hostInterface?: string } {
    if (request.source !== undefined) {
      const source = parseIpv4(request.source);
      if (source === undefined) throw new Error(`ping: source "${request.source}" is not an IPv4 address`);
      if (this.interfaceTable.isLocal(source)) return { source };
      const host = this.hosts.byAddressAnywhere(source);
      if (host !== undefined) return { source, hostInterface: host.interface };
      throw new Error(`ping: source ${request.source} is neither an address of this gateway nor a simulated host`);
    }
    const routed = this.route(destination);
    if (routed === undefined) throw new Error(`ping: no route to ${request.destination}`);
    if (routed.egress.kind === 'core') return { source: destination };
    if (routed.egress.kind === 'ethernet') {
      const address = this.interfaceTable.primaryAddress(routed.egress);
      if (address !== undefined) return { source: address };
    }
    if (routed.egress.kind === 'tunnel') {
      const tunnel = this.config.tunnels.find((candidate) => candidate.name === routed.egress.name);
      // Address book names (hq-net) as well as CIDRs.
      const local = (tunnel?.localNetworks ?? []).flatMap((reference) => resolveIpv4Networks(reference, this.config.addressBook));
      for (const entry of this.interfaceTable.all) {
        for (const own of entry.addresses) {
          if (local.some((network) => ((own.address & network.mask) >>> 0) === network.address)) return { source: own.address };
        }
      }
      throw new Error(`ping: no address of this gateway lies inside tunnel ${routed.egress.name}'s local networks; give a source (-srcip=)`);
    }
    throw new Error(`ping: interface ${routed.egress.name} has no address; give a source (-srcip=)`);
  }

  private echoRequest(source: number, destination: number, identifier: number, sequence: number, payload: Uint8Array): Uint8Array {
    const icmp = encodeIcmp({ type: ICMP_TYPE.echoRequest, code: 0, identifier, sequence, data: payload });
    return encodeIpv4Packet({ protocol: IP_PROTOCOL.icmp, source, destination, ttl: GATEWAY_TTL, identification: this.nextIdentification() }, icmp);
  }

  private nextIdentification(): number {
    const value = this.identification;
    this.identification = (this.identification % 0xffff) + 1;
    return value;
  }

  // -------------------------------------------------------------------------
  // Flows

  private createFlow(flow: NewFlow): number {
    const now = this.clock.now();
    const slot = this.flows.insert(flow, now);
    if (slot < 0) return slot;
    this.totals.flowsCreated++;
    if (this.listeners.size > 0) this.emit({ type: 'flow.created', time: now, flow: this.flowView(slot, now) });
    this.armSweep(now + flow.timeoutMs);
    return slot;
  }

  private removeFlow(slot: number, reason: 'timeout' | 'sa_deleted' | 'config' | 'flush'): void {
    if (!this.flows.isAlive(slot)) return;
    const id = `f${this.flows.id[slot] ?? 0}`;
    this.flows.remove(slot);
    if (reason === 'timeout') this.totals.flowsExpired++;
    if (this.listeners.size > 0) this.emit({ type: 'flow.removed', time: this.clock.now(), id, reason });
  }

  /** Removes expired flows when one is due; `force` ignores the one-sweep-a-second limit (reads must be exact). */
  private sweepIfDue(force: boolean): void {
    const now = this.clock.now();
    if (now < this.nextExpiry) return;
    if (!force && now - this.lastSweep < MIN_SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    this.nextExpiry = this.flows.expire(now, (slot) => {
      this.totals.flowsExpired++;
      if (this.listeners.size > 0) this.emit({ type: 'flow.removed', time: now, id: `f${this.flows.id[slot] ?? 0}`, reason: 'timeout' });
    });
    this.armedAt = Infinity;
    this.armSweep(this.nextExpiry);
  }

  private armSweep(at: number): void {
    if (at < this.nextExpiry) this.nextExpiry = at;
    if (this.stopped || !Number.isFinite(this.nextExpiry)) return;
    const target = Math.max(this.nextExpiry, this.lastSweep + MIN_SWEEP_INTERVAL_MS);
    if (target >= this.armedAt) return;
    this.cancelSweep();
    this.armedAt = target;
    this.cancelSweep = this.clock.setTimer(target, () => {
      this.armedAt = Infinity;
      this.sweepIfDue(true);
    });
  }

  private compileFilter(filter: {
    destinationInterface?: string | undefined;
    sourceInterface?: string | undefined;
    protocol?: number | undefined;
    sourceNetwork?: string | undefined;
    destinationNetwork?: string | undefined;
    sourcePort?: number | undefined;
    destinationPort?: number | undefined;
  }): CompiledFlowFilter {
    const result: {
      -readonly [K in keyof CompiledFlowFilter]: CompiledFlowFilter[K];
    } = {};
    const interfaceId = (name: string) => this.interfaceTable.get(name)?.id ?? -1;
    if (filter.destinationInterface !== undefined) result.destinationInterface = interfaceId(filter.destinationInterface);
    if (filter.sourceInterface !== undefined) result.sourceInterface = interfaceId(filter.sourceInterface);
    if (filter.protocol !== undefined) result.protocol = filter.protocol;
    const network = (text: string) => parseIpv4Network(text) ?? { address: 0xffffffff, prefixLength: 32, mask: 0 };
    // An unparsable network matches nothing: mask 0 with a non-zero address never holds.
    if (filter.sourceNetwork !== undefined) result.sourceNetwork = network(filter.sourceNetwork);
    if (filter.destinationNetwork !== undefined) result.destinationNetwork = network(filter.destinationNetwork);
    if (filter.sourcePort !== undefined) result.sourcePort = filter.sourcePort;
    if (filter.destinationPort !== undefined) result.destinationPort = filter.destinationPort;
    return result;
  }

  private endpoint(interfaceId: number, address: number, port: number | undefined, spi: number | undefined): FlowTableEndpoint {
    const entry = this.interfaceTable.byId(interfaceId);
    return {
      interface: entry.name,
      interfaceNumber: entry.number,
      address: formatIpv4(address),
      ...(port === undefined ? {} : { port }),
      ...(spi === undefined ? {} : { spi }),
    };
  }

  /** `flow -show` row; the reverse row is shown in reverse order, as the seed prints "...rev:". */
  flowEntry(slot: number, now: number): FlowTableEntry {
    const f = this.flows;
    const protocol = f.protocol[slot] ?? 0;
    const esp = protocol === IP_PROTOCOL.esp;
    const source = f.source[slot] ?? 0;
    const destination = f.destination[slot] ?? 0;
    const timeoutSeconds = ((f.expiresAt[slot] ?? 0) - now) / 1000;
    const forward: FlowTableRow = {
      protocol: protocolName(protocol),
      source: this.endpoint(f.sourceInterface[slot] ?? 0, source, esp ? undefined : f.sourcePort[slot], undefined),
      destination: this.endpoint(f.destinationInterface[slot] ?? 0, destination, esp ? undefined : f.destinationPort[slot], esp ? f.destinationPort[slot] : undefined),
      timeoutSeconds,
    };
    const reverse: FlowTableRow = esp
      ? forward
      : {
          protocol: forward.protocol,
          source: this.endpoint(f.reverseInterface[slot] ?? 0, source, f.reverseDestinationPort[slot], undefined),
          destination: this.endpoint(f.destinationInterface[slot] ?? 0, destination, f.reverseSourcePort[slot], undefined),
          timeoutSeconds,
        };
    return { ...forward, reverse };
  }

  flowView(slot: number, now: number): FlowView {
    const f = this.flows;
    const entry = this.flowEntry(slot, now);
    const view = (endpoint: FlowTableEndpoint) => ({
      interface: endpoint.interface,
      interfaceNumber: endpoint.interfaceNumber ?? 0,
      address: endpoint.address,
      ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
      ...(endpoint.spi === undefined ? {} : { spi: `0x${(endpoint.spi >>> 0).toString(16).padStart(8, '0')}` }),
    });
    const reverse = entry.reverse ?? entry;
    const esp = (f.protocol[slot] ?? 0) === IP_PROTOCOL.esp;
    const rule = f.text(f.rule[slot] ?? -1);
    const tunnel = f.text(f.tunnel[slot] ?? -1);
    const childSaId = f.text(f.childSa[slot] ?? -1);
    return {
      id: `f${f.id[slot] ?? 0}`,
      protocol: entry.protocol,
      protocolNumber: f.protocol[slot] ?? 0,
      source: view(entry.source),
      destination: view(entry.destination),
      // The reverse direction as it travels: from the destination side back to the source side.
      reverse: esp
        ? { source: view(entry.source), destination: view(entry.destination) }
        : { source: view(reverse.destination), destination: view(reverse.source) },
      timeoutSeconds: Math.max(0, entry.timeoutSeconds),
      expiresAt: f.expiresAt[slot] ?? 0,
      createdAt: f.createdAt[slot] ?? 0,
      lastSeenAt: f.lastSeenAt[slot] ?? 0,
      packets: f.packets[slot] ?? 0,
      bytes: f.bytes[slot] ?? 0,
      reversePackets: f.reversePackets[slot] ?? 0,
      reverseBytes: f.reverseBytes[slot] ?? 0,
      ...(rule === undefined ? {} : { rule }),
      ...(tunnel === undefined ? {} : { tunnel }),
      ...(childSaId === undefined ? {} : { childSaId }),
    };
  }

  // -------------------------------------------------------------------------
  // Drops, counters, events

  private drop(code: string, message: string, context: DropContext): PacketOutcome {
    this.totals.packetsDropped++;
    this.dropsByReason[code] = (this.dropsByReason[code] ?? 0) + 1;
    const counters = this.countersOf(context.ingress);
    counters.drops++;
    const packet = context.packet;
    if (packet?.icmp !== undefined && (packet.icmp.type === ICMP_TYPE.echoRequest || packet.icmp.type === ICMP_TYPE.echoReply)) {
      this.probes.noteDrop(packet.icmp.identifier, packet.icmp.sequence, `dropped (${code}): ${message}`);
    }
    const ports = packet !== undefined && (packet.udp !== undefined || packet.tcp !== undefined || packet.icmp !== undefined);
    this.emit({
      type: 'dataplane.packet.dropped',
      time: this.clock.now(),
      code,
      message,
      ...(context.rule === undefined ? {} : { rule: context.rule }),
      sourceInterface: context.ingress,
      ...(context.egress === undefined ? {} : { destinationInterface: context.egress }),
      protocol: packet === undefined ? 'unknown' : protocolName(packet.ip.protocol),
      source: packet === undefined ? '' : formatIpv4(packet.ip.source),
      destination: packet === undefined ? '' : formatIpv4(packet.ip.destination),
      ...(ports && packet !== undefined ? { sourcePort: packet.sourcePort, destinationPort: packet.destinationPort } : {}),
      ...(context.tunnel === undefined ? {} : { tunnel: context.tunnel }),
      ...(context.route === undefined ? {} : { route: context.route }),
    });
    return { verdict: 'dropped', code, message };
  }

  private countersOf(name: string): InterfaceCounters {
    let counters = this.interfaceCounters.get(name);
    if (counters === undefined) {
      counters = { packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, drops: 0 };
      this.interfaceCounters.set(name, counters);
    }
    return counters;
  }

  private countIn(name: string, bytes: number): void {
    const counters = this.countersOf(name);
    counters.packetsIn++;
    counters.bytesIn += bytes;
  }

  private countOut(name: string, bytes: number): void {
    const counters = this.countersOf(name);
    counters.packetsOut++;
    counters.bytesOut += bytes;
  }

  private emit(event: DataPlaneEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function describePacket(packet: PacketSummary): string {
  const { ip } = packet;
  const name = protocolName(ip.protocol);
  const ports = packet.udp !== undefined || packet.tcp !== undefined ? [`:${packet.sourcePort}`, `:${packet.destinationPort}`] : ['', ''];
  return `${name} ${formatIpv4(ip.source)}${ports[0]} -> ${formatIpv4(ip.destination)}${ports[1]}`;
}

function protocolFromText(text: string): number {
  const named = PROTOCOL_NAMES[text.toLowerCase()];
  if (named !== undefined) return named;
  return /^\d{1,3}$/.test(text) ? Number(text) : -1;
}

function sortField(sort: FlowQuery['sort']): FlowSortField {
  return sort ?? 'created';
}
