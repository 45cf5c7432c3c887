/**
 * `trace`: what one packet (interface, protocol, 5-tuple) would hit — the
 * flow, the route, the IP rule, the tunnel's traffic selectors and SA — or
 * exactly why it would be dropped. Reads the tables only: no flows are
 * created, no counters move, no events are emitted.
 *
 * The reverse route is checked too: when replies to the source would leave
 * through another interface than the one the packet arrived on (an
 * all-nets-ip4 route through a tunnel catching a management network, seed
 * 13.6.5), the trace says which route takes them.
 */
import type { TraceRequest, TraceResult, TraceStep } from '@tunnelscope/api';
import { PROTOCOL_NAMES } from '../cli/command-table.ts';
import type { DataPlane } from './data-plane.ts';
import { formatIpv4, parseIpv4 } from './ipv4-address.ts';
import { ICMP_TYPE, IP_PROTOCOL, protocolName } from './ipv4-packet.ts';

function protocolNumber(text: string): number | undefined {
  const named = PROTOCOL_NAMES[text.toLowerCase()];
  if (named !== undefined) return named;
  return /^\d{1,3}$/.test(text) && Number(text) <= 255 ? Number(text) : undefined;
}

export function traceDataPlane(dataPlane: DataPlane, request: TraceRequest): TraceResult {
  const steps: TraceStep[] = [];
  const result: Omit<TraceResult, 'steps' | 'text'> & { verdict: TraceResult['verdict'] } = { verdict: 'drop' };
  const finish = (): TraceResult => {
    const text = steps.map((step) => `${step.ok ? '  ok  ' : ' FAIL '} ${step.stage.padEnd(8)} ${step.text}`);
    const header = `trace ${request.protocol} ${request.source}${request.sourcePort === undefined ? '' : `:${request.sourcePort}`} -> ${request.destination}${request.destinationPort === undefined ? '' : `:${request.destinationPort}`} arriving on ${request.sourceInterface}`;
    const verdict = result.verdict === 'drop' ? `verdict: drop (${result.dropReason ?? 'unknown'})` : `verdict: ${result.verdict}`;
    return { ...result, steps, text: [header, ...text, verdict].join('\n') };
  };
  const fail = (reason: string, text: string, detail?: Record<string, unknown>): TraceResult => {
    steps.push({ stage: 'drop', ok: false, text, ...(detail === undefined ? {} : { detail }) });
    result.verdict = 'drop';
    result.dropReason = reason;
    return finish();
  };

  const interfaces = dataPlane.interfacesTable;
  const ingress = interfaces.get(request.sourceInterface);
  if (ingress === undefined) return fail('no_interface', `"${request.sourceInterface}" is not an interface or tunnel of this gateway`);
  const protocol = protocolNumber(request.protocol);
  if (protocol === undefined) return fail('bad_request', `protocol "${request.protocol}" is not icmp, udp, tcp, esp or a number 0-255`);
  const source = parseIpv4(request.source);
  const destination = parseIpv4(request.destination);
  if (source === undefined) return fail('bad_request', `source "${request.source}" is not an IPv4 address`);
  if (destination === undefined) return fail('bad_request', `destination "${request.destination}" is not an IPv4 address`);
  const icmp = protocol === IP_PROTOCOL.icmp;
  const sourcePort = request.sourcePort ?? (icmp ? ICMP_TYPE.echoRequest << 8 : 0);
  const destinationPort = request.destinationPort ?? 0;
  const name = protocolName(protocol);

  // Flow.
  const flows = dataPlane.flows;
  const handle = flows.lookup(protocol, source, destination, sourcePort, destinationPort);
  const now = dataPlane.now();
  if (handle >= 0 && (flows.expiresAt[handle >> 1] ?? 0) > now) {
    const slot = handle >> 1;
    const forward = (handle & 1) === 0;
    const egressId = forward ? flows.destinationInterface[slot] : flows.reverseInterface[slot];
    const egress = interfaces.byId(egressId ?? 0);
    const rule = flows.text(flows.rule[slot] ?? -1);
    steps.push({
      stage: 'flow',
      ok: true,
      text: `matches flow f${flows.id[slot] ?? 0} (${forward ? 'forward' : 'reverse'} direction) to ${egress.name}${rule === undefined ? '' : `, allowed by rule ${rule}`}`,
      detail: { flow: `f${flows.id[slot] ?? 0}`, direction: forward ? 'forward' : 'reverse' },
    });
    if (rule !== undefined) result.rule = rule;
    return egressSteps(egress.name);
  }
  steps.push({ stage: 'flow', ok: true, text: `no flow for ${name} ${request.source} -> ${request.destination}: a new connection` });

  // Route.
  const routed = dataPlane.route(destination);
  if (routed === undefined) return fail('no_route', `no route to ${request.destination}`);
  const { route, egress } = routed;
  result.route = { network: route.networkText, interface: route.interface, gateway: route.gateway, metric: route.metric };
  steps.push({ stage: 'route', ok: true, text: `route ${route.label} (prefix /${route.network.prefixLength}, metric ${route.metric})` });
  if (ingress.kind !== 'core') {
    const back = dataPlane.route(source);
    if (back !== undefined && back.egress.name !== ingress.name) {
      steps.push({
        stage: 'route',
        ok: false,
        text: `replies to ${request.source} would leave through ${back.egress.name} (route ${back.route.label}), not ${ingress.name} where the packet arrives${back.egress.kind === 'tunnel' ? '; a specific route for that network via its own interface is missing (13.6.5)' : ''}`,
        detail: { reverseRoute: back.route.label, reverseInterface: back.egress.name },
      });
    }

    // Rules.
    const decision = dataPlane.rules.evaluate({
      sourceInterface: ingress.name,
      destinationInterface: egress.name,
      source,
      destination,
      protocol,
      destinationPort: protocol === IP_PROTOCOL.tcp || protocol === IP_PROTOCOL.udp ? destinationPort : 0,
    });
    if (decision.rule === undefined) {
      steps.push({ stage: 'rule', ok: false, text: decision.message });
      return fail('no_matching_rule', decision.message);
    }
    result.rule = decision.rule.label;
    if (decision.action !== 'Allow') {
      const text = `rule ${decision.rule.label} (${decision.rule.text}) ${decision.action === 'Reject' ? 'rejects' : 'drops'} it`;
      steps.push({ stage: 'rule', ok: false, text });
      return fail(decision.action === 'Reject' ? 'rule_reject' : 'rule_drop', text);
    }
    steps.push({ stage: 'rule', ok: true, text: `rule ${decision.rule.label} allows it: ${decision.rule.text}` });
  }
  return egressSteps(egress.name);

  function egressSteps(egressName: string): TraceResult {
    if (destination === undefined) return fail('bad_request', 'no destination');
    const egress = interfaces.get(egressName);
    if (egress === undefined) return fail('no_interface', `egress ${egressName} is gone`);
    result.destinationInterface = egress.name;
    if (egress.kind === 'core') {
      steps.push({ stage: 'local', ok: true, text: `delivered to the gateway (core)${icmp ? '; it answers ICMP echo' : ''}` });
      result.verdict = 'local';
      return finish();
    }
    if (egress.kind === 'ethernet') {
      const host = dataPlane.simulatedHosts.find(egress.name, destination);
      if (host === undefined) return fail('no_host', `no simulated host ${request.destination} on ${egress.name}`);
      steps.push({ stage: 'host', ok: true, text: `simulated host ${host.name} (${formatIpv4(host.address)}) on ${egress.name}` });
      result.verdict = 'forward';
      return finish();
    }
    result.tunnel = egress.name;
    const describe = dataPlane.tunnels.describe;
    if (describe === undefined) {
      steps.push({ stage: 'sa', ok: true, text: `into tunnel ${egress.name}; the ESP layer does not report which CHILD_SA would carry it` });
      result.verdict = 'forward';
      return finish();
    }
    const description = describe.call(dataPlane.tunnels, egress.name, request.source, request.destination);
    if (description.selectors !== undefined) steps.push({ stage: 'selector', ok: description.ok || description.reason !== 'ts_mismatch', text: `traffic selectors ${description.selectors}` });
    if (!description.ok) {
      const reason = description.reason ?? 'no_sa';
      steps.push({ stage: 'sa', ok: false, text: description.detail });
      return fail(reason, reason === 'no_sa' ? `no CHILD_SA is up for tunnel ${egress.name}: ${description.detail}` : description.detail);
    }
    if (description.childSaId !== undefined) result.childSaId = description.childSaId;
    if (description.spi !== undefined) result.spi = `0x${(description.spi >>> 0).toString(16).padStart(8, '0')}`;
    steps.push({ stage: 'sa', ok: true, text: `CHILD_SA ${description.childSaId ?? '?'}${result.spi === undefined ? '' : ` (SPI ${result.spi})`}: ${description.detail}` });
    result.verdict = 'forward';
    return finish();
  }
}
