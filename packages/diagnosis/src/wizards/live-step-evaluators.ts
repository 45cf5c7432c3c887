/**
 * Step evaluators that read the running gateway as well as the events:
 * pings and traces through the data plane (13.6.1 ICMP rule, 13.6.5
 * management route) and the certificate cache and store (13.6.2
 * checklist). Each prefers live evidence (the step's own ping, a trace, the
 * cache as read now), then events since the step began, then the config —
 * and never says OK without something to show for it.
 */
import type { CertificateSummary, GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import type { FindingCode } from '../model/finding.ts';
import { formatIpAddress, parseNetwork, rangeContains } from '../net/ip-networks.ts';
import { firstMatchingRule } from '../net/rule-match.ts';
import { addressBookOf, resolveReferences } from '../net/tunnel-networks.ts';
import { describeDuration, formatInZone, formatUtc, skewAhead } from '../rules/certificate-time.ts';
import { configFindings, eventsSinceStart, findingsSinceStart, problemFrom, notVerified, type Verdict } from './step-evaluators.ts';
import type { CertificateCheck, StepContext } from './wizard-types.ts';

function tunnelOf(context: StepContext): { tunnel: TunnelConfig; index: number } | undefined {
  const index = context.config.tunnels.findIndex((t) => t.name === context.tunnel);
  return index < 0 ? undefined : { tunnel: context.config.tunnels[index]!, index };
}

/** An address of ours the tunnel's peer would ping: an interface address inside the tunnel's local networks (every interface address is core's). */
export function gatewayAddressFor(config: GatewayConfig, tunnel: TunnelConfig): string | undefined {
  const local = resolveReferences(tunnel.localNetworks, addressBookOf(config));
  const addresses = config.interfaces.flatMap((i) => i.addresses.map((a) => a.split('/')[0]!));
  return addresses.find((address) => {
    const host = parseNetwork(address)?.range;
    return host !== undefined && local.some((range) => rangeContains(range, host));
  });
}

/** A host address inside the tunnel's remote networks (the first usable one), as a ping source from the far side. */
export function remoteHostFor(config: GatewayConfig, tunnel: TunnelConfig): string | undefined {
  const range = resolveReferences(tunnel.remoteNetworks, addressBookOf(config)).find((r) => r.family === 4 && r.last > r.first);
  return range ? formatIpAddress({ family: 4, value: range.first + 1n }) : undefined;
}

/**
 * 13.6.1 "Use ICMP Ping to confirm that the tunnel is working", with the
 * rule `Allow <tunnel> all-nets-ip4 core all-nets-ip4 ICMP`: the step's
 * ping through the tunnel, else ICMP drops since the step began, else a
 * trace of an echo from the far side to our gateway, else the rule set.
 */
export function checkIcmpReachability(context: StepContext): Verdict {
  const found = tunnelOf(context);
  if (!found) return { status: 'problem-found', citing: [], configPaths: ['tunnels'], message: `no tunnel "${context.tunnel}"`, findings: [] };
  const { tunnel } = found;
  const icmpFindings = findingsSinceStart(context).filter((f) => f.code === 'icmp_rule_missing');
  const ping = context.live?.pings?.filter((p) => p.tunnel === context.tunnel && p.at >= context.stepStartedAt).at(-1);
  const destination = gatewayAddressFor(context.config, tunnel);
  const source = remoteHostFor(context.config, tunnel);
  const rulePath = (from: string | undefined, to: string | undefined): string[] => {
    if (!from || !to) return ['ipRules'];
    const index = firstMatchingRule(context.config, { sourceInterface: tunnel.name, source: from, destinationInterface: 'core', destination: to, protocol: 'icmp' });
    return index >= 0 ? [`ipRules[${index}]`] : ['ipRules'];
  };
  if (ping) {
    const summary = ping.result.text.trim().split('\n').at(-1) ?? '';
    if (ping.result.received > 0) {
      return {
        status: 'verified-ok',
        citing: [],
        configPaths: rulePath(ping.result.source, ping.result.destination),
        message: `ping ${ping.result.source} -> ${ping.result.destination} through "${tunnel.name}": ${ping.result.received}/${ping.result.sent} answered (${summary}).`,
        findings: [],
      };
    }
    const errors = [...new Set(ping.result.replies.flatMap((r) => (r.error ? [r.error] : [])))];
    if (icmpFindings.length > 0) return { ...problemFrom(icmpFindings, 'the ping is dropped by the rule set'), message: `ping through "${tunnel.name}" got no answer (${errors.join('; ') || summary}): ${icmpFindings[0]!.explanation}` };
    return {
      status: 'problem-found',
      citing: eventsSinceStart(context).filter((e) => e.event.type === 'dataplane.packet.dropped').map((e) => e.id),
      configPaths: rulePath(ping.result.source, ping.result.destination),
      message: `ping ${ping.result.source} -> ${ping.result.destination} through "${tunnel.name}": no answer (${errors.join('; ') || summary}).`,
      findings: [],
      next: { wizard: 'general-checks', reason: 'the ping through the tunnel is not answered' },
    };
  }
  if (icmpFindings.length > 0) return problemFrom(icmpFindings, 'pings through the tunnel are dropped by the rule set');
  if (context.live?.dataPlane && source && destination) {
    const trace = context.live.dataPlane.trace({ sourceInterface: tunnel.name, protocol: 'icmp', source, destination });
    if (trace.verdict === 'local') {
      return { status: 'verified-ok', citing: [], configPaths: rulePath(source, destination), message: `an echo from ${source} through "${tunnel.name}" to ${destination} is delivered to the gateway${trace.rule ? ` (rule "${trace.rule}")` : ''}: it answers pings.`, findings: [] };
    }
    return {
      status: 'problem-found',
      citing: [],
      configPaths: rulePath(source, destination),
      message: `an echo from ${source} through "${tunnel.name}" to ${destination} would be dropped${trace.dropReason ? ` (${trace.dropReason}${trace.rule ? `, rule "${trace.rule}"` : ''})` : ''}: ${trace.text.trim().split('\n').at(-1)}. Add: Allow ${tunnel.name} all-nets-ip4 core all-nets-ip4 ICMP.`,
      findings: [],
    };
  }
  // Config only: the first rule an echo from the tunnel to the gateway meets.
  const index = firstMatchingRule(context.config, {
    sourceInterface: tunnel.name,
    source: source ?? '0.0.0.1',
    destinationInterface: 'core',
    destination: destination ?? '0.0.0.1',
    protocol: 'icmp',
  });
  const rule = context.config.ipRules[index];
  if (rule?.action === 'Allow') {
    return { status: 'verified-ok', citing: [], configPaths: [`ipRules[${index}]`], message: `ipRules[${index}]${rule.name ? ` "${rule.name}"` : ''} lets ICMP from "${tunnel.name}" reach the gateway (from the config; ping through the tunnel to confirm).`, findings: [] };
  }
  return {
    status: 'problem-found',
    citing: [],
    configPaths: rule ? [`ipRules[${index}]`] : ['ipRules'],
    message: `${rule ? `ipRules[${index}]${rule.name ? ` "${rule.name}"` : ''} (${rule.action}) catches` : 'no rule allows'} ICMP from "${tunnel.name}" to the gateway: a ping through the tunnel gets no answer. Add: Allow ${tunnel.name} all-nets-ip4 core all-nets-ip4 ICMP${rule ? ' above it' : ''}.`,
    findings: [],
  };
}

// ---------------------------------------------------------------------------------
// 13.6.2 certificate checklist

const CERTIFICATE_CODES: Readonly<Record<CertificateCheck, readonly FindingCode[]>> = {
  purposes: ['certificate_wrong_purpose', 'certificate_other_ca', 'certificate_identity_mismatch', 'certificate_bad_signature'],
  'file-names': ['certificate_name_mismatch', 'local_certificate_problem'],
  expiry: ['certificate_expired'],
  clock: ['certificate_not_yet_valid'],
  crl: ['crl_unreachable', 'crl_dns_failure', 'no_dns_servers', 'crl_invalid', 'certificate_revoked', 'certificate_cache_stale'],
};

function describeValidity(certificate: CertificateSummary, zone: string): string {
  return `"${certificate.subject}" valid ${formatUtc(certificate.validFrom)} to ${formatUtc(certificate.validTo)} (${formatInZone(certificate.validFrom, zone)} to ${formatInZone(certificate.validTo, zone)}): ${certificate.status}`;
}

/** A step of the 13.6.2 checklist, checked on the live certificate cache and store. */
export function checkCertificates(check: CertificateCheck) {
  return (context: StepContext): Verdict => {
    const found = tunnelOf(context);
    if (!found) return { status: 'problem-found', citing: [], configPaths: ['tunnels'], message: `no tunnel "${context.tunnel}"`, findings: [] };
    const { tunnel, index } = found;
    const path = `tunnels[${index}]`;
    if (tunnel.auth.method !== 'certificate') {
      return { status: 'problem-found', citing: [], configPaths: [`${path}.auth`], message: `"${tunnel.name}" authenticates with a pre-shared key, not certificates`, findings: [], next: { wizard: 'error-no-public-key', reason: 'the two sides may not agree on the method' } };
    }
    const certificateName = tunnel.auth.certificate;
    const roots = tunnel.auth.rootCertificates;
    const findings = findingsSinceStart(context).filter((f) => CERTIFICATE_CODES[check].includes(f.code));
    if (findings.length > 0) return problemFrom(findings, `the ${check} check found a problem`);
    const certificates = context.live?.certificates;
    if (!certificates) return notVerified('the certificate cache cannot be read here: initiate the tunnel and read the findings');
    const cache = certificates.cache();
    const store = certificates.store();
    const local = store.local.find((entry) => entry.name === certificateName);
    const peerCertificates = cache.certificates.filter((c) => c.source === 'peer' && (tunnel.remoteEndpoint === 'none' || c.receivedFrom === undefined || c.receivedFrom === tunnel.remoteEndpoint));
    const anchors = store.authorities.filter((a) => roots.some((name) => a.subject.includes(name) || a.id === name));
    const problem = (message: string, configPaths: string[]): Verdict => ({ status: 'problem-found', citing: [], configPaths, message, findings: [] });
    const ok = (message: string, configPaths: string[]): Verdict => ({ status: 'verified-ok', citing: [], configPaths, message, findings: [] });
    switch (check) {
      case 'purposes': {
        if (!local?.certificate) return problem(`our certificate "${certificateName}" is not loaded (${local?.problems.join('; ') || 'no such .cer in the store'})`, [`${path}.auth.certificate`]);
        if (local.certificate.isCa) return problem(`our certificate "${certificateName}" is a CA certificate: a gateway needs an end-entity certificate`, [`${path}.auth.certificate`]);
        const caAsPeer = peerCertificates.find((c) => c.isCa);
        if (caAsPeer) return problem(`the peer presented a CA certificate ("${caAsPeer.subject}") as its own`, [`${path}.auth`]);
        return ok(`our certificate "${local.certificate.subject}" is an end-entity certificate; ${peerCertificates.length > 0 ? `the peer's "${peerCertificates[0]!.subject}" too` : 'the peer\'s is not cached yet'}; trusted CAs: ${roots.join(', ')}.`, [`${path}.auth`]);
      }
      case 'file-names': {
        if (!local) return problem(`no "${certificateName}.cer" in the certificate directory ${store.directory}`, [`${path}.auth.certificate`, 'engine.certificateDirectory']);
        if (!local.hasKey || local.keyMatches === false || local.problems.length > 0) {
          return problem(`"${certificateName}": ${local.problems.join('; ') || (!local.hasKey ? `no ${certificateName}.key with the same filename` : 'the key does not match the certificate')}`, [`${path}.auth.certificate`]);
        }
        return ok(`${certificateName}.cer and ${certificateName}.key have the same filename and the key matches.`, [`${path}.auth.certificate`]);
      }
      case 'expiry': {
        const expired = [...(local?.certificate ? [local.certificate] : []), ...peerCertificates, ...anchors].filter((c) => c.status === 'Expired' || c.validTo < cache.time);
        if (expired.length > 0) return problem(`expired: ${expired.map((c) => describeValidity(c, cache.timeZone)).join('; ')}`, [`${path}.auth`]);
        const shown = [...(local?.certificate ? [local.certificate] : []), ...peerCertificates];
        if (shown.length === 0) return notVerified('no certificate of this tunnel is loaded or cached yet: initiate the tunnel');
        return ok(`not expired: ${shown.map((c) => `"${c.subject}" until ${formatUtc(c.validTo)} (${describeDuration(c.validTo - cache.time)} left)`).join('; ')}.`, [`${path}.auth`]);
      }
      case 'clock': {
        const early = [...(local?.certificate ? [local.certificate] : []), ...peerCertificates, ...anchors].filter((c) => c.validFrom > cache.time);
        const clock = `gateway clock ${formatUtc(cache.time)} = ${formatInZone(cache.time, cache.timeZone)} (zone ${cache.timeZone})`;
        if (early.length > 0) {
          const details = early.map((c) => {
            const skew = skewAhead(c.validFrom, cache.time);
            return `"${c.subject}" starts ${formatUtc(c.validFrom)}, ${describeDuration(skew.aheadMs)} ahead${skew.zoneLikeHours !== null ? ` — ${skew.zoneLikeHours} whole hour(s): a time-zone offset (local time taken for UTC on the CA or here)` : ''}`;
          });
          return problem(`not yet valid on this clock: ${clock}; ${details.join('; ')}`, ['timeZone', `${path}.auth`]);
        }
        return ok(`${clock}; every certificate of "${tunnel.name}" has started to be valid. Compare the clock with a reference.`, ['timeZone']);
      }
      case 'crl': {
        if (!tunnel.crlChecking) return ok(`CRL checking is off for "${tunnel.name}": CA server access cannot be the problem.`, [`${path}.crlChecking`]);
        const bad = cache.crls.filter((crl) => crl.state !== 'valid');
        if (bad.length > 0) {
          return problem(
            `CRL not usable: ${bad.map((crl) => `${crl.url} ${crl.state}${crl.lastError ? ` (${crl.lastError})` : ''}`).join('; ')}. Disable CRL checking to see if CA server access is the problem.`,
            [`${path}.crlChecking`, 'dnsServers'],
          );
        }
        const fetched = eventsSinceStart(context).filter((e) => e.event.type === 'cert.crl.fetch' && e.event.ok);
        if (cache.crls.length === 0 && fetched.length === 0) return notVerified('no CRL fetched yet: initiate the tunnel so the peer\'s certificate is checked');
        return {
          status: 'verified-ok',
          citing: fetched.map((e) => e.id),
          configPaths: [`${path}.crlChecking`],
          message: `CRL reachable: ${cache.crls.map((crl) => `${crl.url} valid${crl.fetchedAt !== undefined ? `, fetched ${formatUtc(crl.fetchedAt)}` : ''}${crl.nextUpdate !== undefined ? `, next update ${formatUtc(crl.nextUpdate)}` : ''}`).join('; ')}.`,
          findings: [],
        };
      }
    }
  };
}

/** `ike -certflush`, then the next negotiation: the flush shows as cert.cache.changed, the outcome as an SA or a certificate finding. */
export function expectFlushThenOutcome(context: StepContext): Verdict {
  const since = eventsSinceStart(context);
  const all = context.events.filter((e) => e.event.time >= context.stepStartedAt && e.event.time <= context.now);
  const flush = all.find((e) => e.event.type === 'cert.cache.changed' && e.event.reason === 'flushed');
  if (!flush) return notVerified('no flush of the certificate cache since this step began');
  const after = since.filter((e) => e.id > flush.id);
  const findings = findingsSinceStart(context).filter((f) => f.evidence.events.some((e) => e.eventId > flush.id));
  if (findings.length > 0) return { ...problemFrom(findings, 'after the flush the certificate still fails'), citing: [flush.id, ...findings.flatMap((f) => f.evidence.events.map((e) => e.eventId))] };
  const up = after.filter((e) => e.event.type === 'ike.sa.up' && e.tunnel === context.tunnel);
  const refetched = all.filter((e) => e.id > flush.id && e.event.type === 'cert.crl.fetch');
  if (up.length > 0) {
    return { status: 'verified-ok', citing: [flush.id, ...refetched.map((e) => e.id), ...up.map((e) => e.id)], configPaths: [], message: `the cache was flushed${refetched.length > 0 ? ` and the CRL refetched` : ''}; "${context.tunnel}" came up with current certificates.`, findings: [] };
  }
  return { status: 'not-verified', citing: [], configPaths: [], message: 'the cache was flushed: initiate the tunnel so the next negotiation refetches', findings: [], next: null };
}

// ---------------------------------------------------------------------------------
// 13.6.5 management interface failure

/** Config: an all-nets route into a tunnel without a specific route for the management network. */
export function checkManagementRoute(context: StepContext): Verdict {
  const findings = configFindings(context, ['management_route_via_tunnel'], true);
  if (findings.length > 0) return problemFrom(findings, 'management traffic follows the all-nets route into a tunnel');
  const paths = context.config.routes.map((_, i) => `routes[${i}]`);
  return { status: 'verified-ok', citing: [], configPaths: paths.length > 0 ? paths : ['routes'], message: 'no route sends management traffic into a tunnel: the management network has a route of its own, or no all-nets route points into a tunnel.', findings: [] };
}

/** Live: trace a reply from the gateway to each management host (and read flows from mgm): which interface does it leave through? */
export function traceManagementReplies(context: StepContext): Verdict {
  const dataPlane = context.live?.dataPlane;
  const tunnels = new Set(context.config.tunnels.map((t) => t.name));
  const managementInterfaces = context.config.interfaces.filter((i) => !tunnels.has(i.name) && i.name !== 'core' && (i.name === 'mgm' || /mgm|mgmt|manage/i.test(i.name)));
  const seen = findingsSinceStart(context).filter((f) => f.code === 'management_route_via_tunnel');
  if (seen.length > 0) return problemFrom(seen, 'replies to the management network went into a tunnel');
  if (!dataPlane) return notVerified('the data plane cannot be traced here: reach the gateway from the management network and read the flows');
  if (managementInterfaces.length === 0) return notVerified('no management interface (mgm) is configured');
  const problems: string[] = [];
  const checked: string[] = [];
  for (const iface of managementInterfaces) {
    const own = iface.addresses[0]?.split('/')[0];
    const hosts = (context.config.hosts ?? []).filter((h) => h.interface === iface.name).map((h) => h.address);
    const targets = hosts.length > 0 ? hosts : iface.addresses.flatMap((a) => {
      const net = parseNetwork(a);
      return net && net.range.last > net.range.first + 1n ? [formatIpAddress({ family: net.range.family, value: net.range.last - 1n })] : [];
    });
    for (const target of targets) {
      if (!own) continue;
      const trace = dataPlane.trace({ sourceInterface: 'core', protocol: 'icmp', source: own, destination: target });
      checked.push(`${own} -> ${target}: ${trace.destinationInterface ?? trace.verdict}`);
      if (trace.destinationInterface && tunnels.has(trace.destinationInterface)) {
        problems.push(`a reply to ${target} leaves through the tunnel "${trace.destinationInterface}"${trace.route ? ` (route ${trace.route.network} via ${trace.route.interface})` : ''} instead of "${iface.name}"`);
      }
    }
    const flows = dataPlane.listFlows({ srciface: iface.name, limit: 100 }).flows.filter((f) => tunnels.has(f.reverse.destination.interface));
    for (const flow of flows) problems.push(`flow ${flow.id}: ${flow.source.address} -> ${flow.destination.address} arrived on "${iface.name}", its replies go into "${flow.reverse.destination.interface}"`);
  }
  if (problems.length > 0) {
    return { status: 'problem-found', citing: [], configPaths: ['routes'], message: `Management interface failure with VPN: ${problems.join('; ')}. Create a specific route that sends the management sub-network out of the management interface.`, findings: [], next: { step: 'routes' } };
  }
  if (checked.length === 0) return notVerified('no management host to trace to');
  return { status: 'verified-ok', citing: [], configPaths: ['routes'], message: `replies to the management network leave through the management interface (${checked.join('; ')}).`, findings: [] };
}
