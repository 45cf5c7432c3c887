/** The engine pieces the product adapter (plugins/app/engine-gateway.ts) and main.ts use. */
import type {
  CertificateCacheView,
  CertificateDetail,
  CertificateEvent,
  CertificateFlushResult,
  CertificateStoreView,
  CertificateUpload,
  DataPlaneCounters,
  FlowPage,
  FlowQuery,
  GatewayConfig,
  InterfaceView,
  PingRequest,
  PingResult,
  TraceRequest,
  TraceResult,
} from '@tunnelscope/api';
import type { CertShowEntry, FlowFilter, FlowTableEntry } from '@tunnelscope/engine';
import type { IkeGateway } from '@tunnelscope/engine';

export {
  canonicalIpAddress,
  completeCommandLine,
  configFormatForPath,
  emptyIkeStatCounters,
  formatFlowTable,
  formatIkeStatTable,
  formatSnoopEntry,
  IkeGateway,
  mergeSecrets,
  parseCidr,
  parseConfigText,
  PROTOCOL_NAMES,
  redactConfig,
  runCommand,
  TransportBindError,
  UdpTransport,
  validateConfig,
} from '@tunnelscope/engine';
export type { CertShowEntry, CertificatePort, CliContext, DataPlaneFactory, FlowTableEntry, StoredDatagram } from '@tunnelscope/engine';
import { CertificateService, systemClock, type CertificatePort } from '@tunnelscope/engine';

/** The engine's certificate subsystem for a directory ('' = none), on the system clock. */
export function createCertificateService(config: GatewayConfig, directory: string): CertificatePort {
  return new CertificateService({ directory, clock: systemClock, timeZone: config.timeZone, dnsServers: config.dnsServers });
}

/** Every event the engine's gateway publishes. */
export type EngineGatewayEvent = Parameters<Parameters<IkeGateway['subscribe']>[0]>[0];

/**
 * The members of the engine's DataPlanePort (packages/engine/src/dataplane/contract.ts)
 * the server calls; the engine's port satisfies it structurally.
 */
export interface EngineDataPlane {
  listFlows(query: FlowQuery): FlowPage;
  flowTableEntries(filter: FlowFilter): FlowTableEntry[];
  trace(request: TraceRequest): TraceResult;
  ping(request: PingRequest): Promise<PingResult>;
  interfaces(): InterfaceView[];
  counters(): DataPlaneCounters;
}

/**
 * The members of the engine's CertificatePort (packages/engine/src/certs/contract.ts)
 * the server calls; the engine's CertificateService satisfies it structurally.
 */
export interface EngineCertificates {
  applyConfig(config: GatewayConfig): void;
  load(): Promise<void>;
  cache(): CertificateCacheView;
  detail(id: string): CertificateDetail | undefined;
  flush(): CertificateFlushResult;
  certShowEntries(): CertShowEntry[];
  store(): CertificateStoreView;
  upload(upload: CertificateUpload): Promise<{ ok: true } | { ok: false; field: string; message: string }>;
  subscribe(listener: (event: CertificateEvent) => void): () => void;
  close?(): void;
}
