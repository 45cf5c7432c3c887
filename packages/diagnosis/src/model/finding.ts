/**
 * A finding: one problem (or one fact worth knowing) about one tunnel, in
 * the seed's words, with the evidence it rests on, how sure diagnosis is
 * and why, and what to do. Findings are data the server stores and the web
 * app renders; `proposeFix` turns a finding's machine-applicable fix into a
 * new config and its diff.
 */
import type { IpRule, PskType, ResponderPolicy, RouteConfig } from '@tunnelscope/api';

/**
 * Every finding code, with the seed's message as its title and the seed
 * section it comes from. Codes are stable API: the web app and the wizards
 * key on them.
 */
export const FINDING_CATALOGUE = {
  no_proposal_chosen: {
    title: 'Could not find acceptable proposal / no proposal chosen',
    seedSection: '13.6.6 #1',
  },
  no_common_dh_group: {
    title: 'Could not find acceptable proposal / no proposal chosen',
    seedSection: '13.6.6 #1 (DH Group)',
  },
  pfs_mismatch: {
    title: 'Could not find acceptable proposal / no proposal chosen',
    seedSection: '13.6.6 #1 (PFS)',
  },
  network_mismatch: {
    title: 'Could not find acceptable proposal / no proposal chosen',
    seedSection: '13.6.6 #1 (mismatching networks)',
  },
  dh_group_preference: {
    title: 'Different preferred DH group (one extra IKE_SA_INIT round trip)',
    seedSection: '13.6.6 #1 (DH Group)',
  },
  ike_version_mismatch: {
    title: 'Could not find acceptable proposal / no proposal chosen',
    seedSection: '13.6.6 #1 (IKE version / Main or Aggressive mode)',
  },
  incorrect_psk: {
    title: 'Incorrect pre-shared key',
    seedSection: '13.6.6 #2',
  },
  psk_type_mismatch: {
    title: 'Incorrect pre-shared key',
    seedSection: '13.6.6 #2, #4 (PSK type: Passphrase or Hex)',
  },
  wrong_tunnel_selected: {
    title: 'Incorrect pre-shared key',
    seedSection: '13.6.6 #2, 13.6.1 (wrong tunnel selected)',
  },
  tunnel_up_one_side: {
    title: 'Ike_invalid_payload, Ike_invalid_cookie',
    seedSection: '13.6.6 #3',
  },
  payload_malformed: {
    title: 'Payload_Malformed',
    seedSection: '13.6.6 #4',
  },
  no_public_key_found: {
    title: 'No public key found',
    seedSection: '13.6.6 #5',
  },
  one_sided_initiation: {
    title: 'The tunnel can only be initiated from one side',
    seedSection: '13.6.7',
  },
  lifetime_mismatch: {
    title: 'Lifetimes differ between the two sides (IKEv2: nothing fails, RFC 7296 §2.8)',
    seedSection: '13.6.7 (lifetimes), 13.6.6 #1',
  },
  peer_not_responding: {
    title: 'Peer not responding',
    seedSection: '13.6.1 (check that all IP addresses have been specified correctly)',
  },
  tunnel_shadowed: {
    title: 'Another IPsec tunnel definition prevents the correct one being reached',
    seedSection: '13.6.1',
  },
  network_host_bits: {
    title: 'Check that all IP addresses have been specified correctly',
    seedSection: '13.6.1',
  },
  duplicate_tunnel: {
    title: 'Another IPsec tunnel definition prevents the correct one being reached',
    seedSection: '13.6.1 (duplicate tunnel)',
  },
  overlapping_tunnels: {
    title: 'Try and avoid duplication of IP addresses',
    seedSection: '13.6.1 (overlapping networks)',
  },
  local_remote_overlap: {
    title: 'Try and avoid duplication of IP addresses',
    seedSection: '13.6.1 (local and remote networks overlap)',
  },
  management_route_via_tunnel: {
    title: 'Management interface failure with VPN',
    seedSection: '13.6.5',
  },
  // Certificates (13.6.2, 13.6.6 #5): one code per precise cause of "No public key found".
  certificate_other_ca: {
    title: 'No public key found',
    seedSection: '13.6.6 #5 (the certificate is not signed by the same CA server)',
  },
  certificate_expired: {
    title: 'No public key found',
    seedSection: '13.6.6 #5, 13.6.2 (the certificate has expired)',
  },
  certificate_not_yet_valid: {
    title: 'No public key found',
    seedSection: '13.6.6 #5, 13.6.2 (not yet valid: system time or time zone)',
  },
  certificate_revoked: {
    title: 'No public key found',
    seedSection: '13.6.6 #5, 13.6.2 (revoked: listed in the CA\'s CRL)',
  },
  crl_unreachable: {
    title: 'No public key found',
    seedSection: '13.6.6 #5, 13.6.2 (unable to reach the CRL on the CA server)',
  },
  crl_dns_failure: {
    title: 'No public key found',
    seedSection: '13.6.6 #5 (the CRL path does not resolve)',
  },
  no_dns_servers: {
    title: 'No public key found',
    seedSection: '13.6.6 #5 (no DNS client configured to resolve the CRL path)',
  },
  crl_invalid: {
    title: 'No public key found',
    seedSection: '13.6.6 #5, 13.6.2 (the CRL from the CA server cannot be used)',
  },
  certificate_wrong_purpose: {
    title: 'Check that the correct certificates have been used for the correct purposes',
    seedSection: '13.6.2',
  },
  certificate_identity_mismatch: {
    title: 'No public key found',
    seedSection: '13.6.6 #5 (the certificate does not name the expected identity)',
  },
  no_certificate_received: {
    title: 'No public key found',
    seedSection: '13.6.6 #5 (no certificate received)',
  },
  certificate_bad_signature: {
    title: 'No public key found',
    seedSection: '13.6.6 #5 (the certificate\'s signature does not verify)',
  },
  local_certificate_problem: {
    title: 'Check that the certificate .cer and .key files have the same filename',
    seedSection: '13.6.2 (our own certificate cannot be used)',
  },
  certificate_name_mismatch: {
    title: 'Check that the certificate .cer and .key files have the same filename',
    seedSection: '13.6.2',
  },
  certificate_cache_stale: {
    title: 'Use the ike CLI command to clear the certificate cache (ike -certflush)',
    seedSection: '13.6.2 (the certificate cache)',
  },
  // Data plane (13.6.1, 13.6.5, 13.6.6 #3).
  icmp_rule_missing: {
    title: 'Use ICMP Ping to confirm that the tunnel is working: the ICMP rule is missing',
    seedSection: '13.6.1',
  },
  keepalive_failing: {
    title: 'Keep-alive through the tunnel is failing',
    seedSection: '13.6.6 #3 (DPD and/or Keep-Alive)',
  },
  keepalive_renegotiated: {
    title: 'Keep-alive renegotiated the tunnel: it had stopped carrying traffic',
    seedSection: '13.6.6 #3 (DPD and/or Keep-Alive only used on one side)',
  },
  esp_unknown_spi: {
    title: 'Ike_invalid_payload, Ike_invalid_cookie',
    seedSection: '13.6.6 #3 (ESP for an SA that no longer exists: the tunnel is up on one side only)',
  },
  roaming_address_overlap: {
    title: 'Try and avoid duplication of IP addresses',
    seedSection: '13.6.1 (roaming client address duplication)',
  },
} as const satisfies Record<string, { title: string; seedSection: string }>;

export type FindingCode = keyof typeof FINDING_CATALOGUE;
export const FINDING_CODES = Object.keys(FINDING_CATALOGUE) as FindingCode[];

export type FindingSeverity = 'error' | 'warning' | 'info';
/** Where the fix belongs: our config, the peer's, or either (diagnosis cannot tell which side is wrong). */
export type FindingSide = 'local' | 'remote' | 'either';
/** Seed phase: "ike" is phase 1 (IKE SA), "ipsec" phase 2 (CHILD_SA). */
export type FindingPhase = 'ike' | 'ipsec';

/** One input event a finding rests on, as it was (nothing here is invented). */
export interface EvidenceItem {
  readonly eventId: number;
  readonly type: string;
  readonly time: number;
  /** The event's own words: log message, snoop line, selection reason, lifecycle outcome. */
  readonly text: string;
  /** Stored datagrams this event names (from the event itself). */
  readonly datagramIds: readonly number[];
  readonly code?: string;
  readonly condition?: string;
}

export interface FindingEvidence {
  /** Coded log events, lifecycle and selection events the finding is based on (newest last, at most MAX_EVIDENCE_EVENTS). */
  readonly events: readonly EvidenceItem[];
  /** Snoop lines of the datagrams those events name. */
  readonly snoopLines: readonly EvidenceItem[];
  /** Every stored datagram cited, from the events above. */
  readonly datagramIds: readonly number[];
  /** Config fields the finding reads, as JSON paths ("tunnels[2].remoteNetworks"). */
  readonly configPaths: readonly string[];
  /** How many times the condition was seen (events above may be a sample). */
  readonly occurrences: number;
  readonly firstSeenAt: number | null;
  readonly lastSeenAt: number | null;
}

export interface Confidence {
  /** 0..1. */
  readonly score: number;
  /** Why this score, one reason per line, in the order they were weighed. */
  readonly reasoning: readonly string[];
}

/** A config change diagnosis can make on the operator's request. Each is checked before it is applied. */
export type FixAction =
  | { readonly kind: 'move-tunnel'; readonly tunnel: string; readonly above: string }
  | { readonly kind: 'add-proposal'; readonly tunnel: string; readonly list: 'ikeProposals' | 'ipsecProposals'; readonly proposal: string; readonly position: 'first' | 'last' }
  | { readonly kind: 'prefer-dh-group'; readonly tunnel: string; readonly group: string }
  | { readonly kind: 'set-networks'; readonly tunnel: string; readonly field: 'localNetworks' | 'remoteNetworks'; readonly networks: readonly string[] }
  | { readonly kind: 'set-address-book-networks'; readonly entry: string; readonly networks: readonly string[] }
  | { readonly kind: 'set-responder-policy'; readonly tunnel: string; readonly policy: ResponderPolicy }
  | { readonly kind: 'set-psk-type'; readonly tunnel: string; readonly type: PskType }
  | { readonly kind: 'enable-dpd'; readonly tunnel: string }
  | { readonly kind: 'set-lifetime'; readonly tunnel: string; readonly field: 'ikeLifetimeSeconds' | 'ipsecLifetimeSeconds'; readonly seconds: number }
  /**
   * Inserts an IP rule at `position` (0 = top; the rules' length = the end): above `before`, the
   * Drop/Reject rule that would shadow it (null: nothing does, it goes at the end).
   */
  | { readonly kind: 'add-ip-rule'; readonly rule: IpRule; readonly position: number; readonly before: string | null }
  /** Adds a route (a specific network: never all-nets). */
  | { readonly kind: 'add-route'; readonly route: RouteConfig }
  /** Seed 13.6.2: disable CRL checking to see if CA server access is the problem. */
  | { readonly kind: 'set-crl-checking'; readonly tunnel: string; readonly enabled: boolean };

export type FixActionKind = FixAction['kind'];

/** A machine-applicable fix: always on our side (the peer's config is not ours to change). */
export interface FixOption {
  readonly id: string;
  readonly summary: string;
  readonly actions: readonly FixAction[];
}

export interface Finding {
  /** Stable for the same problem on the same tunnel and phase. */
  readonly id: string;
  readonly code: FindingCode;
  /** The seed's message. */
  readonly title: string;
  readonly seedSection: string;
  readonly severity: FindingSeverity;
  /** The tunnel the finding is about (the one to fix), null when no tunnel could be named. */
  readonly tunnel: string | null;
  /** The peer gateway address, when known. */
  readonly peer: string | null;
  readonly side: FindingSide;
  readonly phase: FindingPhase;
  readonly confidence: Confidence;
  readonly evidence: FindingEvidence;
  /** Plain explanation in the seed's terms. */
  readonly explanation: string;
  /** What to do, in order. */
  readonly fixSteps: readonly string[];
  /** Machine-applicable fixes on our side, best first; empty when the fix is the peer's or manual. */
  readonly fixes: readonly FixOption[];
  /** Structured details the explanation is built from (offered vs configured, networks, groups...). */
  readonly facts: Readonly<Record<string, unknown>>;
  /** True when a later success of the same tunnel and peer suggests the problem is gone. */
  readonly resolvedSince: boolean;
}

export const MAX_EVIDENCE_EVENTS = 12;
