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
  | 'peer_not_responding';

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
  /** What the peer does once its CHILD_SA is installed. */
  readonly afterSetup: 'nothing' | 'rekey-child-sa' | 'forget-state-silently';
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
  /** Tunnels placed directly above ours in OUR list; a scenario with any is placed at the bottom. */
  readonly localTunnelsAbove?: readonly LabTunnelTemplate[];
  readonly behaviour: ScenarioBehaviour;
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
