/**
 * The contract types the web app uses, all from @tunnelscope/api (types
 * only: nothing of TypeBox reaches the bundle). Where the web app reads
 * fields the REST contract does not carry yet, the extension is spelled out
 * here and the UI shows "not reported" / "n/a" while they are absent.
 */
import type {
  ChildSaView as ContractChildSaView,
  IkeSaView as ContractIkeSaView,
  ServerMessage as ContractServerMessage,
  StoredEvent as ContractStoredEvent,
} from '@tunnelscope/api';

export type {
  ActionResponse,
  CertificateAuth,
  ClientMessage,
  ConfigChange,
  ConfigDiffResponse,
  ConfigIssue,
  ConfigReadResponse,
  ConfigValidateResponse,
  ConfigVersionInfo,
  ConfigVersionList,
  EndpointView,
  ErrorResponse,
  EventQuery,
  EventTopic,
  FieldError,
  GatewayConfigDocument,
  HealthResponse,
  IkeStatCounterName,
  IkeStatCounters,
  IpRule,
  LoginBody,
  LogEvent,
  Principal,
  PskType,
  RedactedGatewayConfig,
  RedactedTunnel,
  RouteConfig,
  SaLifecycleEvent,
  SeedErrorCode,
  SetupBody,
  SnoopEntry,
  SnoopHistoryPage,
  SnoopHistoryQuery,
  SnoopMessageEvent,
  SnoopModeName,
  SnoopSettings,
  StatsHistoryResponse,
  StatsNowResponse,
  StatsSample,
  StreamFilter,
  StreamTopic,
  TunnelSelectedEvent,
  TunnelStatusList,
  TunnelStatusView,
  User,
  UserRole,
} from '@tunnelscope/api';

/** A stored event; `event` is the engine event as emitted, read field by field. */
export type StoredEvent = Omit<ContractStoredEvent, 'event'> & { event: { type: string } & Record<string, unknown> };

export interface EventPage {
  items: StoredEvent[];
  nextBeforeId: number | null;
}

/** Server frames, with event frames carrying the StoredEvent above. */
export type ServerMessage =
  | Exclude<ContractServerMessage, { type: 'event' }>
  | { type: 'event'; replay?: boolean; data: StoredEvent };

/** IKE SA as listed, with NAT side, peer vendor IDs, last peer packet and DPD state. */
export type IkeSaView = ContractIkeSaView;

/** CHILD_SA as listed; packet counters are not in the contract yet (bytes are, optional until the data plane counts). */
export type ChildSaView = ContractChildSaView & {
  packetsIn?: number;
  packetsOut?: number;
  rekeyAt?: number;
};

export interface IkeSaList {
  items: IkeSaView[];
}
export interface ChildSaList {
  items: ChildSaView[];
}

/** The CLI endpoint's answer (rest/cli.ts). */
export type { CliResponse } from '@tunnelscope/api';

/** Tab completion of a console line (`POST /cli/complete`). */
export type { CliCompletion } from '@tunnelscope/api';
