/**
 * The seed's failure scenarios, each run on the real engine: our gateway
 * plus one misconfigured peer and two healthy peers, in memory. Each
 * variant randomises addresses, tunnel names, networks, algorithms and who
 * initiates (seeded, so a failure is reproducible). Diagnosis later gets
 * only OUR config and OUR events: the peer's config and the scenario's name
 * are withheld.
 */
import type { TunnelConfig } from '@tunnelscope/api';
import type { DiagnosisEvent, SaStateSnapshot } from '../model/diagnosis-input.ts';
import type { FindingCode } from '../model/finding.ts';
import { Lab, makeConfig, makeTunnel, mirrorTunnel, type DataPlaneSettings } from './lab-bench.ts';
import type { GatewayConfig, IpRule } from '@tunnelscope/api';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate, seededRng, writeCertificateDirectory, type Rng } from '@tunnelscope/test-utils';

export { seededRng, type Rng };

export interface ScenarioRun {
  readonly config: GatewayConfig;
  readonly events: readonly DiagnosisEvent[];
  readonly saState: SaStateSnapshot;
  readonly now: number;
  /** Tunnels the scenario is about: its top finding must name one of them. */
  readonly involvedTunnels: readonly string[];
  /** Tunnels that work: no error or warning finding may name them. */
  readonly healthyTunnels: readonly string[];
  /** The finding code expected on top for this variant (some depend on which side we are). */
  readonly expected: FindingCode | null;
  /** One line for the report: what this variant did. */
  readonly variant: string;
}

export interface Scenario {
  readonly name: string;
  run(rng: Rng, seed: string): Promise<ScenarioRun>;
}

const IKE_CHOICES = [
  'aes128gcm16-prfsha256-x25519',
  'aes256gcm16-prfsha384-ecp384',
  'aes256-sha256-modp2048',
  'aes128-sha256-ecp256',
  'chacha20poly1305-prfsha256-x25519',
  'aes256-sha384-ecp521',
] as const;
const ESP_CHOICES = ['aes128gcm16', 'aes256gcm16', 'aes256-sha256', 'aes128-sha256', 'chacha20poly1305', 'aes256-sha512'] as const;
const GROUPS = ['x25519', 'ecp256', 'ecp384', 'modp2048', 'modp3072'] as const;
const NAMES = ['branch', 'hq', 'dc', 'site', 'partner', 'lab', 'shop', 'depot', 'plant', 'office'] as const;

function encrFamily(proposal: string): string {
  return proposal.startsWith('chacha') ? 'chacha' : proposal.includes('gcm') ? 'gcm' : 'cbc';
}

/** Everything a variant randomises, drawn once. */
class VariantFacts {
  readonly ourAddress: string;
  private readonly peerAddresses: string[] = [];
  private readonly names = new Set<string>();
  private networkCounter: number;
  readonly ike: string;
  readonly esp: string;
  readonly snoop: boolean;

  constructor(private readonly rng: Rng) {
    this.ourAddress = `192.0.2.${rng.int(1, 60)}`;
    this.networkCounter = rng.int(1, 150);
    this.ike = rng.pick(IKE_CHOICES);
    this.esp = rng.pick(ESP_CHOICES);
    this.snoop = rng.bool();
  }

  peerAddress(): string {
    for (;;) {
      const address = `${this.rng.pick(['198.51.100', '203.0.113', '100.64.7'])}.${this.rng.int(2, 250)}`;
      if (address !== this.ourAddress && !this.peerAddresses.includes(address)) {
        this.peerAddresses.push(address);
        return address;
      }
    }
  }

  name(): string {
    for (;;) {
      const name = `${this.rng.pick(NAMES)}-${this.rng.int(10, 99)}`;
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
  }

  /** A distinct local/remote /24 pair. */
  networks(): { local: string; remote: string } {
    const n = this.networkCounter++;
    return { local: `192.168.${n}.0/24`, remote: `10.${n}.${this.rng.int(0, 255)}.0/24` };
  }

  /** Our side of a tunnel to `peer`. */
  tunnel(peer: string, overrides: Partial<TunnelConfig> = {}): TunnelConfig {
    const networks = this.networks();
    return makeTunnel({
      name: this.name(),
      localEndpoint: this.ourAddress,
      remoteEndpoint: peer,
      localNetworks: [networks.local],
      remoteNetworks: [networks.remote],
      ikeProposals: [this.ike],
      ipsecProposals: [this.esp],
      auth: { method: 'psk', psk: { type: 'passphrase', value: `key-${this.rng.int(1000, 9999)}-${this.rng.int(1000, 9999)}` } },
      ...overrides,
    });
  }
}

interface Stage {
  readonly facts: VariantFacts;
  readonly lab: Lab;
  readonly healthy: TunnelConfig[];
}

/** Starts our gateway with two healthy tunnels first, then the scenario's tunnels; brings the healthy ones up. */
async function stage(
  rng: Rng,
  seed: string,
  scenarioTunnels: (facts: VariantFacts) => {
    ours: TunnelConfig[];
    network?: DataPlaneSettings;
    engine?: Partial<GatewayConfig['engine']>;
    peers: Array<{ address: string; tunnels: TunnelConfig[]; network?: DataPlaneSettings; engine?: Partial<GatewayConfig['engine']> }>;
  },
): Promise<Stage> {
  const facts = new VariantFacts(rng);
  const healthyPeers = [facts.peerAddress(), facts.peerAddress()];
  const healthy = healthyPeers.map((peer) => facts.tunnel(peer, { ikeProposals: [rng.pick(IKE_CHOICES)], ipsecProposals: [rng.pick(ESP_CHOICES)] }));
  const scenario = scenarioTunnels(facts);
  const lab = await Lab.start({
    seed,
    ours: {
      address: facts.ourAddress,
      tunnels: [...healthy, ...scenario.ours],
      engine: { snoop: { mode: facts.snoop ? 'brief' : 'off', peer: '' }, ...scenario.engine },
      ...(scenario.network ? { network: scenario.network } : {}),
    },
    peers: [...healthy.map((tunnel) => ({ address: tunnel.remoteEndpoint, tunnels: [mirrorTunnel(tunnel)] })), ...scenario.peers],
  });
  for (const tunnel of healthy) {
    if (rng.bool()) lab.gateway.initiate(tunnel.name);
    else lab.peer(tunnel.remoteEndpoint).initiate(tunnel.name);
    lab.settle();
  }
  return { facts, lab, healthy };
}

async function finish(stageResult: Stage, involved: string[], expected: FindingCode | null, variant: string): Promise<ScenarioRun> {
  const { lab, healthy } = stageResult;
  lab.advance(5_000);
  const run: ScenarioRun = {
    config: lab.config,
    events: [...lab.ourEvents],
    saState: lab.saState(),
    now: lab.now(),
    involvedTunnels: involved,
    healthyTunnels: healthy.map((t) => t.name),
    expected,
    variant,
  };
  await lab.stop();
  return run;
}

function initiate(lab: Lab, ours: boolean, tunnel: TunnelConfig): void {
  if (ours) lab.gateway.initiate(tunnel.name);
  else lab.peer(tunnel.remoteEndpoint).initiate(tunnel.name);
  lab.settle();
}

/** The .1 (gateway) and .20 (host) of a /24 written as "a.b.c.0/24". */
function hostsOf(network: string): { gateway: string; host: string } {
  const base = network.split('/')[0]!.split('.').slice(0, 3).join('.');
  return { gateway: `${base}.1`, host: `${base}.20` };
}

/**
 * One gateway's side of `tunnel`'s data plane: ext and int interfaces, its
 * protected network on int (with a host at .20 unless `host: false`), the far
 * network routed into the tunnel, and `ipRules`.
 */
function siteNetwork(address: string, tunnel: TunnelConfig, side: 'ours' | 'peer', ipRules: IpRule[], options: { host?: boolean } = {}): DataPlaneSettings {
  const own = side === 'ours' ? tunnel.localNetworks[0]! : tunnel.remoteNetworks[0]!;
  const far = side === 'ours' ? tunnel.remoteNetworks[0]! : tunnel.localNetworks[0]!;
  return {
    interfaces: [
      { name: 'ext', addresses: [`${address}/24`], description: '' },
      { name: 'int', addresses: [`${hostsOf(own).gateway}/24`], description: '' },
    ],
    ipRules,
    routes: [
      { network: own, interface: 'int', gateway: '', metric: 0 },
      { network: far, interface: tunnel.name, gateway: '', metric: 0 },
    ],
    ...(options.host === false ? {} : { hosts: [{ name: side === 'ours' ? 'hq-host' : 'site-host', interface: 'int', address: hostsOf(own).host, services: ['icmp', 'udp'] }] }),
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'healthy tunnels only',
    async run(rng, seed) {
      const staged = await stage(rng, seed, () => ({ ours: [], peers: [] }));
      return finish(staged, [], null, `snoop ${staged.facts.snoop ? 'on' : 'off'}`);
    },
  },
  {
    name: 'IKE proposal mismatch (phase 1)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      let peerIke = '';
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        const candidates = IKE_CHOICES.filter((p) => encrFamily(p) !== encrFamily(facts.ike));
        peerIke = rng.pick(candidates);
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { ikeProposals: [peerIke] })] }] };
      });
      const weInitiate = rng.bool();
      initiate(staged.lab, weInitiate, ours);
      return finish(staged, [ours.name], 'no_proposal_chosen', `${weInitiate ? 'we' : 'peer'} initiate; ours ${staged.facts.ike} vs peer ${peerIke}`);
    },
  },
  {
    name: 'IPsec proposal mismatch (phase 2)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      let peerEsp = '';
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        peerEsp = rng.pick(ESP_CHOICES.filter((p) => encrFamily(p) !== encrFamily(facts.esp)));
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { ipsecProposals: [peerEsp] })] }] };
      });
      const weInitiate = rng.bool();
      initiate(staged.lab, weInitiate, ours);
      return finish(staged, [ours.name], 'no_proposal_chosen', `${weInitiate ? 'we' : 'peer'} initiate; ours ${staged.facts.esp} vs peer ${peerEsp}`);
    },
  },
  {
    name: 'different preferred DH group (INVALID_KE, then up)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const [first, second] = [...GROUPS].sort(() => rng.next() - 0.5) as [string, string];
      const weInitiate = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        const initiatorList = [`aes256gcm16-prfsha256-${first}-${second}`];
        const responderList = [`aes256gcm16-prfsha256-${second}`];
        ours = facts.tunnel(peer, { ikeProposals: weInitiate ? initiatorList : responderList });
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { ikeProposals: weInitiate ? responderList : initiatorList })] }] };
      });
      initiate(staged.lab, weInitiate, ours);
      return finish(staged, [ours.name], 'dh_group_preference', `${weInitiate ? 'we' : 'peer'} initiate with ${first} first; responder allows ${second} only`);
    },
  },
  {
    name: 'no common DH group',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const [ourGroup, peerGroup] = [...GROUPS].sort(() => rng.next() - 0.5) as [string, string];
      const weInitiate = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer, { ikeProposals: [`aes128gcm16-prfsha256-${ourGroup}`] });
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { ikeProposals: [`aes128gcm16-prfsha256-${peerGroup}`] })] }] };
      });
      initiate(staged.lab, weInitiate, ours);
      // As initiator we only see the peer's NO_PROPOSAL_CHOSEN: the DH group cannot be named from here.
      return finish(staged, [ours.name], weInitiate ? 'no_proposal_chosen' : 'no_common_dh_group', `${weInitiate ? 'we' : 'peer'} initiate; ours ${ourGroup} vs peer ${peerGroup}`);
    },
  },
  {
    name: 'PFS mismatch (shows at the first CHILD_SA rekey)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const group = rng.pick(GROUPS);
      const wePfs = rng.bool();
      const weInitiate = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        const esp = rng.pick(ESP_CHOICES);
        ours = facts.tunnel(peer, { ipsecProposals: [wePfs ? `${esp}-${group}` : esp], ipsecLifetimeSeconds: 300 });
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { ipsecProposals: [wePfs ? esp : `${esp}-${group}`] })] }] };
      });
      initiate(staged.lab, weInitiate, ours);
      staged.lab.advance(290_000, 5_000);
      return finish(staged, [ours.name], 'pfs_mismatch', `${weInitiate ? 'we' : 'peer'} initiate; PFS ${group} on ${wePfs ? 'our' : "the peer's"} side only`);
    },
  },
  {
    name: 'incorrect pre-shared key',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const weInitiate = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { auth: { method: 'psk', psk: { type: 'passphrase', value: `other-${rng.int(1, 1e6)}` } } })] }] };
      });
      initiate(staged.lab, weInitiate, ours);
      return finish(staged, [ours.name], 'incorrect_psk', `${weInitiate ? 'we' : 'peer'} initiate`);
    },
  },
  {
    name: 'PSK type mismatch (Passphrase vs Hex)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const weInitiate = rng.bool();
      const weHex = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        const text = Array.from({ length: 16 }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
        ours = facts.tunnel(peer, { auth: { method: 'psk', psk: { type: weHex ? 'hex' : 'passphrase', value: text } } });
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { auth: { method: 'psk', psk: { type: weHex ? 'passphrase' : 'hex', value: text } } })] }] };
      });
      initiate(staged.lab, weInitiate, ours);
      // As initiator the peer checked our AUTH: the key type cannot be tested from here.
      return finish(staged, [ours.name], weInitiate ? 'incorrect_psk' : 'psk_type_mismatch', `${weInitiate ? 'we' : 'peer'} initiate; ours ${weHex ? 'Hex' : 'Passphrase'}`);
    },
  },
  {
    name: 'wrong tunnel selected (roaming all-nets tunnel above)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      let roaming!: TunnelConfig;
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        roaming = facts.tunnel('none', {
          remoteNetworks: [rng.pick(['all-nets-ip4', '0.0.0.0/0'])],
          remoteId: { type: 'any', value: '' },
          auth: { method: 'psk', psk: { type: 'passphrase', value: `roaming-${rng.int(1, 1e6)}` } },
        });
        return { ours: [roaming, ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours)] }] };
      });
      initiate(staged.lab, false, ours);
      return finish(staged, [ours.name, roaming.name], 'wrong_tunnel_selected', `peer initiates; roaming remote network ${roaming.remoteNetworks[0]}`);
    },
  },
  {
    name: 'tunnel up on one side only (INVALID_IKE_SPI)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const ourDpd = rng.bool();
      const weLoseIt = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer, { dpd: { enabled: ourDpd, intervalSeconds: 30, timeoutSeconds: 150 } });
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { dpd: { enabled: true, intervalSeconds: 30, timeoutSeconds: 150 } })] }] };
      });
      const { lab, healthy } = staged;
      initiate(lab, rng.bool(), ours);
      if (weLoseIt) {
        // We restart; our healthy tunnels are set up again at once (INITIAL_CONTACT clears them on the peers),
        // the scenario tunnel is not: its peer's DPD meets our INVALID_IKE_SPI.
        await lab.restart(lab.config.tunnels[0]!.localEndpoint);
        for (const tunnel of healthy) initiate(lab, true, tunnel);
        lab.advance(40_000);
      } else {
        await lab.restart(ours.remoteEndpoint);
        const child = lab.gateway.listChildSas().find((c) => c.tunnel === ours.name);
        if (child) lab.gateway.rekeyChildSa(child.id);
        lab.settle();
      }
      return finish(staged, [ours.name], 'tunnel_up_one_side', `${weLoseIt ? 'we' : 'the peer'} lost the SA; our DPD ${ourDpd ? 'on' : 'off'}`);
    },
  },
  {
    name: 'malformed payloads (integrity / undecodable)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const weInitiate = rng.bool();
      const integrity = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours)] }] };
      });
      const { lab } = staged;
      const peer = ours.remoteEndpoint;
      lab.filter = (d) => {
        if (d.from.address !== peer) return [d];
        const bytes = new Uint8Array(d.bytes);
        const offset = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0 ? 4 : 0;
        if (integrity && bytes[offset + 18] === 35) bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0x5a;
        else if (!integrity && bytes[offset + 18] === 34) bytes[offset + 27] = (bytes[offset + 27] ?? 0) ^ 0x40;
        return [{ ...d, bytes }];
      };
      initiate(lab, weInitiate, ours);
      lab.advance(120_000, 2_000);
      lab.filter = undefined;
      return finish(staged, [ours.name], 'payload_malformed', `${weInitiate ? 'we' : 'peer'} initiate; ${integrity ? 'IKE_AUTH ICV' : 'IKE_SA_INIT length'} corrupted`);
    },
  },
  {
    name: 'one-sided initiation (strict responder, larger network)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const weAreSideA = rng.bool();
      const peerInitiatedFirst = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        const n = rng.int(1, 200);
        const sideALocal = `192.168.${n}.0/24`;
        const larger = `192.168.0.0/16`;
        const sideBLocal = `10.${rng.int(1, 250)}.${rng.int(0, 255)}.0/24`;
        if (weAreSideA) {
          ours = facts.tunnel(peer, { localNetworks: [sideALocal], remoteNetworks: [sideBLocal] });
          return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { remoteNetworks: [larger] })] }] };
        }
        ours = facts.tunnel(peer, { localNetworks: [sideBLocal], remoteNetworks: [larger] });
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, { localNetworks: [sideALocal], remoteNetworks: [sideBLocal] })] }] };
      });
      const { lab } = staged;
      if (weAreSideA) initiate(lab, false, ours);
      else {
        if (peerInitiatedFirst) initiate(lab, false, ours);
        initiate(lab, true, ours);
      }
      return finish(staged, [ours.name], 'one_sided_initiation', weAreSideA ? 'we are side A (strict), the peer (larger remote network) initiates' : `we are side B (larger remote network) and initiate${peerInitiatedFirst ? ' after the peer did' : ''}`);
    },
  },
  {
    name: 'lifetime mismatch (the peer rekeys first)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const child = rng.bool();
      const peerLifetime = rng.pick([600, 900, 1200]);
      const weInitiate = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer, child ? { ipsecLifetimeSeconds: 3_600 } : { ikeLifetimeSeconds: 14_400 });
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours, child ? { ipsecLifetimeSeconds: peerLifetime } : { ikeLifetimeSeconds: peerLifetime * 2 })] }] };
      });
      initiate(staged.lab, weInitiate, ours);
      staged.lab.advance(2 * 3_600_000, 10_000);
      return finish(staged, [ours.name], 'lifetime_mismatch', `${weInitiate ? 'we' : 'peer'} initiate; peer ${child ? 'IPsec' : 'IKE'} lifetime ${child ? peerLifetime : peerLifetime * 2} s`);
    },
  },
  {
    name: 'ping through the tunnel dropped (ICMP rule missing)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const dropRule = rng.bool();
      const weInitiate = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        const local = ours.localNetworks[0]!;
        const remote = ours.remoteNetworks[0]!;
        const allowTraffic = { name: 'branch-to-hq', action: 'Allow' as const, sourceInterface: ours.name, sourceNetwork: remote, destinationInterface: 'int', destinationNetwork: local, service: 'all_services' };
        const dropAll = { name: 'drop-rest', action: 'Drop' as const, sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'all_services' };
        return {
          ours: [ours],
          network: siteNetwork(facts.ourAddress, ours, 'ours', dropRule ? [allowTraffic, dropAll] : [allowTraffic], { host: false }),
          peers: [
            {
              address: peer,
              tunnels: [mirrorTunnel(ours)],
              network: siteNetwork(peer, ours, 'peer', [{ name: 'site-out', action: 'Allow', sourceInterface: 'int', sourceNetwork: remote, destinationInterface: ours.name, destinationNetwork: 'all-nets-ip4', service: 'all_services' }]),
            },
          ],
        };
      });
      const { lab } = staged;
      initiate(lab, weInitiate, ours);
      void lab.peer(ours.remoteEndpoint).dataPlane.ping({ source: hostsOf(ours.remoteNetworks[0]!).host, destination: hostsOf(ours.localNetworks[0]!).gateway, count: 2, timeoutMs: 1000 });
      lab.advance(5_000, 500);
      return finish(staged, [ours.name], 'icmp_rule_missing', `${weInitiate ? 'we' : 'peer'} initiate; ${dropRule ? 'a drop-all rule' : 'no rule'} catches the echo`);
    },
  },
  {
    name: 'ESP for an unknown SPI (the tunnel went down on our side only)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const weInitiate = rng.bool();
      const pingGateway = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer, { dpd: { enabled: true, intervalSeconds: rng.pick([10, 30]), timeoutSeconds: 120 } });
        const remote = ours.remoteNetworks[0]!;
        return {
          ours: [ours],
          network: siteNetwork(facts.ourAddress, ours, 'ours', [{ name: 'branch-to-hq', action: 'Allow' as const, sourceInterface: ours.name, sourceNetwork: remote, destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'all_services' }]),
          peers: [
            {
              address: peer,
              // The peer has no DPD: it never notices that we dropped the tunnel.
              tunnels: [mirrorTunnel(ours, { dpd: { enabled: false, intervalSeconds: 30, timeoutSeconds: 150 } })],
              network: siteNetwork(peer, ours, 'peer', [{ name: 'site-out', action: 'Allow', sourceInterface: 'int', sourceNetwork: remote, destinationInterface: ours.name, destinationNetwork: 'all-nets-ip4', service: 'all_services' }]),
            },
          ],
        };
      });
      const { lab } = staged;
      initiate(lab, weInitiate, ours);
      // The peer's IKE hangs: IKE datagrams to it are lost (plain IKE port, or the non-ESP marker), its ESP still flows.
      const peer = ours.remoteEndpoint;
      lab.filter = (d) => {
        const ike = d.to.port === lab.config.engine.ikePort || (d.bytes.length >= 4 && d.bytes[0] === 0 && d.bytes[1] === 0 && d.bytes[2] === 0 && d.bytes[3] === 0);
        return d.to.address === peer && ike ? [] : [d];
      };
      // Our DPD gives up and removes our SAs; the peer keeps its own.
      lab.advance(400_000, 2_000);
      const target = pingGateway ? hostsOf(ours.localNetworks[0]!).gateway : hostsOf(ours.localNetworks[0]!).host;
      void lab.peer(peer).dataPlane.ping({ source: hostsOf(ours.remoteNetworks[0]!).host, destination: target, count: 2, timeoutMs: 1000 });
      lab.advance(3_000, 500);
      lab.filter = undefined;
      return finish(staged, [ours.name], 'esp_unknown_spi', `${weInitiate ? 'we' : 'peer'} initiate; our DPD removes the SAs, the peer pings ${pingGateway ? 'our gateway' : 'a host behind us'} through its stale SA`);
    },
  },
  {
    name: 'peer not responding',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const silentFromStart = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        return { ours: [ours], peers: [{ address: peer, tunnels: [mirrorTunnel(ours)] }] };
      });
      const { lab } = staged;
      const peer = ours.remoteEndpoint;
      const silence = (d: { from: { address: string }; to: { address: string } }) => d.to.address === peer || d.from.address === peer;
      if (silentFromStart) {
        lab.filter = (d) => (silence(d) ? [] : [d]);
        initiate(lab, true, ours);
      } else {
        initiate(lab, rng.bool(), ours);
        lab.filter = (d) => (silence(d) ? [] : [d]);
      }
      lab.advance(400_000, 2_000);
      lab.filter = undefined;
      return finish(staged, [ours.name], 'peer_not_responding', silentFromStart ? 'we initiate, the peer never answers' : 'the peer goes silent after the tunnel is up (DPD)');
    },
  },
  // Data plane (issue 8): appended, so the seeds of the scenarios above stay as they were.
  {
    name: 'keep-alive failing (no answer from the far address)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const weInitiate = rng.bool();
      const peerDropsIcmp = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        const networks = facts.networks();
        // Keep-alive from our int address to an address behind the peer where no host exists.
        ours = facts.tunnel(peer, {
          localNetworks: [networks.local],
          remoteNetworks: [networks.remote],
          keepAlive: { enabled: true, sourceAddress: hostsOf(networks.local).gateway, destinationAddress: hostsOf(networks.remote).gateway.replace(/\.1$/, '.99'), intervalSeconds: rng.pick([2, 5, 10]) },
        });
        const local = ours.localNetworks[0]!;
        const remote = ours.remoteNetworks[0]!;
        return {
          ours: [ours],
          network: siteNetwork(facts.ourAddress, ours, 'ours', [{ name: 'branch-to-hq', action: 'Allow' as const, sourceInterface: ours.name, sourceNetwork: remote, destinationInterface: 'int', destinationNetwork: local, service: 'all_services' }]),
          peers: [
            {
              address: peer,
              tunnels: [mirrorTunnel(ours, { keepAlive: { enabled: false, sourceAddress: '', destinationAddress: '' } })],
              // Either the probes reach the site network and find nobody, or the peer's rule set drops them.
                network: siteNetwork(peer, ours, 'peer', peerDropsIcmp ? [] : [{ name: 'hq-to-site', action: 'Allow', sourceInterface: ours.name, sourceNetwork: local, destinationInterface: 'int', destinationNetwork: remote, service: 'all_services' }]),
            },
          ],
        };
      });
      const { lab } = staged;
      initiate(lab, weInitiate, ours);
      lab.advance(60_000, 1_000);
      return finish(staged, [ours.name], 'keepalive_failing', `${weInitiate ? 'we' : 'peer'} initiate; ${peerDropsIcmp ? 'the peer drops the probes' : 'no host at the keep-alive address'}`);
    },
  },
  {
    name: 'management route through the tunnel (13.6.5)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const upFirst = rng.bool();
      const mgmtRemote = `10.254.${rng.int(1, 200)}`;
      const station = `${mgmtRemote}.${rng.int(10, 99)}`;
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        ours = facts.tunnel(peer);
        const local = ours.localNetworks[0]!;
        const remote = ours.remoteNetworks[0]!;
        return {
          ours: [ours],
          network: {
            interfaces: [
              { name: 'ext', addresses: [`${facts.ourAddress}/24`], description: '' },
              { name: 'int', addresses: [`${hostsOf(local).gateway}/24`], description: '' },
              { name: 'mgm', addresses: ['10.255.0.1/24'], description: '' },
            ],
            addressBook: [
              { name: 'mgmt-net', networks: ['10.255.0.0/24'] },
              { name: 'mgmt-remote', networks: [`${mgmtRemote}.0/24`] },
            ],
            ipRules: [
              { name: 'branch-to-hq', action: 'Allow' as const, sourceInterface: ours.name, sourceNetwork: remote, destinationInterface: 'int', destinationNetwork: local, service: 'all_services' },
              { name: 'management-to-gateway', action: 'Allow' as const, sourceInterface: 'mgm', sourceNetwork: 'mgmt-remote', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'all_services' },
            ],
            // all-nets-ip4 into the tunnel; mgmt-net keeps its route, the network behind the mgm router has none.
            routes: [
              { network: local, interface: 'int', gateway: '', metric: 0 },
              { network: 'mgmt-net', interface: 'mgm', gateway: '', metric: 0 },
              { network: 'all-nets-ip4', interface: ours.name, gateway: '', metric: 0 },
            ],
            hosts: [{ name: 'mgmt-station', interface: 'mgm', address: station, services: ['icmp', 'udp'] }],
          },
          peers: [{ address: peer, tunnels: [mirrorTunnel(ours)] }],
        };
      });
      const { lab } = staged;
      if (upFirst) initiate(lab, rng.bool(), ours);
      void lab.gateway.dataPlane.ping({ source: station, destination: '10.255.0.1', count: 3, timeoutMs: 1000 });
      lab.advance(5_000, 500);
      return finish(staged, [ours.name], 'management_route_via_tunnel', `${upFirst ? 'tunnel up' : 'tunnel down (the reply triggers a negotiation)'}; the station ${station} behind the mgm router pings the gateway`);
    },
  },
  {
    name: 'roaming client address overlap (13.6.1)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      let client!: TunnelConfig;
      const viaNotify = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const networks = facts.networks();
        const local = networks.local;
        const poolNet = `10.${rng.int(90, 99)}.${rng.int(0, 255)}.0/24`;
        const psk = { type: 'passphrase' as const, value: `roam-${rng.int(1000, 9999)}-${rng.int(1000, 9999)}` };
        const inside = `${local.split('.').slice(0, 3).join('.')}.${rng.int(100, 200)}`;
        // The client's own address inside our network: its IKE source (no NAT), or announced in ADDITIONAL_IP4_ADDRESS.
        const clientAddress = viaNotify ? facts.peerAddress() : inside;
        ours = makeTunnel({
          name: facts.name(),
          localEndpoint: facts.ourAddress,
          remoteEndpoint: 'none',
          localNetworks: [local],
          remoteNetworks: [poolNet],
          addressPool: poolNet.replace(/\.0\/24$/, '.0/28'),
          ikeProposals: [facts.ike],
          ipsecProposals: [facts.esp],
          auth: { method: 'psk', psk },
        });
        client = makeTunnel({
          name: 'vpn',
          localEndpoint: clientAddress,
          remoteEndpoint: facts.ourAddress,
          localNetworks: [poolNet],
          remoteNetworks: [local],
          ikeProposals: [facts.ike],
          ipsecProposals: [facts.esp],
          auth: { method: 'psk', psk },
          requestVirtualIp: true,
          ...(viaNotify ? { additionalAddresses: [inside] } : {}),
        });
        return {
          ours: [ours],
          network: {
            interfaces: [
              { name: 'ext', addresses: [`${facts.ourAddress}/24`], description: '' },
              { name: 'int', addresses: [`${hostsOf(local).gateway}/24`], description: '' },
            ],
            routes: [{ network: local, interface: 'int', gateway: '', metric: 0 }],
            hosts: [{ name: 'hq-host', interface: 'int', address: hostsOf(local).host, services: ['icmp', 'udp'] }],
          },
          peers: [{ address: clientAddress, tunnels: [client] }],
        };
      });
      const { lab } = staged;
      lab.peer(client.localEndpoint).initiate(client.name);
      lab.settle();
      return finish(staged, [ours.name], 'roaming_address_overlap', viaNotify ? 'the client announces its local address in ADDITIONAL_IP4_ADDRESS' : 'the client\'s IKE source address (no NAT) lies in our network');
    },
  },
  {
    name: 'keep-alive renegotiates a tunnel the peer lost (one-sided, healed)',
    async run(rng, seed) {
      let ours!: TunnelConfig;
      const renegotiateAfterLost = rng.pick([2, 3, 4]);
      const intervalSeconds = rng.pick([2, 5]);
      const weInitiate = rng.bool();
      const staged = await stage(rng, seed, (facts) => {
        const peer = facts.peerAddress();
        const networks = facts.networks();
        // Keep-alive to the peer's own int address, which its rule set lets answer; our DPD off: keep-alive is the only watcher.
        ours = facts.tunnel(peer, {
          localNetworks: [networks.local],
          remoteNetworks: [networks.remote],
          dpd: { enabled: false, intervalSeconds: 30, timeoutSeconds: 150 },
          keepAlive: { enabled: true, sourceAddress: hostsOf(networks.local).gateway, destinationAddress: hostsOf(networks.remote).gateway, intervalSeconds, renegotiateAfterLost },
        });
        return {
          ours: [ours],
          network: siteNetwork(facts.ourAddress, ours, 'ours', [], { host: false }),
          peers: [
            {
              address: peer,
              tunnels: [mirrorTunnel(ours, { dpd: { enabled: false, intervalSeconds: 30, timeoutSeconds: 150 }, keepAlive: { enabled: false, sourceAddress: '', destinationAddress: '' } })],
              network: siteNetwork(peer, ours, 'peer', [
                { name: 'ping-core', action: 'Allow', sourceInterface: ours.name, sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' },
              ]),
            },
          ],
        };
      });
      const { lab } = staged;
      initiate(lab, weInitiate, ours);
      lab.advance(3 * intervalSeconds * 1000, 1_000);
      // The peer restarts and forgets the tunnel; we still have it.
      await lab.restart(ours.remoteEndpoint);
      lab.advance((renegotiateAfterLost + 4) * intervalSeconds * 1000, 1_000);
      return finish(staged, [ours.name], 'keepalive_renegotiated', `${weInitiate ? 'we' : 'the peer'} initiated; renegotiate after ${renegotiateAfterLost} lost probes every ${intervalSeconds} s`);
    },
  },
  // Certificates (issue 7): appended, so the seeds of the scenarios above stay as they were.
  {
    name: 'No public key found (expired, not yet valid by a zone offset, other CA, identity mismatch)',
    async run(rng, seed) {
      const cause = rng.pick(['expired', 'not_yet_valid', 'other_ca', 'identity_mismatch'] as const);
      const weInitiate = rng.bool();
      const HOUR = 3_600_000;
      const DAY = 24 * HOUR;
      const now = Date.UTC(2026, 0, 1, 12, 0, 0);
      const org = rng.pick(['Example Corp', 'Northwind', 'Contoso', 'Tunnelscope Test']);
      const ourCa = await createCa({ subject: `C=SE, O=${org}, CN=${org} Root CA`, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 3650 * DAY) });
      const otherCa = await createCa({ subject: `C=SE, O=Elsewhere ${rng.int(1, 99)}, CN=Other Root CA`, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 3650 * DAY) });
      const peerName = `CN=peer-gw-${rng.int(10, 99)}`;
      const offsetHours = rng.int(1, 3);
      const peerValidity = {
        expired: { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - rng.int(1, 30) * DAY) },
        not_yet_valid: { notBefore: new Date(now + offsetHours * HOUR + rng.int(0, 5) * 60_000), notAfter: new Date(now + 365 * DAY) },
        other_ca: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
        identity_mismatch: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
      }[cause];
      const ourCertificate = await issueCertificate({ ca: ourCa, subject: `C=SE, O=${org}, CN=hq-gw`, validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) } });
      const peerCertificate = await issueCertificate({ ca: cause === 'other_ca' ? otherCa : ourCa, subject: `C=SE, O=${org}, ${peerName}`, validity: peerValidity });
      const ourDirectory = await mkdtemp(join(tmpdir(), 'diag-certs-ours-'));
      const peerDirectory = await mkdtemp(join(tmpdir(), 'diag-certs-peer-'));
      await writeCertificateDirectory(ourDirectory, { local: [{ name: 'hq-gw', certificate: ourCertificate }], cas: [{ name: 'root', certificate: ourCa }] });
      await writeCertificateDirectory(peerDirectory, {
        local: [{ name: 'peer-gw', certificate: peerCertificate, ...(cause === 'other_ca' ? { chain: [] } : {}) }],
        cas: [{ name: 'root', certificate: ourCa }],
      });
      // Identity mismatch: we expect another name than the one the (valid) certificate carries.
      const expectedPeer = cause === 'identity_mismatch' ? `C=SE, O=${org}, CN=peer-gw-${rng.int(100, 199)}` : peerCertificate.subject;
      let ours!: TunnelConfig;
      try {
        const staged = await stage(rng, seed, (facts) => {
          const peer = facts.peerAddress();
          ours = facts.tunnel(peer, {
            localId: { type: 'dn', value: ourCertificate.subject },
            remoteId: { type: 'dn', value: expectedPeer },
            auth: { method: 'certificate', certificate: 'hq-gw', rootCertificates: ['root'] },
          });
          return {
            ours: [ours],
            engine: { certificateDirectory: ourDirectory },
            peers: [
              {
                address: peer,
                tunnels: [
                  mirrorTunnel(ours, {
                    localId: { type: 'dn', value: peerCertificate.subject },
                    remoteId: { type: 'dn', value: ourCertificate.subject },
                    auth: { method: 'certificate', certificate: 'peer-gw', rootCertificates: ['root'] },
                  }),
                ],
                engine: { certificateDirectory: peerDirectory },
              },
            ],
          };
        });
        const { lab } = staged;
        if (weInitiate) lab.gateway.initiate(ours.name);
        else lab.peer(ours.remoteEndpoint).initiate(ours.name);
        await staged.lab.settleAsync();
        const expected = { expired: 'certificate_expired', not_yet_valid: 'certificate_not_yet_valid', other_ca: 'certificate_other_ca', identity_mismatch: 'certificate_identity_mismatch' } as const;
        return await finish(staged, [ours.name], expected[cause], `${weInitiate ? 'we' : 'the peer'} initiate; the peer's certificate: ${cause}${cause === 'not_yet_valid' ? ` (${offsetHours} h ahead)` : ''}`);
      } finally {
        await rm(ourDirectory, { recursive: true, force: true });
        await rm(peerDirectory, { recursive: true, force: true });
      }
    },
  },
];

export { makeConfig };
