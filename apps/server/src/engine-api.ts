/** The engine pieces the product adapter (plugins/app/engine-gateway.ts) and main.ts use. */
import type { IkeGateway } from '@tunnelscope/engine';

export {
  completeCommandLine,
  configFormatForPath,
  emptyIkeStatCounters,
  formatIkeStatTable,
  formatSnoopEntry,
  IkeGateway,
  mergeSecrets,
  parseConfigText,
  redactConfig,
  runCommand,
  TransportBindError,
  UdpTransport,
  validateConfig,
} from '@tunnelscope/engine';
export type { StoredDatagram } from '@tunnelscope/engine';

/** Every event the engine's gateway publishes. */
export type EngineGatewayEvent = Parameters<Parameters<IkeGateway['subscribe']>[0]>[0];
