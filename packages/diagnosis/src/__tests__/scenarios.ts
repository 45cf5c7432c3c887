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
import { Lab, makeConfig, makeTunnel, mirrorTunnel } from './lab-bench.ts';
import type { GatewayConfig } from '@tunnelscope/api';

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  bool(): boolean;
}

export function seededRng(seed: number): Rng {
  // Mix the seed first: consecutive seeds must not give correlated first draws.
  let state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    bool: () => next() < 0.5,
  };
}

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
async function stage(rng: Rng, seed: string, scenarioTunnels: (facts: VariantFacts) => { ours: TunnelConfig[]; peers: Array<{ address: string; tunnels: TunnelConfig[] }> }): Promise<Stage> {
  const facts = new VariantFacts(rng);
  const healthyPeers = [facts.peerAddress(), facts.peerAddress()];
  const healthy = healthyPeers.map((peer) => facts.tunnel(peer, { ikeProposals: [rng.pick(IKE_CHOICES)], ipsecProposals: [rng.pick(ESP_CHOICES)] }));
  const scenario = scenarioTunnels(facts);
  const lab = await Lab.start({
    seed,
    ours: { address: facts.ourAddress, tunnels: [...healthy, ...scenario.ours], engine: { snoop: { mode: facts.snoop ? 'brief' : 'off', peer: '' } } },
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
];

export { makeConfig };
