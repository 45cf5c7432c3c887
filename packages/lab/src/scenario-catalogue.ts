/**
 * The demo lab's scenarios, one per control-plane problem of the seed's
 * IPsec troubleshooting chapter (13.6), as data:
 *
 *   metadata   what the dashboard and the tests may know (title in the
 *              seed's words, section, expected finding, expected outcome)
 *   site       the peer's host number, our tunnel name, its network
 *   local      how OUR tunnel towards the peer differs from a clean one
 *   peer       how the PEER's tunnel differs from the mirror of ours
 *              (null: nothing listens at the peer address)
 *   behaviour  who initiates, and what the peer does once the tunnel is up
 *
 * Our tunnel names are neutral site names, so a diagnosis given only the
 * demo config and the events cannot read the answer off a name; the map
 * from tunnel to scenario is in the metadata alone (identity hiding).
 */
import type { TunnelInput } from '@tunnelscope/api';
import { certificateTunnels, type CertificateScenarioSpec } from './certs/certificate-scenarios.ts';

export const LAB_SCENARIO_IDS = [
  'healthy-psk',
  'ike-proposal-mismatch',
  'ipsec-proposal-mismatch',
  'no-common-dh-group',
  'dh-group-preference',
  'pfs-mismatch',
  'wrong-psk',
  'psk-type-mismatch',
  'roaming-tunnel-above',
  'tunnel-down-one-side',
  'network-size-mismatch',
  'lifetime-mismatch',
  'peer-not-responding',
  'ping-works',
  'icmp-rule-missing',
  // Data-plane scenarios (issue 8): keep together.
  'esp-unknown-spi',
  'keepalive-failing',
  'management-route-via-tunnel',
  'roaming-address-overlap',
  'keepalive-heals-one-side',
  // Certificates (13.6.2, 13.6.6 #5): the lab's CA server, CRLs and DNS (see certs/).
  'cert-healthy',
  'cert-expired',
  'cert-not-yet-valid-time-zone',
  'cert-other-ca',
  'cert-crl-unreachable',
  'cert-crl-dns-failure',
  'cert-no-dns-client',
  'cert-revoked',
  'cert-key-name-mismatch',
  'cert-stale-crl-cache',
] as const;
export type LabScenarioId = (typeof LAB_SCENARIO_IDS)[number];

/**
 * The finding codes the scenarios expect, spelled as the diagnosis
 * package's FINDING_CATALOGUE spells them (the lab cannot import it:
 * imports flow lab -> engine only; a diagnosis test checks they exist).
 */
export type LabFindingCode =
  | 'no_proposal_chosen'
  | 'no_common_dh_group'
  | 'dh_group_preference'
  | 'pfs_mismatch'
  | 'incorrect_psk'
  | 'psk_type_mismatch'
  | 'wrong_tunnel_selected'
  | 'tunnel_up_one_side'
  | 'one_sided_initiation'
  | 'lifetime_mismatch'
  | 'peer_not_responding'
  | 'icmp_rule_missing'
  | 'esp_unknown_spi'
  | 'keepalive_failing'
  | 'keepalive_renegotiated'
  | 'management_route_via_tunnel'
  | 'roaming_address_overlap'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'certificate_other_ca'
  | 'crl_unreachable'
  | 'crl_dns_failure'
  | 'no_dns_servers'
  | 'certificate_revoked'
  | 'certificate_name_mismatch'
  | 'certificate_cache_stale';

export type ScenarioKind = 'healthy' | 'informational' | 'failing';

/** What a scenario is, without how it is configured (safe to withhold from a diagnosis under test). */
export interface LabScenarioMetadata {
  readonly id: LabScenarioId;
  /** The seed's words. */
  readonly title: string;
  readonly seedSection: string;
  readonly kind: ScenarioKind;
  /** The diagnosis finding this scenario should produce (null: none). */
  readonly expectedFinding: LabFindingCode | null;
  /** The coded `log.event` the LOCAL gateway publishes for it (null: none). */
  readonly expectedLocalCode: string | null;
  /** The real outcome on the local gateway, in words. */
  readonly expectedLocalOutcome: string;
  readonly description: string;
  /** Part of `startDefaultMix()` (what `pnpm start` shows). */
  readonly inDefaultMix: boolean;
}

export interface ScenarioBehaviour {
  /** Who starts negotiations; the lab repeats it every retry interval while the tunnel is not up. */
  readonly initiator: 'peer' | 'local';
  /**
   * What the peer does once its CHILD_SA is installed. `ping-gateway`: a host
   * behind the peer pings our gateway's int address through the tunnel
   * (seed 13.6.1), every `timing.pingIntervalMs`. `ike-hangs`: the peer's IKE
   * stops answering while its IPsec SAs stay; once our DPD has given up, its
   * host pings our gateway through the stale SA (dataplane/one-sided-esp.ts).
   * `management-pings`: the management station behind our mgm router pings
   * our gateway every `timing.pingIntervalMs` (the local gateway's data
   * plane; its replies meet the all-nets route, seed 13.6.5).
   * `forget-state-once`: the peer restarts without DELETE once, then only
   * answers (it does not initiate again): our side has to notice.
   */
  readonly afterSetup: 'nothing' | 'rekey-child-sa' | 'forget-state-silently' | 'forget-state-once' | 'ping-gateway' | 'ike-hangs' | 'management-pings';
}

/** Fields of a tunnel whose value comes from the lab's timing, not from the table. */
export interface TimingBoundFields {
  /** Our DPD interval on this tunnel is `timing.oneSidedDpdSeconds`. */
  readonly localFastDpd?: true;
  /** The peer's lifetimes are `timing.peerIpsecLifetimeSeconds` (IPsec) and ten times that (IKE). */
  readonly peerShortLifetimes?: true;
}

export type TunnelDifferences = Partial<Omit<TunnelInput, 'name' | 'localEndpoint' | 'remoteEndpoint'>>;

export interface ScenarioDefinition extends LabScenarioMetadata {
  readonly site: {
    /** Host number of the peer address in the local address's /24. */
    readonly host: number;
    /** Our tunnel towards the peer. */
    readonly tunnel: string;
    /** The peer's protected network (our tunnel's remote network). */
    readonly network: string;
    readonly psk: { readonly type: 'passphrase' | 'hex'; readonly value: string };
  };
  readonly local: TunnelDifferences;
  /** null: nothing listens at the peer address. */
  readonly peer: TunnelDifferences | null;
  readonly timingBound?: TimingBoundFields;
  /** Our rule set gets the seed's "Allow <tunnel> all-nets-ip4 core all-nets-ip4 ICMP" for this tunnel. */
  readonly localIcmpRule?: true;
  /** Our routing table sends all-nets-ip4 into this scenario's tunnel (seed 13.6.5; dataplane/dataplane-lab-config.ts). */
  readonly localAllNetsRoute?: true;
  /**
   * Our tunnel is a roaming tunnel (remote endpoint none) on its own listen
   * address, the lab's address + 1, so it can neither capture another
   * scenario's peer nor be shadowed (dataplane/dataplane-lab-config.ts).
   */
  readonly roamingOnOwnAddress?: true;
  /** Tunnels placed directly above ours in OUR list; a scenario with any is placed at the bottom. */
  readonly localTunnelsAbove?: readonly LabTunnelTemplate[];
  readonly behaviour: ScenarioBehaviour;
  /** A certificate scenario: its PKI and CRL setup (needs the lab's certificate infrastructure, Lab.prepare()). */
  readonly certificate?: CertificateScenarioSpec;
}

/** A tunnel of ours without its local endpoint (filled in with the local address). */
export type LabTunnelTemplate = Omit<TunnelInput, 'localEndpoint'>;

/** Our protected network, the same on every tunnel (seed 13.6.7 side A). */
export const HQ_NETWORK = { name: 'hq-net', cidr: '192.168.10.0/24' } as const;

/** What a clean tunnel negotiates, on both sides. */
export const CLEAN_PROPOSALS = {
  ike: ['aes128gcm16-prfsha256-x25519'],
  ipsec: ['aes128gcm16'],
} as const;

/** The roaming tunnel of the "wrong tunnel selected" scenario (seed 13.6.1, 13.6.6 #2). */
const ROAMING_TRAP_TUNNEL: LabTunnelTemplate = {
  name: 'roadwarriors',
  localNetworks: [HQ_NETWORK.name],
  remoteNetworks: ['all-nets-ip4'],
  remoteEndpoint: 'none',
  remoteId: { type: 'any' },
  auth: { method: 'psk', psk: { type: 'passphrase', value: 'demo-roadwarriors-secret' } },
  ikeProposals: [...CLEAN_PROPOSALS.ike],
  ipsecProposals: [...CLEAN_PROPOSALS.ipsec],
};

const PEER_INITIATES: ScenarioBehaviour = { initiator: 'peer', afterSetup: 'nothing' };

/** A certificate scenario: the peer initiates; both tunnels use certificates (see certs/certificate-scenarios.ts). */
function certificateScenario(
  definition: Omit<ScenarioDefinition, 'site' | 'local' | 'peer' | 'behaviour' | 'certificate'> & {
    site: Omit<ScenarioDefinition['site'], 'psk'>;
    certificate: CertificateScenarioSpec;
  },
): ScenarioDefinition {
  const tunnels = certificateTunnels(definition.site.tunnel, definition.certificate);
  return {
    ...definition,
    // Never used: certificate authentication replaces it on both sides.
    site: { ...definition.site, psk: { type: 'passphrase', value: `unused-${definition.site.tunnel}` } },
    local: tunnels.local,
    peer: tunnels.peer,
    behaviour: PEER_INITIATES,
  };
}

export const SCENARIO_DEFINITIONS: readonly ScenarioDefinition[] = [
  {
    id: 'healthy-psk',
    title: 'Healthy PSK tunnel (IKE_SA_INIT, IKE_AUTH, IPsec SA installed)',
    seedSection: '13.6.4',
    kind: 'healthy',
    expectedFinding: null,
    expectedLocalCode: null,
    expectedLocalOutcome: 'ike.sa.up and child.sa.up (we are responder)',
    description: 'Both sides agree on everything: the negotiation of the seed\'s ike -snoop example, end to end.',
    inDefaultMix: true,
    site: { host: 10, tunnel: 'vpn_tunnel', network: '10.20.10.0/24', psk: { type: 'passphrase', value: 'demo-vpn_tunnel-secret' } },
    local: {},
    peer: {},
    behaviour: PEER_INITIATES,
  },
  {
    id: 'ike-proposal-mismatch',
    title: 'Could not find acceptable proposal / no proposal chosen (phase-1, IKE)',
    seedSection: '13.6.6 #1',
    kind: 'failing',
    expectedFinding: 'no_proposal_chosen',
    expectedLocalCode: 'no_proposal_chosen',
    expectedLocalOutcome: 'log.event no_proposal_chosen, phase ike, ENCR and INTEG unmatched; no IKE SA',
    description: 'The peer offers aes256-sha256 for the IKE SA; we only accept aes128gcm16 with prfsha256.',
    inDefaultMix: true,
    site: { host: 11, tunnel: 'branch-gothenburg', network: '10.20.11.0/24', psk: { type: 'passphrase', value: 'demo-gothenburg-secret' } },
    local: {},
    peer: { ikeProposals: ['aes256-sha256-x25519'] },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'ipsec-proposal-mismatch',
    title: 'Could not find acceptable proposal / no proposal chosen (phase-2, IPsec)',
    seedSection: '13.6.6 #1',
    kind: 'failing',
    expectedFinding: 'no_proposal_chosen',
    expectedLocalCode: 'no_proposal_chosen',
    expectedLocalOutcome: 'ike.sa.up, then log.event no_proposal_chosen, phase ipsec; no IPsec SA',
    description: 'The IKE SA comes up, but the peer\'s ESP proposal (aes256-sha256) matches nothing in our IPsec list (aes128gcm16).',
    inDefaultMix: false,
    site: { host: 12, tunnel: 'branch-malmo', network: '10.20.12.0/24', psk: { type: 'passphrase', value: 'demo-malmo-secret' } },
    local: {},
    peer: { ipsecProposals: ['aes256-sha256'] },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'no-common-dh-group',
    title: 'Could not find acceptable proposal / no proposal chosen (DH Group)',
    seedSection: '13.6.6 #1',
    kind: 'failing',
    expectedFinding: 'no_common_dh_group',
    expectedLocalCode: 'no_proposal_chosen',
    expectedLocalOutcome: 'log.event no_proposal_chosen, phase ike, only DH unmatched; no IKE SA',
    description: 'Same ciphers on both sides, but the peer only offers modp3072 and we only accept x25519.',
    inDefaultMix: false,
    site: { host: 13, tunnel: 'branch-uppsala', network: '10.20.13.0/24', psk: { type: 'passphrase', value: 'demo-uppsala-secret' } },
    local: {},
    peer: { ikeProposals: ['aes128gcm16-prfsha256-modp3072'] },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'dh-group-preference',
    title: 'Different preferred DH group (INVALID_KE_PAYLOAD round trip, then up)',
    seedSection: '13.6.6 #1 (DH Group)',
    kind: 'informational',
    expectedFinding: 'dh_group_preference',
    expectedLocalCode: 'invalid_ke_requested',
    expectedLocalOutcome: 'log.event invalid_ke_requested, then ike.sa.up and child.sa.up',
    description: 'The peer guesses x25519 for its first KE; we accept ecp256 only and ask for it with INVALID_KE_PAYLOAD. The retry succeeds: one extra round trip on every setup.',
    inDefaultMix: true,
    site: { host: 14, tunnel: 'branch-lund', network: '10.20.14.0/24', psk: { type: 'passphrase', value: 'demo-lund-secret' } },
    local: { ikeProposals: ['aes128gcm16-prfsha256-ecp256'] },
    peer: { ikeProposals: ['aes128gcm16-prfsha256-x25519-ecp256'] },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'pfs-mismatch',
    title: 'Could not find acceptable proposal / no proposal chosen (PFS, at the first CHILD_SA rekey)',
    seedSection: '13.6.6 #1',
    kind: 'failing',
    expectedFinding: 'pfs_mismatch',
    expectedLocalCode: 'no_proposal_chosen',
    expectedLocalOutcome: 'child.sa.up, then on the peer\'s rekey log.event no_proposal_chosen, phase ipsec (child.rekey.failed)',
    description: 'The peer wants PFS (x25519) on its IPsec SAs, we have PFS off. IKE_AUTH carries no KE, so setup works; the first CREATE_CHILD_SA rekey fails. The peer rekeys soon after setup to show it.',
    inDefaultMix: false,
    site: { host: 15, tunnel: 'branch-umea', network: '10.20.15.0/24', psk: { type: 'passphrase', value: 'demo-umea-secret' } },
    local: {},
    peer: { ipsecProposals: ['aes128gcm16-x25519'] },
    behaviour: { initiator: 'peer', afterSetup: 'rekey-child-sa' },
  },
  {
    id: 'wrong-psk',
    title: 'Incorrect pre-shared key',
    seedSection: '13.6.6 #2',
    kind: 'failing',
    expectedFinding: 'incorrect_psk',
    expectedLocalCode: 'incorrect_psk',
    expectedLocalOutcome: 'log.event incorrect_psk (we are responder: no configured key verifies the peer\'s AUTH)',
    description: 'The peer\'s pre-shared key has a typo.',
    inDefaultMix: true,
    site: { host: 16, tunnel: 'branch-orebro', network: '10.20.16.0/24', psk: { type: 'passphrase', value: 'demo-orebro-secret' } },
    local: {},
    peer: { auth: { method: 'psk', psk: { type: 'passphrase', value: 'demo-0rebro-secret' } } },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'psk-type-mismatch',
    title: 'Incorrect pre-shared key / Payload_Malformed (PSK type: Passphrase on one side, Hex on the other)',
    seedSection: '13.6.6 #2, #4',
    kind: 'failing',
    expectedFinding: 'psk_type_mismatch',
    expectedLocalCode: 'incorrect_psk',
    expectedLocalOutcome: 'log.event incorrect_psk; ike.psk.diagnosis: our key verifies when read as Hex',
    description: 'Both sides typed the same key, but we have it as a Passphrase and the peer as a Hex key.',
    inDefaultMix: false,
    site: { host: 17, tunnel: 'branch-vasteras', network: '10.20.17.0/24', psk: { type: 'passphrase', value: '8d2f6a0c4b1e9d3755aa01fe' } },
    local: {},
    peer: { auth: { method: 'psk', psk: { type: 'hex', value: '8d2f6a0c4b1e9d3755aa01fe' } } },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'roaming-tunnel-above',
    title: 'Incorrect pre-shared key (a roaming all-nets-ip4 tunnel above the correct one)',
    seedSection: '13.6.1, 13.6.6 #2',
    kind: 'failing',
    expectedFinding: 'wrong_tunnel_selected',
    expectedLocalCode: 'incorrect_psk',
    expectedLocalOutcome: 'tunnel.selected "roadwarriors" (our tunnel shadowed), then log.event incorrect_psk on "roadwarriors"',
    description: 'Our roaming tunnel (remote endpoint none, remote network all-nets-ip4, any identity) sits above the branch\'s tunnel, so it is selected for the branch and its key does not verify the branch\'s AUTH.',
    inDefaultMix: true,
    site: { host: 18, tunnel: 'branch-kiruna', network: '10.20.18.0/24', psk: { type: 'passphrase', value: 'demo-kiruna-secret' } },
    local: {},
    peer: {},
    localTunnelsAbove: [ROAMING_TRAP_TUNNEL],
    behaviour: PEER_INITIATES,
  },
  {
    id: 'tunnel-down-one-side',
    title: 'Ike_invalid_payload, Ike_invalid_cookie (the tunnel went down on one side only)',
    seedSection: '13.6.6 #3',
    kind: 'failing',
    expectedFinding: 'tunnel_up_one_side',
    expectedLocalCode: 'ike_invalid_cookie',
    expectedLocalOutcome: 'ike.sa.up, then our DPD meets N(INVALID_IKE_SPI): log.event ike_invalid_cookie, ike.sa.down peer-lost-sa',
    description: 'After setup the peer loses its SA state without sending DELETE (its gateway restarts); it has no DPD, we do, and our next DPD request reaches an IKE SA the peer no longer has.',
    inDefaultMix: false,
    site: { host: 19, tunnel: 'branch-visby', network: '10.20.19.0/24', psk: { type: 'passphrase', value: 'demo-visby-secret' } },
    local: {},
    peer: { dpd: { enabled: false } },
    timingBound: { localFastDpd: true },
    behaviour: { initiator: 'peer', afterSetup: 'forget-state-silently' },
  },
  {
    id: 'network-size-mismatch',
    title: 'The tunnel can only be initiated from one side (network size mismatch)',
    seedSection: '13.6.7',
    kind: 'failing',
    expectedFinding: 'one_sided_initiation',
    expectedLocalCode: 'ts_unacceptable',
    expectedLocalOutcome: 'peer initiates: ike.sa.up, then log.event ts_unacceptable, phase ipsec; we initiate: child.sa.up',
    description: 'The seed\'s example: our side A has 192.168.10.0/24 <-> 10.10.10.0/24 with the strict responder policy; the peer (side B) has remote network 192.168.0.0/16. Its proposal is larger than our network and refused; ours is inside its network and accepted.',
    inDefaultMix: true,
    site: { host: 20, tunnel: 'branch-linkoping', network: '10.10.10.0/24', psk: { type: 'passphrase', value: 'demo-linkoping-secret' } },
    local: { responderPolicy: 'strict' },
    peer: { remoteNetworks: ['192.168.0.0/16'] },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'lifetime-mismatch',
    title: 'Lifetime mismatch (nothing fails in IKEv2: the side with the shorter lifetime rekeys)',
    seedSection: '13.6.7 (lifetimes)',
    kind: 'informational',
    expectedFinding: 'lifetime_mismatch',
    expectedLocalCode: null,
    expectedLocalOutcome: 'child.sa.up, then child.rekey.started / child.sa.rekeyed started by the peer well before our lifetime; no failure',
    description: 'The peer\'s IPsec SA lifetime is 60 s (IKE 600 s), ours 3600 s (IKE 28800 s): it rekeys every ~55 s.',
    inDefaultMix: true,
    site: { host: 21, tunnel: 'branch-lulea', network: '10.20.21.0/24', psk: { type: 'passphrase', value: 'demo-lulea-secret' } },
    local: {},
    peer: {},
    timingBound: { peerShortLifetimes: true },
    behaviour: PEER_INITIATES,
  },
  {
    id: 'peer-not-responding',
    title: 'Peer not responding (check that all IP addresses have been specified correctly)',
    seedSection: '13.6.1',
    kind: 'failing',
    expectedFinding: 'peer_not_responding',
    expectedLocalCode: 'peer_not_responding',
    expectedLocalOutcome: 'we initiate; IKE_SA_INIT retransmitted until log.event peer_not_responding (retransmits_exhausted)',
    description: 'Our tunnel points at a peer address where nothing listens. The lab makes the local gateway initiate it.',
    inDefaultMix: true,
    site: { host: 22, tunnel: 'branch-kalmar', network: '10.20.22.0/24', psk: { type: 'passphrase', value: 'demo-kalmar-secret' } },
    local: {},
    peer: null,
    behaviour: { initiator: 'local', afterSetup: 'nothing' },
  },
  {
    id: 'ping-works',
    title: 'Use ICMP Ping to confirm that the tunnel is working (the gateway answers)',
    seedSection: '13.6.1',
    kind: 'healthy',
    expectedFinding: null,
    expectedLocalCode: null,
    expectedLocalOutcome: 'child.sa.up; the peer\'s host pings our int address through the tunnel and every echo is answered (ESP both ways)',
    description: 'A host behind the peer pings our gateway through the tunnel; our rule set has the seed\'s rule Allow <tunnel> all-nets-ip4 core all-nets-ip4 ICMP for it.',
    // Cheap (one peer, one echo every ping interval) and it fills the flow table with real ICMP and ESP flows.
    inDefaultMix: true,
    site: { host: 23, tunnel: 'branch-sundsvall', network: '10.20.23.0/24', psk: { type: 'passphrase', value: 'demo-sundsvall-secret' } },
    local: {},
    peer: {},
    localIcmpRule: true,
    behaviour: { initiator: 'peer', afterSetup: 'ping-gateway' },
  },
  {
    id: 'icmp-rule-missing',
    title: 'Ping through the tunnel gets no answer (the ICMP rule is missing)',
    seedSection: '13.6.1',
    kind: 'failing',
    expectedFinding: 'icmp_rule_missing',
    expectedLocalCode: null,
    expectedLocalOutcome: 'child.sa.up; the peer\'s pings reach us through the tunnel and are dropped: dataplane.packet.dropped no_matching_rule, ICMP to core',
    description: 'The tunnel is up, but our rule set has no "Allow <tunnel> all-nets-ip4 core all-nets-ip4 ICMP" for it: the gateway does not answer pings through the tunnel.',
    inDefaultMix: false,
    site: { host: 24, tunnel: 'branch-gavle', network: '10.20.24.0/24', psk: { type: 'passphrase', value: 'demo-gavle-secret' } },
    local: {},
    peer: {},
    behaviour: { initiator: 'peer', afterSetup: 'ping-gateway' },
  },
  // --- data-plane scenarios (issue 8, "Lab and diagnosis"): keep together ---
  {
    id: 'esp-unknown-spi',
    title: 'ESP for an unknown SPI (the tunnel went down on one side only; the peer still sends through it)',
    seedSection: '13.6.6 #3',
    kind: 'failing',
    expectedFinding: 'esp_unknown_spi',
    expectedLocalCode: null,
    expectedLocalOutcome: 'child.sa.up; the peer\'s IKE stops answering, our DPD gives up (ike.sa.down dpd-timeout) and our SAs go; the peer\'s host keeps pinging through its stale SA: dataplane.esp.error unknown_spi naming the tunnel',
    description: 'After setup the peer\'s IKE daemon hangs while its IPsec SAs stay installed (it has no DPD). Our DPD declares it dead and deletes our SAs; the peer does not know and keeps sending ESP for an SPI we no longer have.',
    inDefaultMix: false,
    site: { host: 25, tunnel: 'branch-karlstad', network: '10.20.25.0/24', psk: { type: 'passphrase', value: 'demo-karlstad-secret' } },
    local: {},
    peer: { dpd: { enabled: false } },
    timingBound: { localFastDpd: true },
    behaviour: { initiator: 'peer', afterSetup: 'ike-hangs' },
  },
  {
    id: 'keepalive-failing',
    title: 'Keep-alive failing (the periodic ICMP through the tunnel gets no reply)',
    seedSection: '13.6.6 #3 (DPD and/or Keep-Alive)',
    kind: 'failing',
    expectedFinding: 'keepalive_failing',
    expectedLocalCode: null,
    expectedLocalOutcome: 'child.sa.up; our keep-alive probes 10.20.26.99 through the tunnel, no host answers there: dataplane.keepalive failing after 3 lost probes',
    description: 'Our tunnel has keep-alive on, towards an address behind the peer where no host exists. The tunnel is up and ESP flows, but every probe goes unanswered.',
    inDefaultMix: false,
    site: { host: 26, tunnel: 'branch-jonkoping', network: '10.20.26.0/24', psk: { type: 'passphrase', value: 'demo-jonkoping-secret' } },
    local: { keepAlive: { enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.20.26.99', intervalSeconds: 2 } },
    peer: {},
    behaviour: PEER_INITIATES,
  },
  {
    id: 'management-route-via-tunnel',
    title: 'Management interface failure with VPN (replies to the management network go into the tunnel)',
    seedSection: '13.6.5',
    kind: 'failing',
    expectedFinding: 'management_route_via_tunnel',
    expectedLocalCode: null,
    expectedLocalOutcome: 'the management station 10.254.1.10 (behind the mgm router) pings our gateway; the reply follows "all-nets-ip4 via branch-norrkoping" into the tunnel and is dropped there (dataplane.packet.dropped naming the route)',
    description: 'Our routing table sends all-nets-ip4 through this tunnel and has no route for the management network mgmt-remote behind the router on mgm: the gateway answers the management station into the VPN tunnel.',
    inDefaultMix: false,
    site: { host: 27, tunnel: 'branch-norrkoping', network: '10.20.27.0/24', psk: { type: 'passphrase', value: 'demo-norrkoping-secret' } },
    local: {},
    peer: {},
    localAllNetsRoute: true,
    behaviour: { initiator: 'peer', afterSetup: 'management-pings' },
  },
  {
    id: 'roaming-address-overlap',
    title: 'Roaming client address duplication (the client\'s own address lies inside the network behind the tunnel)',
    seedSection: '13.6.1',
    kind: 'failing',
    expectedFinding: 'roaming_address_overlap',
    expectedLocalCode: null,
    expectedLocalOutcome: 'cfg.address.assigned from the pool, then roaming.address.overlap: the client\'s ADDITIONAL_IP4_ADDRESS 192.168.10.77 lies inside 192.168.10.0/24, with the computed route command',
    description: 'A roaming client (an engine asking for a tunnel address) connects to our roaming tunnel, which has an address pool and listens on its own address. Its local network gave it 192.168.10.77, inside our protected network, which it announces in N(ADDITIONAL_IP4_ADDRESS).',
    inDefaultMix: false,
    site: { host: 28, tunnel: 'mobile-users', network: '10.99.0.0/24', psk: { type: 'passphrase', value: 'demo-mobile-users-secret' } },
    local: { remoteId: { type: 'any' }, addressPool: '10.99.0.0/28', clientDnsServers: ['192.168.10.20'] },
    peer: { requestVirtualIp: true, additionalAddresses: ['192.168.10.77'] },
    roamingOnOwnAddress: true,
    behaviour: PEER_INITIATES,
  },
  {
    id: 'keepalive-heals-one-side',
    title: 'Keep-alive renegotiates a tunnel that went down on the peer\'s side only',
    seedSection: '13.6.6 #3 (DPD and/or Keep-Alive only used on one side)',
    kind: 'informational',
    expectedFinding: 'keepalive_renegotiated',
    expectedLocalCode: 'keepalive_renegotiate',
    expectedLocalOutcome:
      'child.sa.up, keep-alive ok; the peer restarts silently: 3 probes lost, dataplane.keepalive renegotiating, our old SAs go (child.sa.down keepalive_failed, the DELETE meets INVALID_IKE_SPI), we negotiate again, keep-alive ok',
    description:
      'Our tunnel has no DPD but keep-alive with renegotiateAfterLost 3 towards the host behind the peer. The peer restarts without DELETE and then only answers; our SAs still look up, so only the lost probes show the tunnel is dead. Keep-alive deletes our SAs and negotiates the tunnel again.',
    inDefaultMix: false,
    site: { host: 29, tunnel: 'branch-ostersund', network: '10.20.29.0/24', psk: { type: 'passphrase', value: 'demo-ostersund-secret' } },
    local: {
      dpd: { enabled: false },
      keepAlive: { enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.20.29.20', intervalSeconds: 2, renegotiateAfterLost: 3 },
    },
    peer: { dpd: { enabled: false } },
    behaviour: { initiator: 'peer', afterSetup: 'forget-state-once' },
  },
  // Certificate scenarios (13.6.2, 13.6.6 #5): hosts 40-49.
  certificateScenario({
    id: 'cert-healthy',
    title: 'Healthy certificate tunnel (CERT, CRL checked over HTTP via the lab DNS)',
    seedSection: '13.6.2',
    kind: 'healthy',
    expectedFinding: null,
    expectedLocalCode: null,
    expectedLocalOutcome: 'ike.sa.up and child.sa.up; cert.crl.fetch ok from the lab CA server',
    description: "Both gateways have certificates from the lab CA; we check the peer's against the CA's CRL, fetched by host name through the lab DNS.",
    inDefaultMix: true,
    site: { host: 40, tunnel: 'site-falun', network: '10.20.40.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'valid', crl: 'lab-ca' }, dnsClient: 'configured' },
  }),
  certificateScenario({
    id: 'cert-expired',
    title: "No public key found: the certificate's validity time has expired",
    seedSection: '13.6.6 #5, 13.6.2',
    kind: 'failing',
    expectedFinding: 'certificate_expired',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'log.event no_public_key_found, cause expired',
    description: "The peer's certificate ended two days ago.",
    inDefaultMix: true,
    site: { host: 41, tunnel: 'site-borlange', network: '10.20.41.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'expired', crl: 'lab-ca' }, dnsClient: 'either' },
  }),
  certificateScenario({
    id: 'cert-not-yet-valid-time-zone',
    title: 'No public key found: the certificate has not yet started to be valid (CA clock in another time zone)',
    seedSection: '13.6.6 #5, 13.6.2',
    kind: 'failing',
    expectedFinding: 'certificate_not_yet_valid',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'log.event no_public_key_found, cause not_yet_valid, notBefore one whole hour ahead of our clock',
    description: "The CA issued the peer's certificate with its local time (UTC+1) taken as UTC: it starts one hour from now.",
    inDefaultMix: false,
    site: { host: 42, tunnel: 'site-karlstad', network: '10.20.42.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'starts-in-one-hour', crl: 'lab-ca' }, dnsClient: 'either' },
  }),
  certificateScenario({
    id: 'cert-other-ca',
    title: 'No public key found: the certificate is not signed by the same CA server',
    seedSection: '13.6.6 #5',
    kind: 'failing',
    expectedFinding: 'certificate_other_ca',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'log.event no_public_key_found, cause other_ca',
    description: "The peer's certificate was issued by the branch office's own CA, which our tunnel does not trust.",
    inDefaultMix: false,
    site: { host: 43, tunnel: 'site-vaxjo', network: '10.20.43.0/24' },
    certificate: { peerCertificate: { issuer: 'other-ca', validity: 'valid', crl: 'none' }, dnsClient: 'either' },
  }),
  certificateScenario({
    id: 'cert-crl-unreachable',
    title: 'No public key found: unable to reach the CRL on the CA server',
    seedSection: '13.6.6 #5, 13.6.2',
    kind: 'failing',
    expectedFinding: 'crl_unreachable',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'cert.crl.fetch unreachable (connection refused), log.event no_public_key_found, cause crl_unreachable',
    description: "The peer's certificate points to a CRL on the CA server's name but a port where nothing listens.",
    inDefaultMix: false,
    site: { host: 44, tunnel: 'site-halmstad', network: '10.20.44.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'valid', crl: 'closed-port' }, dnsClient: 'configured' },
  }),
  certificateScenario({
    id: 'cert-crl-dns-failure',
    title: 'No public key found: the CRL host name does not resolve',
    seedSection: '13.6.6 #5',
    kind: 'failing',
    expectedFinding: 'crl_dns_failure',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'cert.crl.fetch dns_failure (NXDOMAIN from the lab DNS), log.event no_public_key_found, cause crl_dns_failure',
    description: "The peer's certificate names its CRL on a host the DNS server does not know (the CA server was renamed).",
    inDefaultMix: false,
    site: { host: 45, tunnel: 'site-kristianstad', network: '10.20.45.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'valid', crl: 'unknown-host' }, dnsClient: 'configured' },
  }),
  certificateScenario({
    id: 'cert-no-dns-client',
    title: 'No public key found: no DNS client configured to resolve the CRL path',
    seedSection: '13.6.6 #5',
    kind: 'failing',
    expectedFinding: 'no_dns_servers',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'cert.crl.fetch no_dns_servers, log.event no_public_key_found, cause no_dns_servers',
    description: 'A healthy certificate with a CRL named by host, but our gateway has no DNS servers. Runs only in a lab created with certificates: { dnsClient: false } (the DNS client is gateway-wide).',
    inDefaultMix: false,
    site: { host: 49, tunnel: 'site-trollhattan', network: '10.20.49.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'valid', crl: 'lab-ca' }, dnsClient: 'none' },
  }),
  certificateScenario({
    id: 'cert-revoked',
    title: "No public key found: the certificate is revoked (listed in the CA's CRL)",
    seedSection: '13.6.6 #5, 13.6.2',
    kind: 'failing',
    expectedFinding: 'certificate_revoked',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'cert.crl.fetch ok, log.event no_public_key_found, cause revoked (keyCompromise)',
    description: "The lab CA revoked the peer's certificate; its CRL lists it.",
    inDefaultMix: false,
    site: { host: 46, tunnel: 'site-skovde', network: '10.20.46.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'valid', crl: 'lab-ca', revoked: true }, dnsClient: 'configured' },
  }),
  certificateScenario({
    id: 'cert-key-name-mismatch',
    title: 'The certificate .cer and .key files do not have the same filename',
    seedSection: '13.6.2',
    kind: 'failing',
    expectedFinding: 'certificate_name_mismatch',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'cert.store.problem name_mismatch at load; log.event no_public_key_found, cause local_certificate',
    description: 'Our certificate for this tunnel is stored as hq-nykoping.cer with its key as hq_nykoping.key: the pair is not found.',
    inDefaultMix: false,
    site: { host: 47, tunnel: 'site-nykoping', network: '10.20.47.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'valid', crl: 'lab-ca' }, localCertificate: { name: 'hq-nykoping', keyFileName: 'hq_nykoping' }, dnsClient: 'either' },
  }),
  certificateScenario({
    id: 'cert-stale-crl-cache',
    title: 'The certificate cache holds an outdated CRL (ike -certflush)',
    seedSection: '13.6.2',
    kind: 'failing',
    expectedFinding: 'certificate_cache_stale',
    expectedLocalCode: 'no_public_key_found',
    expectedLocalOutcome: 'log.event no_public_key_found, cause revoked (certificateHold) on every retry, decided from the cached CRL; after ike -certflush the CRL is refetched and the tunnel comes up',
    description: "The peer's certificate was on hold when we fetched the CRL; the CA lifted the hold right after, but the gateway keeps using its cached CRL until ike -certflush.",
    inDefaultMix: false,
    site: { host: 48, tunnel: 'site-eskilstuna', network: '10.20.48.0/24' },
    certificate: { peerCertificate: { issuer: 'lab-ca', validity: 'valid', crl: 'on-hold-then-lifted' }, dnsClient: 'configured' },
  }),
];

export function scenarioDefinition(id: string): ScenarioDefinition | undefined {
  return SCENARIO_DEFINITIONS.find((definition) => definition.id === id);
}

/** The metadata of every scenario, without configs or behaviour. */
export const LAB_SCENARIOS: readonly LabScenarioMetadata[] = SCENARIO_DEFINITIONS.map(
  ({ id, title, seedSection, kind, expectedFinding, expectedLocalCode, expectedLocalOutcome, description, inDefaultMix }) => ({
    id,
    title,
    seedSection,
    kind,
    expectedFinding,
    expectedLocalCode,
    expectedLocalOutcome,
    description,
    inDefaultMix,
  }),
);
