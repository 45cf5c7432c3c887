/**
 * What goes into and comes out of the daemon core. The core is a
 * deterministic state machine: `core.handle(input, now)` returns datagrams to
 * send, events to publish, datagram records to store and timer changes; it
 * never touches a socket, a timer or the wall clock. The gateway shell
 * (`../gateway`) does all of that.
 *
 * Timers are named by key (`ike-3/retransmit`, `child-7/rekey`, ...). A
 * `TimerRequest` with `at: null` cancels; otherwise the shell (re)arms the
 * key and feeds `{ kind: 'timer', key }` back when it fires.
 */
import type { CertificateEvent, DaemonEngineEvent, DataPlaneEvent, EngineEvent, GatewayConfig } from '@tunnelscope/api';
import type { PeerCertificateInput, PeerVerification } from '../certs/contract.ts';
import type { Datagram, TransportNotice } from '../io/transport.ts';
import type { StoredDatagram } from '../snoop/datagram-store.ts';

/** Every event the daemon publishes. */
export type GatewayEvent = EngineEvent | DaemonEngineEvent | DataPlaneEvent | CertificateEvent;

export type CoreInput =
  | { kind: 'datagram'; datagram: Datagram }
  | { kind: 'notice'; notice: TransportNotice }
  | { kind: 'timer'; key: string }
  | { kind: 'initiate'; tunnel: string }
  | { kind: 'rekey_ike_sa'; ikeSaId: string }
  | { kind: 'rekey_child_sa'; childSaId: string }
  | { kind: 'delete_ike_sa'; ikeSaId: string }
  | { kind: 'delete_child_sa'; childSaId: string }
  /** Keep-alive's tunnel monitor: every SA of the tunnel goes (CHILD_SAs at once, the IKE SA with a DELETE), then a new negotiation. */
  | { kind: 'renegotiate_tunnel'; tunnel: string; reason: string }
  | { kind: 'apply_config'; config: GatewayConfig }
  /** The shell's answer to a `verify` output (CertificatePort.verifyPeer). */
  | { kind: 'cert_verified'; requestId: string; verification: PeerVerification };

/**
 * A parked IKE_AUTH asks the shell to verify the peer's certificates
 * (CertificatePort.verifyPeer, async: chain, purposes, validity, CRL). The
 * shell feeds the result back as `{ kind: 'cert_verified', requestId }`;
 * an answer for a request the core no longer waits for is ignored.
 */
export interface CertVerifyRequest {
  requestId: string;
  ikeSaId: string;
  role: 'initiator' | 'responder';
  input: PeerCertificateInput;
}

export interface TimerRequest {
  key: string;
  /** ms since epoch; null cancels the timer. */
  at: number | null;
}

export type GatewayCommandResult = { ok: true; ikeSaId?: string; childSaId?: string } | { ok: false; error: string };

export interface CoreOutput {
  /** Datagrams to hand to the transport, in order. */
  send: Datagram[];
  /** Records for the datagram store (received and sent), in order. */
  stored: StoredDatagram[];
  events: GatewayEvent[];
  timers: TimerRequest[];
  /** Outcome of a command input (initiate, rekey, delete, apply_config). */
  result?: GatewayCommandResult;
  /** Certificate verifications to run (certificate IKE_AUTH parked until each answers). */
  verify?: CertVerifyRequest[];
}
