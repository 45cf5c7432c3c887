/**
 * The data plane's contract with the rest of the engine.
 *
 *   peer ESP-in-UDP --> gateway ESP layer (openEsp, per-SA counters)
 *        --> DataPlane.receiveFromTunnel(tunnel, childSaId, inner IPv4)
 *        --> flow lookup | route (longest prefix) | IP rules (first match)
 *        --> core (the gateway itself) | simulated host | TunnelPort.send
 *        --> gateway ESP layer (sealEsp) --> peer
 *
 * Interfaces: every configured interface (ext, int, mgm, ...), `core` (the
 * gateway itself: every interface address is delivered to core, as on the
 * seed's firewall, so `Allow vpn_tunnel all-nets-ip4 core all-nets-ip4
 * ICMP` is what lets the gateway answer a ping through the tunnel), and
 * one interface per IPsec tunnel, named after the tunnel.
 *
 * The DataPlane is pure logic over an injected Clock: no sockets. The
 * gateway's ESP layer implements TunnelPort and feeds decrypted packets in.
 */
import type {
  DataPlaneCounters,
  DataPlaneEvent,
  FlowPage,
  FlowQuery,
  GatewayConfig,
  InterfaceView,
  PingRequest,
  PingResult,
  TraceRequest,
  TraceResult,
} from '@tunnelscope/api';
import type { FlowTableEntry } from '../cli/format-flow-table.ts';
import type { FlowFilter } from '../cli/parse-command-line.ts';

/** Outcome of handing an inner packet to a tunnel. */
export type TunnelSendResult =
  | { ok: true; childSaId: string; spi: number; bytes: number }
  | {
      ok: false;
      /** no_sa: no CHILD_SA up (the gateway starts negotiating); ts_mismatch: SAs exist but none covers the addresses. */
      reason: 'no_sa' | 'ts_mismatch' | 'sa_expired' | 'send_failed';
      detail: string;
    };

/** What `TunnelPort.describe` reports for a packet trace (no side effects). */
export interface TunnelDescription {
  ok: boolean;
  childSaId?: string;
  /** Outbound SPI of the CHILD_SA that would carry the packet. */
  spi?: number;
  /** The traffic selectors that matched, e.g. "192.168.1.0/24 === 192.168.2.0/24". */
  selectors?: string;
  reason?: 'no_sa' | 'ts_mismatch' | 'sa_expired';
  detail: string;
}

/** Implemented by the gateway's ESP layer. */
export interface TunnelPort {
  /** Seals an inner IPv4 packet with the tunnel's outbound CHILD_SA covering its addresses and sends it. */
  send(tunnel: string, packet: Uint8Array): TunnelSendResult;
  /** Optional, for `trace`: which CHILD_SA / selectors a packet from source to destination would use. */
  describe?(tunnel: string, source: string, destination: string): TunnelDescription;
  /**
   * Optional: the tunnel has an installed CHILD_SA (its IKE SA up). Keep-alive
   * probes only while it does (it watches a data path, it never brings a
   * tunnel up); a port without it counts as always up.
   */
  hasSa?(tunnel: string): boolean;
  /**
   * Optional: keep-alive's verdict that the tunnel is not operational
   * (keepAlive.renegotiateAfterLost): delete its SAs and negotiate it again.
   * Returns what happened, in words, or undefined when it cannot.
   */
  renegotiate?(tunnel: string, reason: string): string | undefined;
}

/** An ESP packet that crossed the outer interface (for ESP flows keyed by SPI). */
export interface EspObservation {
  direction: 'in' | 'out';
  /** Our tunnel endpoint and the peer's, as on the wire. */
  localAddress: string;
  remoteAddress: string;
  spi: number;
  bytes: number;
  tunnel: string | null;
  childSaId?: string;
}

export type DataPlaneListener = (event: DataPlaneEvent) => void;

export interface DataPlanePort {
  /** New config: interfaces, routes, rules, hosts, keep-alives. Flows that no longer pass the rules are removed. */
  applyConfig(config: GatewayConfig): void;
  /** An inner packet decrypted from a tunnel's CHILD_SA. */
  receiveFromTunnel(tunnel: string, childSaId: string, packet: Uint8Array): void;
  /** ESP seen on the outer interface (in or out): keeps the ESP flows. */
  observeEsp(observation: EspObservation): void;
  /** A CHILD_SA went away: its ESP flows leave the table (reason sa_deleted). */
  childSaRemoved(childSaId: string): void;
  listFlows(query: FlowQuery): FlowPage;
  /** `flow -show` rows for a CLI filter, in table order. */
  flowTableEntries(filter: FlowFilter): FlowTableEntry[];
  trace(request: TraceRequest): TraceResult;
  ping(request: PingRequest): Promise<PingResult>;
  interfaces(): InterfaceView[];
  counters(): DataPlaneCounters;
  subscribe(listener: DataPlaneListener): () => void;
  stop(): void;
}
