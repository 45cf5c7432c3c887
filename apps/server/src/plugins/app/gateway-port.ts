/**
 * What the server needs from the gateway engine: the one door through which
 * REST, the stream and the CLI endpoint reach it. The product implements it
 * with the real engine (engine-gateway.ts); tests use a small in-process fake
 * (test/support/fake-gateway.ts). The server never imports engine internals.
 *
 * Contract:
 * - Config documents are plain JSON objects. `getConfig()` returns the full
 *   config, secrets included; it never leaves the server except through
 *   `redactConfig`. `validateConfig` validates a whole candidate and names
 *   every offending field; it never throws for a bad candidate.
 * - `applyConfig` only receives configs that `validateConfig` accepted. It
 *   rejects (throws) only when the engine cannot run the config at all; the
 *   engine keeps running the previous config then.
 * - SA actions resolve when the engine has accepted the request (the
 *   negotiation itself is reported through events), and throw
 *   `GatewayActionError` with `kind` 'not_found' for an unknown tunnel or SA.
 * - `subscribe` delivers every event and every raw datagram in the order the
 *   engine produced them, synchronously from the engine's callbacks; the
 *   listener must not throw and must not block. It returns the unsubscribe
 *   function.
 * - No value returned or emitted through this port contains a pre-shared
 *   key or private key, except `getConfig()`.
 * - Data plane and certificate reads throw `GatewayActionError` with kind
 *   'unavailable' while the engine (or that subsystem) is not running; the
 *   routes answer 503 with its message.
 */
import type {
  CertificateCacheView,
  CertificateDetail,
  CertificateFlushResult,
  CertificateStoreView,
  CertificateUpload,
  ChildSaView,
  CrlView,
  DataPlaneCounters,
  EventTopic,
  FieldError,
  FlowPage,
  FlowQuery,
  FlowView,
  IkeSaView,
  IkeStatCounters,
  InterfaceView,
  PingRequest,
  PingResult,
  SnoopSettings,
  TraceRequest,
  TraceResult,
  TunnelStatusView,
} from '../../contract.ts';
import type { IkeSaKeyEntry } from '../../ike-tools.ts';

export type GatewayConfig = Record<string, unknown>;

export type ConfigValidation = { ok: true; config: GatewayConfig } | { ok: false; errors: FieldError[] };

/**
 * One engine event with the fields the server indexes it by. `event` is the
 * member of the engine event union exactly as emitted; the adapter fills the
 * index fields from it.
 */
export interface GatewayEvent {
  topic: EventTopic;
  /** The event's `type` discriminator, e.g. `ike.sa.established`. */
  type: string;
  /** ms since epoch on the engine's clock. */
  time: number;
  code?: string | undefined;
  tunnel?: string | undefined;
  peer?: string | undefined;
  /** A one-line human rendering (a snoop line, a log message). */
  text?: string | undefined;
  /** For alerts: the tunnel came up or went down with this event. */
  tunnelState?: 'up' | 'down' | undefined;
  event: { type: string } & Record<string, unknown>;
  /**
   * The engine instance that emitted the event (see `GatewayDatagram.engineRun`);
   * the datagram ids it cites are ids of that run. Absent for server events.
   */
  engineRun?: string | undefined;
}

/** One IKE datagram as it crossed the socket, with what the engine decoded of it. */
export interface GatewayDatagram {
  time: number;
  direction: 'in' | 'out';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  marker: boolean;
  /** IKE message bytes without the non-ESP marker. */
  bytes: Uint8Array;
  ikeSaId?: string | undefined;
  tunnel?: string | undefined;
  exchange?: string | undefined;
  messageId?: number | undefined;
  response?: boolean | undefined;
  /** Error notifies carried by the message, e.g. NO_PROPOSAL_CHOSEN. */
  errorCodes: string[];
  /** The brief snoop rendering, as `ike -snoop -brief` prints it. */
  brief: string;
  /**
   * Identifies the engine instance that produced the datagram: a new value
   * whenever the port creates a new engine. Engine datagram ids restart with
   * every instance, so only (engineRun, engineDatagramId) names one datagram.
   */
  engineRun?: string | undefined;
  /** The datagram's id in that engine instance's datagram store (what events cite). */
  engineDatagramId?: number | undefined;
}

export interface GatewayListener {
  event(event: GatewayEvent): void;
  datagram(datagram: GatewayDatagram): void;
}

export interface CommandResult {
  output: string;
  exitCode: number;
}

export type PskTestResult = { result: 'match' | 'mismatch' | 'no_evidence'; detail: string };

export type CertificateUploadResult = { ok: true } | { ok: false; field: string; message: string };

export class GatewayActionError extends Error {
  constructor(
    readonly kind: 'not_found' | 'refused' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'GatewayActionError';
  }
}

export interface GatewayPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  running(): boolean;

  getConfig(): GatewayConfig;
  validateConfig(candidate: unknown): ConfigValidation;
  applyConfig(config: GatewayConfig): Promise<void>;
  /** The config with every secret replaced by a placeholder. */
  redactConfig(config: GatewayConfig): GatewayConfig;
  /** Puts stored secrets back where `candidate` carries the redaction placeholder. */
  mergeSecrets(candidate: unknown, current: GatewayConfig): unknown;

  listTunnels(): TunnelStatusView[];
  listIkeSas(): IkeSaView[];
  listChildSas(): ChildSaView[];
  initiate(tunnel: string): Promise<string>;
  rekeyIkeSa(id: string): Promise<string>;
  deleteIkeSa(id: string): Promise<string>;
  rekeyChildSa(id: string): Promise<string>;
  deleteChildSa(id: string): Promise<string>;

  stats(): IkeStatCounters;
  /** The `ike -stat` table text. */
  formatStats(counters: IkeStatCounters): string;

  getSnoopMode(): SnoopSettings;
  setSnoopMode(mode: SnoopSettings): void;
  /** Renders stored datagram bytes as the `-full` snoop decode. */
  renderDatagramFull(datagram: GatewayDatagram): string;

  subscribe(listener: GatewayListener): () => void;

  runCommand(line: string): Promise<CommandResult>;
  testPsk(tunnel: string, psk: { kind: 'passphrase' | 'hex'; value: string }): Promise<PskTestResult>;

  // Data plane (flow table, trace, ping, interfaces, counters).
  /** One page of the flow table: `flow -show` filters, server-side sort and paging. */
  listFlows(query: FlowQuery): FlowPage;
  getFlow(id: string): FlowView | undefined;
  trace(request: TraceRequest): TraceResult;
  /** Real pings through the engine's data plane (and its tunnels). */
  ping(request: PingRequest): Promise<PingResult>;
  dataPlaneInterfaces(): InterfaceView[];
  dataPlaneCounters(): DataPlaneCounters;

  // Certificates (the IKE certificate cache, the certificate directory, CRLs).
  certificateCache(): CertificateCacheView;
  certificateDetail(id: string): CertificateDetail | undefined;
  /** `ike -certflush`. */
  flushCertificates(): CertificateFlushResult;
  certificateStore(): CertificateStoreView;
  /** Writes name.cer (+ name.key) or a CA certificate; the private key is never returned or logged. */
  uploadCertificate(upload: CertificateUpload): Promise<CertificateUploadResult>;
  crls(): CrlView[];

  /**
   * Keys of the tunnel's established IKE SAs for Wireshark's decryption
   * table. Undefined while the engine does not export keys.
   */
  sessionKeys?: (tunnel: string) => IkeSaKeyEntry[];
}
