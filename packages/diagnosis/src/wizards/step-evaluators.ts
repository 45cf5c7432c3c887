/**
 * Evaluators the wizard steps are built from. Each reads only events at or
 * after the step's start (and the config, for config checks), and routes a
 * problem to the wizard of the seed section that covers it.
 */
import type { FindingCode } from '../model/finding.ts';
import { diagnose } from '../diagnose.ts';
import { EventIndex, type IndexedEvent } from '../events/event-index.ts';
import type { DiagnosisRule } from '../rules/rule-types.ts';
import { DIAGNOSIS_RULES } from '../rules/rule-table.ts';
import type { ConfigCheck, NextStep, StepContext, StepEvaluation } from './wizard-types.ts';

export type Verdict = Omit<StepEvaluation, 'next'> & { readonly next?: NextStep };

/** The wizard for each finding (seed section). */
export const WIZARD_FOR_FINDING: Readonly<Record<FindingCode, string>> = {
  no_proposal_chosen: 'error-no-proposal-chosen',
  no_common_dh_group: 'error-no-proposal-chosen',
  pfs_mismatch: 'error-no-proposal-chosen',
  network_mismatch: 'error-no-proposal-chosen',
  dh_group_preference: 'error-no-proposal-chosen',
  ike_version_mismatch: 'error-no-proposal-chosen',
  incorrect_psk: 'error-incorrect-psk',
  psk_type_mismatch: 'error-incorrect-psk',
  wrong_tunnel_selected: 'error-incorrect-psk',
  tunnel_up_one_side: 'error-invalid-payload-cookie',
  payload_malformed: 'error-payload-malformed',
  no_public_key_found: 'error-no-public-key',
  one_sided_initiation: 'one-sided-initiation',
  lifetime_mismatch: 'one-sided-initiation',
  peer_not_responding: 'general-checks',
  tunnel_shadowed: 'general-checks',
  network_host_bits: 'general-checks',
  duplicate_tunnel: 'general-checks',
  overlapping_tunnels: 'general-checks',
  local_remote_overlap: 'general-checks',
  management_route_via_tunnel: 'management-route',
  certificate_other_ca: 'certificates',
  certificate_expired: 'certificates',
  certificate_not_yet_valid: 'certificates',
  certificate_revoked: 'certificates',
  crl_unreachable: 'certificates',
  crl_dns_failure: 'certificates',
  no_dns_servers: 'certificates',
  crl_invalid: 'certificates',
  certificate_wrong_purpose: 'certificates',
  certificate_identity_mismatch: 'certificates',
  no_certificate_received: 'error-no-public-key',
  certificate_bad_signature: 'certificates',
  local_certificate_problem: 'certificates',
  certificate_name_mismatch: 'certificates',
  certificate_cache_stale: 'certificates',
  icmp_rule_missing: 'general-checks',
  keepalive_failing: 'error-invalid-payload-cookie',
  keepalive_renegotiated: 'error-invalid-payload-cookie',
  esp_unknown_spi: 'error-invalid-payload-cookie',
  roaming_address_overlap: 'general-checks',
};

const EVENT_RULES: readonly DiagnosisRule[] = DIAGNOSIS_RULES.filter((rule) => rule.basis === 'events');
const CONFIG_RULES: readonly DiagnosisRule[] = DIAGNOSIS_RULES.filter((rule) => rule.basis === 'config');

/** Events of the tunnel (or its peer) at or after the step's start, attributed with the full history. */
export function eventsSinceStart(context: StepContext): IndexedEvent[] {
  const tunnel = context.config.tunnels.find((t) => t.name === context.tunnel);
  const index = new EventIndex(context.events, context.config, context.now);
  return index.entries.filter(
    (entry) => entry.time >= context.stepStartedAt && (entry.tunnel === context.tunnel || (tunnel !== undefined && tunnel.remoteEndpoint !== 'none' && entry.peer === tunnel.remoteEndpoint)),
  );
}

/** Findings about the tunnel from the events after the step's start only (event rules, not config smells). */
export function findingsSinceStart(context: StepContext): ReturnType<typeof diagnose> {
  const since = context.events.filter((e) => e.event.time >= context.stepStartedAt);
  return diagnose({ config: context.config, events: since, now: context.now, ...(context.saState ? { saState: context.saState } : {}) }, EVENT_RULES).filter(
    (f) => (f.tunnel === context.tunnel || Object.values(f.facts).includes(context.tunnel)) && f.severity !== 'info',
  );
}

/** Config-only findings about the tunnel (or, with `anyTunnel`, about any tunnel: a route is the gateway's) for some codes. */
export function configFindings(context: StepContext, codes: readonly FindingCode[], anyTunnel = false): ReturnType<typeof diagnose> {
  return diagnose({ config: context.config, events: [], now: context.now }, CONFIG_RULES).filter((f) => codes.includes(f.code) && (anyTunnel || f.tunnel === context.tunnel));
}

export function problemFrom(findings: ReturnType<typeof diagnose>, fallback: string): Verdict {
  const top = findings[0]!;
  return {
    status: 'problem-found',
    citing: [...new Set(findings.flatMap((f) => f.evidence.events.map((e) => e.eventId)))],
    configPaths: top.evidence.configPaths,
    message: `${top.title}: ${top.explanation}`,
    findings,
    next: { wizard: WIZARD_FOR_FINDING[top.code], reason: fallback },
  };
}

export function notVerified(message: string): Verdict {
  return { status: 'not-verified', citing: [], configPaths: [], message, findings: [] };
}

/** Did the tunnel come up (IKE SA, or CHILD_SA for phase 2) since the step began, with us in `role` when given? */
export function expectTunnelUp(options: { phase: 'ike' | 'ipsec'; role?: 'initiator' | 'responder' }) {
  return (context: StepContext): Verdict => {
    const since = eventsSinceStart(context);
    // Our role per IKE SA, and per CHILD_SA exchange: a CHILD_SA we create
    // with CREATE_CHILD_SA on an IKE SA the peer initiated is ours to count.
    const ikeRoles = new Map<string, string>();
    const childRoles = new Map<string, string>();
    for (const entry of since) {
      if (entry.event.type === 'ike.negotiation.started' && entry.ikeSaId) ikeRoles.set(entry.ikeSaId, entry.event.role);
      if (entry.event.type === 'child.negotiation.started' && entry.event.role) childRoles.set(entry.event.childSaId, entry.event.role);
    }
    const roleOf = (entry: IndexedEvent): string | undefined =>
      (entry.event.type === 'child.sa.up' ? childRoles.get(entry.event.childSaId) : undefined) ?? (entry.ikeSaId !== null ? ikeRoles.get(entry.ikeSaId) : undefined);
    const roleOk = (entry: IndexedEvent): boolean => !options.role || roleOf(entry) === options.role;
    const upType = options.phase === 'ike' ? 'ike.sa.up' : 'child.sa.up';
    const up = since.filter((entry) => entry.event.type === upType && entry.tunnel === context.tunnel && roleOk(entry));
    const findings = findingsSinceStart(context);
    if (findings.length > 0) return problemFrom(findings, 'the negotiation since this step began failed');
    if (up.length > 0) {
      const ike = since.filter((entry) => entry.event.type === 'ike.sa.up' && entry.ikeSaId === up[0]!.ikeSaId);
      return {
        status: 'verified-ok',
        citing: [...ike.map((e) => e.id), ...up.map((e) => e.id)],
        configPaths: [],
        message: `"${context.tunnel}" came up (${options.phase === 'ike' ? 'IKE SA' : 'CHILD_SA'}${options.role ? `, we were the ${options.role}` : ''}).`,
        findings: [],
      };
    }
    return notVerified(
      since.length === 0
        ? `nothing happened on "${context.tunnel}" since this step began${options.role === 'responder' ? ': initiate the tunnel from the remote side' : ''}`
        : `no ${options.phase === 'ike' ? 'IKE SA' : 'CHILD_SA'} of "${context.tunnel}" came up${options.role ? ` with us as ${options.role}` : ''} since this step began, and no failure was recorded`,
    );
  };
}

/** Snoop lines for the tunnel's peer since the step began; `full` needs the decoded detail. */
export function expectSnoopLines(mode: 'brief' | 'full') {
  return (context: StepContext): Verdict => {
    const lines = eventsSinceStart(context).filter((entry) => entry.event.type === 'snoop.message' && (mode === 'brief' || entry.event.detail !== undefined));
    if (lines.length > 0) return { status: 'verified-ok', citing: lines.map((l) => l.id), configPaths: [], message: `${lines.length} snoop line(s)${mode === 'full' ? ' with the full decode' : ''} for this peer.`, findings: [] };
    return notVerified(`no ${mode === 'full' ? 'full ' : ''}snoop line for this peer since the step began: lines appear with the next negotiation`);
  };
}

/** The peer's offer seen since the step began, compared with ours. */
export function compareProposals(context: StepContext): Verdict {
  const findings = findingsSinceStart(context).filter((f) => ['no_proposal_chosen', 'no_common_dh_group', 'pfs_mismatch', 'ike_version_mismatch'].includes(f.code));
  const known = findings.filter((f) => f.facts.peerProposals !== 'unknown');
  if (known.length > 0) return problemFrom(known, 'the proposals do not match');
  if (findings.length > 0) {
    return {
      ...problemFrom(findings, 'the peer refused our proposals'),
      message: `${findings[0]!.title}: the peer refused our proposals, but its own offer has not been seen yet: have the remote side initiate.`,
    };
  }
  const up = expectTunnelUp({ phase: 'ike', role: 'responder' })(context);
  if (up.status === 'verified-ok') return { ...up, message: `the peer initiated and its proposals matched ours (the IKE SA came up).` };
  return notVerified('no offer from the peer since this step began: have the remote side initiate the tunnel');
}

const CONFIG_CHECK_CODES: Readonly<Record<string, readonly FindingCode[]>> = {
  addresses: ['network_host_bits'],
  'tunnel-order': ['tunnel_shadowed', 'duplicate_tunnel'],
  'network-overlap': ['overlapping_tunnels', 'local_remote_overlap'],
};

/** Config checks (evidence: config paths). */
export function checkConfig(check: ConfigCheck) {
  return (context: StepContext): Verdict => {
    const index = context.config.tunnels.findIndex((t) => t.name === context.tunnel);
    const tunnel = context.config.tunnels[index];
    if (!tunnel) return { status: 'problem-found', citing: [], configPaths: ['tunnels'], message: `no tunnel "${context.tunnel}"`, findings: [] };
    const path = `tunnels[${index}]`;
    const codes = CONFIG_CHECK_CODES[check];
    if (codes) {
      const findings = configFindings(context, codes);
      if (findings.length > 0) return problemFrom(findings, `the ${check} check found a problem`);
      if (check === 'addresses') {
        const interfaceAddresses = context.config.interfaces.flatMap((i) => i.addresses.map((a) => a.split('/')[0] ?? a));
        if (interfaceAddresses.length > 0 && !interfaceAddresses.includes(tunnel.localEndpoint)) {
          return { status: 'problem-found', citing: [], configPaths: [`${path}.localEndpoint`], message: `the local endpoint ${tunnel.localEndpoint} is not an address of any interface (${interfaceAddresses.join(', ')})`, findings: [] };
        }
      }
      return {
        status: 'verified-ok',
        citing: [],
        configPaths: [path],
        message:
          check === 'addresses'
            ? `local endpoint ${tunnel.localEndpoint}, remote endpoint ${tunnel.remoteEndpoint}, networks ${tunnel.localNetworks.join(', ')} <-> ${tunnel.remoteNetworks.join(', ')}: well-formed. Compare them with the peer's.`
            : check === 'tunnel-order'
              ? `no tunnel above "${tunnel.name}" catches its peer.`
              : `the networks of "${tunnel.name}" overlap no other tunnel's.`,
        findings: [],
      };
    }
    switch (check) {
      case 'dpd':
        return tunnel.dpd.enabled || tunnel.keepAlive.enabled
          ? { status: 'verified-ok', citing: [], configPaths: [`${path}.dpd`, `${path}.keepAlive`], message: `DPD ${tunnel.dpd.enabled ? 'on' : 'off'}, keep-alive ${tunnel.keepAlive.enabled ? 'on' : 'off'} here: check the peer uses them too.`, findings: [] }
          : { status: 'problem-found', citing: [], configPaths: [`${path}.dpd`, `${path}.keepAlive`], message: 'DPD and keep-alive are both off here: a tunnel gone on the peer\'s side is not noticed (seed 13.6.6 #3).', findings: [] };
      case 'psk-type':
      case 'auth-method':
      case 'lifetimes':
        // What we have is known; whether the peer agrees is not: never reported as OK.
        return notVerified(
          check === 'psk-type'
            ? tunnel.auth.method === 'psk'
              ? `our key is a ${tunnel.auth.psk.type === 'hex' ? 'Hex' : 'Passphrase'} key: confirm the peer uses the same type`
              : 'this tunnel uses certificates, not a pre-shared key'
            : check === 'auth-method'
              ? `this tunnel authenticates with ${tunnel.auth.method === 'psk' ? 'a pre-shared key' : 'certificates'}: confirm the peer does the same`
              : `our lifetimes: IKE ${tunnel.ikeLifetimeSeconds} s, IPsec ${tunnel.ipsecLifetimeSeconds} s: compare them with the peer's`,
        );
      default:
        return notVerified(`no config check "${check}"`);
    }
  };
}

/** Selection events since the step began: the peer got this tunnel? */
export function expectCorrectTunnelSelected(context: StepContext): Verdict {
  const tunnel = context.config.tunnels.find((t) => t.name === context.tunnel);
  const since = new EventIndex(context.events, context.config, context.now).entries.filter((e) => e.time >= context.stepStartedAt);
  const selections = since.filter((e) => e.event.type === 'tunnel.selected' && tunnel !== undefined && e.event.selection.trace.some((step) => step.tunnel === context.tunnel));
  const findings = findingsSinceStart(context).filter((f) => f.code === 'wrong_tunnel_selected');
  if (findings.length > 0) return problemFrom(findings, 'another tunnel was selected for this peer');
  const final = selections.filter((e) => e.event.type === 'tunnel.selected' && (e.event.selection.phase === 'IKE_AUTH' || e.event.selection.phase === 'IKE_SA_INIT'));
  const last = final[final.length - 1];
  if (last && last.event.type === 'tunnel.selected') {
    if (last.event.selection.tunnel === context.tunnel) {
      return { status: 'verified-ok', citing: final.map((e) => e.id), configPaths: [], message: `the peer got "${context.tunnel}": ${last.event.selection.reason}`, findings: [] };
    }
    return {
      status: 'problem-found',
      citing: final.map((e) => e.id),
      configPaths: [],
      message: `the peer got "${last.event.selection.tunnel ?? 'no tunnel'}", not "${context.tunnel}": ${last.event.selection.reason}`,
      findings: [],
      next: { wizard: 'error-incorrect-psk', reason: 'the wrong tunnel is selected' },
    };
  }
  return notVerified('no tunnel selection for this peer since the step began: initiate the tunnel from the remote side');
}

/** A CHILD_SA rekey since the step began (PFS shows here). */
export function expectRekeyOk(context: StepContext): Verdict {
  const since = eventsSinceStart(context);
  const rekeyed = since.filter((e) => e.event.type === 'child.sa.rekeyed');
  const findings = findingsSinceStart(context);
  if (findings.length > 0) return problemFrom(findings, 'the rekey failed');
  if (rekeyed.length > 0) return { status: 'verified-ok', citing: rekeyed.map((e) => e.id), configPaths: [], message: 'the CHILD_SA was rekeyed: PFS settings agree.', findings: [] };
  return notVerified('no CHILD_SA rekey since the step began');
}

/** After the stale tunnel was removed: an SA came up and no message met an unknown SA. */
export function expectNoHalfOpenTunnel(context: StepContext): Verdict {
  const up = expectTunnelUp({ phase: 'ipsec' })(context);
  if (up.status !== 'verified-ok') return up;
  const stale = eventsSinceStart(context).filter((e) => e.event.type === 'log.event' && ['unknown_ike_sa', 'invalid_ike_spi_received'].includes(e.event.condition ?? ''));
  if (stale.length > 0) return { status: 'problem-found', citing: stale.map((e) => e.id), configPaths: [], message: 'messages still meet an unknown IKE SA: the tunnel is still up on one side only', findings: [] };
  return up;
}

/** The daemon's own PSK candidate checks (and failures) since the step began. */
export function expectPskDiagnosis(context: StepContext): Verdict {
  const findings = findingsSinceStart(context).filter((f) => ['incorrect_psk', 'psk_type_mismatch', 'wrong_tunnel_selected'].includes(f.code));
  if (findings.length > 0) return problemFrom(findings, 'the pre-shared key does not verify');
  return expectTunnelUp({ phase: 'ike' })(context);
}

/** Nothing an event can show (e.g. turning snoop off): never OK. */
export function nothingToVerify(message: string) {
  return (): Verdict => notVerified(message);
}
