/**
 * swanctl.conf for one PSK gateway with one CHILD_SA, the shape every
 * charon-vs-X interop test needs. Produces an object for renderConf /
 * startCharon's `conf`.
 */
import type { ConfSection } from './strongswan-conf.ts';

export interface PskGatewayOptions {
  /** Connection name; default 'gw'. */
  connection?: string;
  /** CHILD_SA name; default 'net'. */
  child?: string;
  localAddress: string;
  remoteAddress: string;
  /** The peer's IKE port. */
  remotePort: number;
  localId: string;
  remoteId: string;
  psk: string;
  /** IKE proposals, e.g. 'aes128gcm16-sha256-x25519'. */
  proposals: string;
  /** ESP proposals, e.g. 'aes128gcm16' or 'aes128gcm16-x25519' (PFS on rekey). */
  espProposals: string;
  localTs: string;
  remoteTs: string;
  /** Settings merged into the connection section (dpd_delay, rekey_time, ...). */
  connectionSettings?: ConfSection;
  /** Settings merged into the child section. */
  childSettings?: ConfSection;
}

/** Builds `{ connections: { gw: ... }, secrets: { ike-1: ... } }` for one side. */
export function pskGatewayConf(options: PskGatewayOptions): ConfSection {
  const child = options.child ?? 'net';
  return {
    connections: {
      [options.connection ?? 'gw']: {
        local_addrs: options.localAddress,
        remote_addrs: options.remoteAddress,
        remote_port: options.remotePort,
        version: 2,
        proposals: options.proposals,
        ...options.connectionSettings,
        local: { auth: 'psk', id: options.localId },
        remote: { auth: 'psk', id: options.remoteId },
        children: {
          [child]: {
            local_ts: options.localTs,
            remote_ts: options.remoteTs,
            esp_proposals: options.espProposals,
            ...options.childSettings,
          },
        },
      },
    },
    secrets: {
      'ike-1': { 'id-1': options.localId, 'id-2': options.remoteId, secret: options.psk },
    },
  };
}
