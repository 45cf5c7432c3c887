/**
 * Configuration payloads in IKE_AUTH (RFC 7296 §2.19, §3.15): roaming
 * clients get their tunnel address from the tunnel's address pool.
 *
 *   client (initiator)                                  gateway (responder)
 *   SK{ IDi AUTH CP(CFG_REQUEST ADDR DNS) SA
 *       TSi(0.0.0.0/0) TSr [N(ADDITIONAL_IP4_ADDRESS)...] } -->
 *                                                       lease from addressPool (address-pool.ts)
 *                                                       narrow TSi to the leased /32
 *                                                       13.6.1 overlap check (roaming-overlap.ts)
 *           <-- SK{ IDr AUTH CP(CFG_REPLY ADDR [MASK] [DNS]) SA TSi(vip/32) TSr }
 *           <-- SK{ IDr AUTH N(INTERNAL_ADDRESS_FAILURE) }   pool exhausted: IKE SA up,
 *                                                            no CHILD_SA (RFC 7296 §3.15.4)
 *   vip from CFG_REPLY -> IkeSa.virtualIp, CHILD_SA TSi as answered
 *
 * IPv4 only (INTERNAL_IP4_*); an IPv6 attribute in a request is not
 * answered. A CP request on a tunnel without `addressPool` is ignored (the
 * client then proposes 0.0.0.0/0, which the tunnel's policy judges), with an
 * info event saying so. The lease belongs to the IKE SA: it follows an IKE
 * rekey and is freed when the IKE SA goes (daemon-core's destroyIkeSa calls
 * `releaseVirtualIp`).
 */
import type { TunnelConfig } from '@tunnelscope/api';
import {
  CfgAttributeType,
  CfgType,
  NotifyType,
  PayloadType,
  formatIpv4,
  parseIpv4,
  type CpPayload,
  type Payload,
  type TrafficSelector as WireSelector,
  type TsPayload,
} from '@tunnelscope/ike';
import { buildAddressBookIndex, resolveNetworkReference } from '../config/network-references.ts';
import type { ChildSa, IkeSa } from './ike-sa.ts';
import type { IkeDaemonCore } from './daemon-core.ts';
import { reportRoamingOverlap } from './roaming-overlap.ts';
import { notifiesOf, notifyPayload } from './wire.ts';

const EMPTY = new Uint8Array(0);
const ALL_IPV4: WireSelector = { kind: 'ipv4', ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: '0.0.0.0', endAddress: '255.255.255.255' };

export function findCp(payloads: readonly Payload[], cfgType: number): CpPayload | undefined {
  return payloads.find((p): p is CpPayload => p.type === PayloadType.CP && p.cfgType === cfgType);
}

/** The tunnel hands out addresses (it has a non-empty addressPool). */
export function tunnelHasPool(tunnel: TunnelConfig | undefined): tunnel is TunnelConfig & { addressPool: string } {
  return tunnel !== undefined && (tunnel.addressPool ?? '').trim() !== '';
}

// --- client (initiator) --------------------------------------------------------------

/**
 * What a virtual-IP client adds to its IKE_AUTH request: CP(CFG_REQUEST)
 * asking for an address and DNS servers, TSi widened to 0.0.0.0/0 (the
 * address is not known yet, RFC 7296 §2.19), and one
 * N(ADDITIONAL_IP4_ADDRESS) per configured local address (RFC 4555 §3.4,
 * as a MOBIKE client lists its addresses; sent without MOBIKE_SUPPORTED:
 * this engine does not move SAs between addresses). `offer` is the SA, TSi,
 * TSr triple of childOfferPayloads; the child's offered TSi is updated.
 */
export function clientAuthPayloads(tunnel: TunnelConfig, child: ChildSa, offer: Payload[]): Payload[] {
  const out: Payload[] = [];
  if (tunnel.requestVirtualIp) {
    out.push({
      type: PayloadType.CP,
      cfgType: CfgType.CFG_REQUEST,
      attributes: [
        { type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: EMPTY },
        { type: CfgAttributeType.INTERNAL_IP4_DNS, value: EMPTY },
      ],
    });
    const tsr = child.offeredTs?.tsr ?? [];
    child.offeredTs = { tsi: [ALL_IPV4], tsr };
    out.push(...offer.map((payload) => (payload.type === PayloadType.TSi ? { type: PayloadType.TSi, selectors: [ALL_IPV4] } : payload)));
  } else {
    out.push(...offer);
  }
  for (const text of tunnel.additionalAddresses ?? []) {
    const bytes = parseIpv4(text);
    if (bytes) out.push(notifyPayload(NotifyType.ADDITIONAL_IP4_ADDRESS, bytes));
  }
  return out;
}

/**
 * A CREATE_CHILD_SA offer on an IKE SA with a virtual IP: the client's side
 * of the CHILD_SA is its one address (RFC 7296 §2.19), not the networks
 * configured. As the client (requestVirtualIp) TSi becomes the address we
 * were given; as the gateway (address pool) TSr becomes the client's lease.
 * `offer` is the SA, TSi, TSr triple of childOfferPayloads; the child's
 * offered TS are updated to match.
 */
export function virtualIpChildOffer(sa: IkeSa, tunnel: TunnelConfig, child: ChildSa, offer: Payload[]): Payload[] {
  const address = sa.virtualIp;
  if (address === undefined) return offer;
  const side = tunnel.requestVirtualIp ? PayloadType.TSi : tunnelHasPool(tunnel) ? PayloadType.TSr : undefined;
  if (side === undefined) return offer;
  const host: WireSelector = { kind: 'ipv4', ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: address, endAddress: address };
  const current = child.offeredTs ?? { tsi: [], tsr: [] };
  child.offeredTs = side === PayloadType.TSi ? { tsi: [host], tsr: current.tsr } : { tsi: current.tsi, tsr: [host] };
  return offer.map((payload) => (payload.type === side ? ({ type: side, selectors: [host] } satisfies TsPayload) : payload));
}

/**
 * The gateway answering a CREATE_CHILD_SA from a client holding a lease:
 * the client's TSi (often 0.0.0.0/0 again) is narrowed to its address.
 */
export function narrowClientRequest(sa: IkeSa, payloads: Payload[]): Payload[] {
  return sa.virtualIp !== undefined && tunnelHasPool(sa.tunnel ?? undefined) ? narrowTsiToAddress(payloads, sa.virtualIp) : payloads;
}

/** Addresses, netmask and DNS servers of a CFG_REPLY. */
export interface ConfigReply {
  address?: string;
  netmask?: string;
  dnsServers: string[];
}

export function readConfigReply(payloads: readonly Payload[]): ConfigReply | undefined {
  const cp = findCp(payloads, CfgType.CFG_REPLY);
  if (!cp) return undefined;
  const reply: ConfigReply = { dnsServers: [] };
  for (const attribute of cp.attributes) {
    if (attribute.value.length !== 4) continue;
    const text = formatIpv4(attribute.value);
    if (attribute.type === CfgAttributeType.INTERNAL_IP4_ADDRESS && reply.address === undefined) reply.address = text;
    else if (attribute.type === CfgAttributeType.INTERNAL_IP4_NETMASK) reply.netmask = text;
    else if (attribute.type === CfgAttributeType.INTERNAL_IP4_DNS) reply.dnsServers.push(text);
  }
  return reply;
}

/**
 * Client side, IKE_AUTH response: the address the gateway assigned becomes
 * the IKE SA's virtual IP (the CHILD_SA's TSi is the responder's answer).
 */
export function acceptConfigReply(core: IkeDaemonCore, sa: IkeSa, payloads: readonly Payload[]): void {
  const tunnel = sa.tunnel;
  if (!tunnel?.requestVirtualIp) return;
  const reply = readConfigReply(payloads);
  if (reply?.address !== undefined) {
    sa.virtualIp = reply.address;
    core.info('virtual_ip_assigned', {
      sa,
      message: `${sa.remote.address} assigned us the tunnel address ${reply.address}${reply.dnsServers.length > 0 ? ` (DNS ${reply.dnsServers.join(', ')})` : ''}`,
      datagramIds: [],
      evidence: { address: reply.address, dnsServers: reply.dnsServers, ...(reply.netmask !== undefined ? { netmask: reply.netmask } : {}) },
    });
    return;
  }
  core.info('virtual_ip_not_assigned', {
    sa,
    message: `${sa.remote.address} answered our configuration request without an address${findCp(payloads, CfgType.CFG_REPLY) ? ' (CFG_REPLY has no INTERNAL_IP4_ADDRESS)' : ' (no CFG_REPLY)'}`,
    datagramIds: [],
  });
}

// --- gateway (responder) -------------------------------------------------------------

/** What IKE_AUTH's responder does with the client's configuration request. */
export interface ConfigResponse {
  /** Goes into the IKE_AUTH response: CP(CFG_REPLY), or nothing. */
  reply: Payload[];
  /** The request's payloads for the first CHILD_SA, TSi narrowed to the leased address. */
  payloads: Payload[];
  /** No address could be leased: answer this instead of a CHILD_SA (RFC 7296 §3.15.4). */
  refusal?: { notify: Payload; code: string; message: string };
}

/** ADDITIONAL_IP4_ADDRESS notifies of a request, as dotted quads. */
export function additionalIpv4Addresses(payloads: readonly Payload[]): string[] {
  return notifiesOf(payloads)
    .filter((n) => n.notifyType === NotifyType.ADDITIONAL_IP4_ADDRESS && n.data.length === 4)
    .map((n) => formatIpv4(n.data));
}

/**
 * RFC 7296 §2.19: the client proposed TSi covering any address; the CHILD_SA
 * is for its assigned address only. Each IPv4 selector that contains it
 * becomes that one address (protocol and ports kept); the others go. When
 * none contains it, TSi is left as proposed for the tunnel's policy to judge.
 */
export function narrowTsiToAddress(payloads: readonly Payload[], address: string): Payload[] {
  const value = ipv4Number(address);
  return payloads.map((payload) => {
    if (payload.type !== PayloadType.TSi) return payload;
    const kept = payload.selectors.flatMap((selector): WireSelector[] => {
      if (selector.kind !== 'ipv4') return [];
      const start = ipv4Number(selector.startAddress);
      const end = ipv4Number(selector.endAddress);
      return start <= value && value <= end ? [{ ...selector, startAddress: address, endAddress: address }] : [];
    });
    return kept.length > 0 ? ({ type: PayloadType.TSi, selectors: kept } satisfies TsPayload) : payload;
  });
}

function ipv4Number(text: string): number {
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Addresses the pool never hands out: the gateway's own and its simulated hosts'. */
function reservedAddresses(core: IkeDaemonCore, tunnel: TunnelConfig): Set<string> {
  const reserved = new Set<string>([tunnel.localEndpoint]);
  for (const entry of core.config.interfaces) for (const text of entry.addresses) reserved.add(text.split('/')[0]!);
  for (const host of core.config.hosts ?? []) reserved.add(host.address);
  return reserved;
}

/**
 * Gateway side of IKE_AUTH, after AUTH verified: answers a CFG_REQUEST
 * from the tunnel's pool and emits `cfg.address.assigned` (or the coded
 * `address_pool_exhausted` event).
 */
export function answerConfigRequest(core: IkeDaemonCore, sa: IkeSa, payloads: Payload[], datagramIds: number[]): ConfigResponse {
  const request = findCp(payloads, CfgType.CFG_REQUEST);
  const tunnel = sa.tunnel;
  if (!request || !tunnel) return { reply: [], payloads };
  if (!tunnelHasPool(tunnel)) {
    core.info('cfg_request_ignored', {
      sa,
      message: `${sa.remote.address} asked for a tunnel address (CFG_REQUEST) but "${tunnel.name}" has no address pool; the request is ignored`,
      datagramIds,
    });
    return { reply: [], payloads };
  }
  const pool = tunnel.addressPool.trim();
  const networks = resolveNetworkReference(pool, buildAddressBookIndex(core.config.addressBook));
  const identity = sa.peerIdentity ?? sa.remote.address;
  const outcome = core.addressPools.lease({ pool, networks, reserved: reservedAddresses(core, tunnel), ikeSaId: sa.id, identity, tunnel: tunnel.name, now: core.now });
  if (!outcome.ok) {
    const message =
      outcome.reason === 'exhausted'
        ? `address pool "${pool}" of "${tunnel.name}" is exhausted (${outcome.inUse} of ${outcome.size} addresses leased): ${sa.remote.address} (${identity}) gets no tunnel address; IKE SA kept, no CHILD_SA (N(INTERNAL_ADDRESS_FAILURE), RFC 7296 §3.15.4)`
        : `address pool "${pool}" of "${tunnel.name}" has no usable IPv4 address: ${sa.remote.address} gets no tunnel address (N(INTERNAL_ADDRESS_FAILURE))`;
    const code = outcome.reason === 'exhausted' ? 'address_pool_exhausted' : 'address_pool_empty';
    core.emit({
      type: 'log.event',
      time: core.now,
      code,
      severity: 'error',
      message,
      messageIds: sa.messageIds.slice(),
      evidence: { datagramIds: [...new Set(datagramIds)], pool, poolSize: outcome.size, leased: outcome.inUse, identity, sentToPeer: 'INTERNAL_ADDRESS_FAILURE' },
      tunnel: tunnel.name,
      peer: { ...sa.remote },
      phase: 'ipsec',
      side: sa.role,
      ikeSaId: sa.id,
    });
    return { reply: [], payloads, refusal: { notify: notifyPayload(NotifyType.INTERNAL_ADDRESS_FAILURE), code, message } };
  }
  const address = outcome.lease.address;
  sa.virtualIp = address;
  const dnsServers = (tunnel.clientDnsServers ?? []).filter((text) => parseIpv4(text) !== undefined);
  const attributes: CpPayload['attributes'][number][] = [{ type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: parseIpv4(address)! }];
  // The address is a host address: everything else is reached through the tunnel.
  if (request.attributes.some((a) => a.type === CfgAttributeType.INTERNAL_IP4_NETMASK)) {
    attributes.push({ type: CfgAttributeType.INTERNAL_IP4_NETMASK, value: Uint8Array.of(255, 255, 255, 255) });
  }
  for (const server of dnsServers) attributes.push({ type: CfgAttributeType.INTERNAL_IP4_DNS, value: parseIpv4(server)! });
  core.emit({ type: 'cfg.address.assigned', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, address, pool, dnsServers });
  return { reply: [{ type: PayloadType.CP, cfgType: CfgType.CFG_REPLY, attributes }], payloads: narrowTsiToAddress(payloads, address) };
}

/**
 * IKE_AUTH responder hook: the configuration request answered from the
 * pool, then (roaming tunnels, or whenever an address was asked for) the
 * 13.6.1 overlap check with the address just leased.
 */
export function answerRoamingClient(core: IkeDaemonCore, sa: IkeSa, payloads: Payload[], datagramIds: number[]): ConfigResponse {
  const response = answerConfigRequest(core, sa, payloads, datagramIds);
  const roaming = sa.tunnel?.remoteEndpoint === 'none';
  if (roaming || findCp(payloads, CfgType.CFG_REQUEST)) reportRoamingOverlap(core, sa, additionalIpv4Addresses(payloads));
  return response;
}

/** The first CHILD_SA refused because no address could be leased (its id and events as for any refusal). */
export function refusedFirstChild(core: IkeDaemonCore, sa: IkeSa, refusal: NonNullable<ConfigResponse['refusal']>): { ok: false; notify: Payload; code: string; message: string; childSaId: string } {
  const childSaId = core.newChildSaId();
  core.emit({ type: 'child.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, childSaId, role: 'responder' });
  return { ok: false, ...refusal, childSaId };
}

/**
 * The IKE SA goes: a rekeyed SA hands its address to the SA that replaced
 * it, any other frees it.
 */
export function releaseVirtualIp(core: IkeDaemonCore, sa: IkeSa): void {
  const successor = sa.replacedBy !== undefined ? core.ikeSas.get(sa.replacedBy) : undefined;
  if (successor) {
    if (sa.virtualIp !== undefined && successor.virtualIp === undefined) successor.virtualIp = sa.virtualIp;
    core.addressPools.transfer(sa.id, successor.id);
    return;
  }
  core.addressPools.release(sa.id);
}
