/**
 * What a configured tunnel means on the wire: its proposal strings as SA
 * payload proposals (through the IKE package's keyword parser, the one
 * config validation uses), its networks as traffic selectors, its
 * identities as ID payload content, its PSK as bytes, its lifetimes. Pure
 * functions of the config; nothing here is secret-free, so none of it goes
 * into events as is (proposal texts and selectors do, keys never).
 */
import type { GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import {
  IdType,
  PayloadType,
  ProtocolId,
  TransformType,
  keywordForTransform,
  parseProposal,
  proposalTransforms,
  pskBytes,
  type AddressRangeSelector,
  type IdPayload,
  type Proposal,
  type Transform,
  type TrafficSelector as WireSelector,
} from '@tunnelscope/ike';
import { formatRange, parseIpAddress, type IpNetwork } from '../config/ip-address.ts';
import { buildAddressBookIndex, resolveNetworkReference, type AddressBookIndex } from '../config/network-references.ts';
import { identityToWire } from '../selection/identity-matcher.ts';
import { trafficSelectorForNetwork, type TrafficSelector } from '../selection/traffic-selectors.ts';

function toTransform(type: number, id: number, keyLength: number | undefined): Transform {
  return { transformType: type, transformId: id, attributes: keyLength === undefined ? [] : [{ format: 'tv', type: 14, value: keyLength }] };
}

/** SA payload proposals for configured proposal strings (unsupported transforms left out). */
export function configuredProposals(texts: readonly string[], kind: 'ike' | 'esp'): Proposal[] {
  const proposals: Proposal[] = [];
  for (const text of texts) {
    let parsed;
    try {
      parsed = parseProposal(text, kind);
    } catch {
      continue;
    }
    const transforms = proposalTransforms(parsed)
      .filter((t) => t.supported && t.id !== null)
      .map((t) => toTransform(t.type, t.id!, t.keyLength));
    if (transforms.length === 0) continue;
    proposals.push({
      number: proposals.length + 1,
      protocol: kind === 'ike' ? ProtocolId.IKE : ProtocolId.ESP,
      spi: new Uint8Array(0),
      transforms,
    });
  }
  return proposals;
}

/** strongSwan notation of an SA payload proposal, for evidence ("aes128gcm16-prfsha256-x25519"). */
export function proposalText(proposal: Proposal): string {
  const protocol = proposal.protocol === ProtocolId.IKE ? 'IKE' : proposal.protocol === ProtocolId.ESP ? 'ESP' : `proto${proposal.protocol}`;
  const words = proposal.transforms.map((t) => {
    const keyLength = t.attributes.find((a) => a.format === 'tv' && a.type === 14);
    const ref = { type: t.transformType, id: t.transformId, keyLength: keyLength?.format === 'tv' ? keyLength.value : undefined };
    return keywordForTransform(ref) ?? `${t.transformType}:${t.transformId}${ref.keyLength ? `/${ref.keyLength}` : ''}`;
  });
  return `${protocol}:${words.join('-')}`;
}

/*
 * Parsed proposals, cached per proposal-string array. Every IKE_SA_INIT and
 * IKE_AUTH used to re-run the keyword parser on the tunnel's strings (~2% of
 * a responder handshake, bench/README.md). The cache is keyed by the config's
 * array object (a new config version brings new arrays) and an entry is only
 * used while the array still holds the same strings, so a config edited in
 * place is re-parsed rather than served stale. Cached proposals are frozen:
 * callers share them, and a caller that tried to modify one would throw
 * instead of corrupting every later negotiation.
 */
interface ParsedProposals {
  texts: readonly string[];
  proposals: readonly Proposal[];
  withoutDh?: readonly Proposal[];
}

const parsedProposalCache: Record<'ike' | 'esp', WeakMap<readonly string[], ParsedProposals>> = { ike: new WeakMap(), esp: new WeakMap() };

function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function freezeProposals(proposals: Proposal[]): readonly Proposal[] {
  for (const proposal of proposals) {
    for (const transform of proposal.transforms) {
      for (const attribute of transform.attributes) Object.freeze(attribute);
      Object.freeze(transform.attributes);
      Object.freeze(transform);
    }
    Object.freeze(proposal.transforms);
    // proposal.spi is a zero-length Uint8Array here: nothing in it to change.
    Object.freeze(proposal);
  }
  return Object.freeze(proposals);
}

function cachedProposals(texts: readonly string[], kind: 'ike' | 'esp'): ParsedProposals {
  const cache = parsedProposalCache[kind];
  const hit = cache.get(texts);
  if (hit && sameTexts(hit.texts, texts)) return hit;
  const entry: ParsedProposals = { texts: [...texts], proposals: freezeProposals(configuredProposals(texts, kind)) };
  cache.set(texts, entry);
  return entry;
}

/** The IKE proposals offered/accepted for a tunnel (shared and frozen: copy before changing). */
export function ikeProposalsOf(tunnel: TunnelConfig): Proposal[] {
  // The frozen array is handed out as Proposal[] so existing callers keep their types; none mutates it.
  return cachedProposals(tunnel.ikeProposals, 'ike').proposals as Proposal[];
}

/**
 * The ESP proposals; with `withPfs` false, DH (PFS) transforms are dropped
 * (IKE_AUTH's first CHILD_SA). Shared and frozen: copy before changing.
 */
export function espProposalsOf(tunnel: TunnelConfig, withPfs: boolean): Proposal[] {
  const entry = cachedProposals(tunnel.ipsecProposals, 'esp');
  if (withPfs) return entry.proposals as Proposal[];
  entry.withoutDh ??= freezeProposals(entry.proposals.map((p) => ({ ...p, transforms: p.transforms.filter((t) => t.transformType !== TransformType.DH) })));
  return entry.withoutDh as Proposal[];
}

/** The first DH group of the first IKE proposal: the KE we send first. */
export function firstIkeGroup(tunnel: TunnelConfig): number | undefined {
  for (const proposal of ikeProposalsOf(tunnel)) {
    const dh = proposal.transforms.find((t) => t.transformType === TransformType.DH);
    if (dh) return dh.transformId;
  }
  return undefined;
}

/** Every DH group the tunnel's IKE proposals allow. */
export function ikeGroupsOf(tunnel: TunnelConfig): number[] {
  return ikeProposalsOf(tunnel).flatMap((p) => p.transforms.filter((t) => t.transformType === TransformType.DH).map((t) => t.transformId));
}

/** The PFS group of the first ESP proposal with one (0 = no PFS). */
export function pfsGroupOf(tunnel: TunnelConfig): number {
  for (const proposal of espProposalsOf(tunnel, true)) {
    const dh = proposal.transforms.find((t) => t.transformType === TransformType.DH && t.transformId !== 0);
    if (dh) return dh.transformId;
  }
  return 0;
}

export function toWireSelector(selector: TrafficSelector): AddressRangeSelector {
  return {
    kind: selector.startAddress.includes(':') ? 'ipv6' : 'ipv4',
    ipProtocol: selector.protocol,
    startPort: selector.startPort,
    endPort: selector.endPort,
    startAddress: selector.startAddress,
    endAddress: selector.endAddress,
  };
}

export function fromWireSelector(selector: WireSelector): TrafficSelector | undefined {
  if (selector.kind === 'opaque') return undefined;
  return {
    startAddress: selector.startAddress,
    endAddress: selector.endAddress,
    protocol: selector.ipProtocol,
    startPort: selector.startPort,
    endPort: selector.endPort,
  };
}

export function describeWireSelector(selector: WireSelector): string {
  if (selector.kind === 'opaque') return `opaque(type ${selector.tsType})`;
  const range = selector.startAddress === selector.endAddress ? selector.startAddress : describeAddressRange(selector.startAddress, selector.endAddress);
  const proto = selector.ipProtocol === 0 ? '' : `[${selector.ipProtocol}`;
  const ports = selector.startPort === 0 && selector.endPort === 65535 ? '' : `${proto ? '' : '[0'}/${selector.startPort}-${selector.endPort}`;
  return `${range}${proto}${ports}${proto || ports ? ']' : ''}`;
}

/** "192.168.10.0/24" as strongSwan prints it when the range is exactly a CIDR, else "first-last". */
function describeAddressRange(first: string, last: string): string {
  const start = parseIpAddress(first);
  const end = parseIpAddress(last);
  if (start === undefined || end === undefined || start.family !== end.family) return `${first}-${last}`;
  return formatRange({ family: start.family, start: start.value, end: end.value });
}

/*
 * Resolved networks, cached like the proposals above. Traffic selector
 * selection used to rebuild the address book index and re-parse every
 * tunnel's network texts on every IKE_AUTH and CREATE_CHILD_SA (4% of a
 * responder handshake, bench/README.md). Two caches: the address book index
 * per address book array (checked against a snapshot of its names and
 * texts), and each tunnel's networks per tunnel object (checked against its
 * network texts and the index they were resolved with). An edit in place,
 * to either, is therefore re-resolved rather than served stale. Results are
 * frozen and shared.
 */
interface CachedAddressBook {
  snapshot: readonly (readonly string[])[];
  index: AddressBookIndex;
}

interface CachedTunnelNetworks {
  localTexts: readonly string[];
  remoteTexts: readonly string[];
  index: AddressBookIndex;
  networks: TunnelNetworks;
}

/** A tunnel's networks with address book names resolved (shared and frozen). */
export interface TunnelNetworks {
  readonly local: readonly IpNetwork[];
  readonly remote: readonly IpNetwork[];
}

const addressBookCache = new WeakMap<GatewayConfig['addressBook'], CachedAddressBook>();
const tunnelNetworksCache = new WeakMap<Pick<TunnelConfig, 'localNetworks' | 'remoteNetworks'>, CachedTunnelNetworks>();

function addressBookSnapshot(entries: GatewayConfig['addressBook']): string[][] {
  return entries.map((entry) => [entry.name, ...entry.networks]);
}

function sameSnapshot(snapshot: readonly (readonly string[])[], entries: GatewayConfig['addressBook']): boolean {
  if (snapshot.length !== entries.length) return false;
  for (let i = 0; i < entries.length; i++) {
    const row = snapshot[i]!;
    const entry = entries[i]!;
    if (row[0] !== entry.name || !sameTexts(row.slice(1), entry.networks)) return false;
  }
  return true;
}

function cachedAddressBookIndex(entries: GatewayConfig['addressBook']): AddressBookIndex {
  const hit = addressBookCache.get(entries);
  if (hit && sameSnapshot(hit.snapshot, entries)) return hit.index;
  const index = buildAddressBookIndex(entries);
  for (const networks of index.values()) {
    for (const network of networks) Object.freeze(network);
    Object.freeze(networks);
  }
  addressBookCache.set(entries, { snapshot: addressBookSnapshot(entries), index });
  return index;
}

function freezeNetworks(networks: IpNetwork[]): readonly IpNetwork[] {
  for (const network of networks) Object.freeze(network);
  return Object.freeze(networks);
}

/**
 * The tunnel's local and remote networks, resolved once per config (see
 * above): what `resolveTunnelNetworks` gives, shared and frozen.
 */
export function tunnelNetworksOf(config: Pick<GatewayConfig, 'addressBook'>, tunnel: Pick<TunnelConfig, 'localNetworks' | 'remoteNetworks'>): TunnelNetworks {
  const index = cachedAddressBookIndex(config.addressBook);
  const hit = tunnelNetworksCache.get(tunnel);
  if (hit && hit.index === index && sameTexts(hit.localTexts, tunnel.localNetworks) && sameTexts(hit.remoteTexts, tunnel.remoteNetworks)) return hit.networks;
  const networks: TunnelNetworks = Object.freeze({
    local: freezeNetworks(tunnel.localNetworks.flatMap((reference) => resolveNetworkReference(reference, index))),
    remote: freezeNetworks(tunnel.remoteNetworks.flatMap((reference) => resolveNetworkReference(reference, index))),
  });
  tunnelNetworksCache.set(tunnel, { localTexts: [...tunnel.localNetworks], remoteTexts: [...tunnel.remoteNetworks], index, networks });
  return networks;
}

/** The tunnel's networks as traffic selectors. */
export function tunnelSelectors(config: GatewayConfig, tunnel: TunnelConfig): { local: TrafficSelector[]; remote: TrafficSelector[] } {
  const networks = tunnelNetworksOf(config, tunnel);
  return {
    local: networks.local.map((n) => trafficSelectorForNetwork(n)),
    remote: networks.remote.map((n) => trafficSelectorForNetwork(n)),
  };
}

/** Our ID payload for a tunnel: the configured local identity, else our address. */
export function localIdPayload(tunnel: TunnelConfig, which: 'i' | 'r', localAddress: string): IdPayload {
  const wire = identityToWire(tunnel.localId) ?? addressIdentity(localAddress);
  return { type: which === 'i' ? PayloadType.IDi : PayloadType.IDr, idType: wire.idType, data: wire.data };
}

function addressIdentity(address: string): { idType: number; data: Uint8Array } {
  if (address.includes(':')) {
    const data = new Uint8Array(16);
    const [head = '', tail] = address.split('::') as [string, string | undefined];
    const headGroups = head ? head.split(':') : [];
    const tailGroups = tail ? tail.split(':') : [];
    const groups = tail === undefined ? headGroups : [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
    groups.forEach((g, i) => {
      const v = Number.parseInt(g || '0', 16);
      data[2 * i] = v >> 8;
      data[2 * i + 1] = v & 0xff;
    });
    return { idType: IdType.IPV6_ADDR, data };
  }
  return { idType: IdType.IPV4_ADDR, data: Uint8Array.from(address.split('.').map(Number)) };
}

/** The PSK bytes of a tunnel, or undefined (certificate auth, or a key that does not parse). */
export function tunnelPsk(tunnel: TunnelConfig): Uint8Array | undefined {
  if (tunnel.auth.method !== 'psk') return undefined;
  try {
    return pskBytes({ kind: tunnel.auth.psk.type, value: tunnel.auth.psk.value });
  } catch {
    return undefined;
  }
}

/** ID payload body after the generic header (IDx' of RFC 7296 §2.15). */
export function idPayloadBody(id: { idType: number; data: Uint8Array }): Uint8Array {
  const out = new Uint8Array(4 + id.data.length);
  out[0] = id.idType;
  out.set(id.data, 4);
  return out;
}

/**
 * Where we send IKE for a tunnel: its remote endpoint address and
 * `remotePort` (0 means our own IKE port: symmetric deployments, 500 in
 * production); undefined for roaming tunnels ("none"), which only respond.
 */
export function tunnelRemoteEndpoint(tunnel: TunnelConfig, defaultPort: number): { address: string; port: number } | undefined {
  const address = tunnel.remoteEndpoint.trim();
  if (address === '' || address === 'none') return undefined;
  return { address, port: tunnel.remotePort > 0 ? tunnel.remotePort : defaultPort };
}
