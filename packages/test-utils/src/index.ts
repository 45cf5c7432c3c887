// ---- randomized variants ----
export { seededRng } from './seeded-rng.ts';
export type { Rng } from './seeded-rng.ts';
// ---- strongSwan + tshark interop harness ----
export { describeInterop, interopSuiteMode, requireTool, missingTools, toolStatus, isCi, findOnPath, CHARON_PATH } from './require-tool.ts';
export type { InteropTool, ToolStatus } from './require-tool.ts';
export { createNetns, DEFAULT_VETHS } from './netns.ts';
export type { Netns, NetnsOptions, VethPair } from './netns.ts';
export {
  startCharon,
  renderStrongswanConf,
  SwanctlError,
  DEFAULT_CHARON_PLUGINS,
  DEFAULT_LOG_LEVELS,
} from './charon.ts';
export type { Charon, CharonOptions, CharonLogGroup, SaTarget, SwanctlOptions } from './charon.ts';
export {
  parseCharonLogLine,
  parseIkeMessageLine,
  parseIkeMessages,
  parsePacketLine,
  parseHexDumps,
  parseIkeKeys,
  parseChildKeys,
  splitPayloadNotation,
  CharonLogParseError,
  IKE_KEY_LABELS,
} from './charon-log.ts';
export type { CharonLogLine, IkeMessageLog, PacketLog, HexDump, IkeKeyLog, ChildKeyLog } from './charon-log.ts';
export { parseListSas, parseViciPretty } from './vici-list.ts';
export type { IkeSaInfo, ChildSaInfo, ViciMessage, ViciSection, ViciValue } from './vici-list.ts';
export { renderConf } from './strongswan-conf.ts';
export type { ConfSection, ConfValue, ConfScalar } from './strongswan-conf.ts';
export { pskGatewayConf } from './psk-gateway-conf.ts';
export type { PskGatewayOptions } from './psk-gateway-conf.ts';
export { tsharkDecode, ikev2DecryptionTable } from './tshark.ts';
export type { TsharkOptions, TsharkDecodeResult, TsharkFrame, ExpertInfo, Ikev2DecryptionEntry } from './tshark.ts';
export { capture } from './packet-capture.ts';
export type { CaptureOptions, RunningCapture } from './packet-capture.ts';
export { parseProposal, isAead, wiresharkEncrName, wiresharkIntegName } from './ike-proposal.ts';
export type { IkeAlgorithms } from './ike-proposal.ts';
export {
  readIkeHeader,
  walkPayloads,
  decryptIkeMessage,
  firstProposalSpi,
  notifyType,
  EXCHANGE_NAMES,
} from './ike-oracle.ts';
export type { IkeHeaderView, RawPayload, SkKeys, DecryptedMessage } from './ike-oracle.ts';
export { runCommand, CommandError, spawnWithLines, stopProcess, delay } from './run-command.ts';
export type { CommandResult, RunOptions } from './run-command.ts';
// ---- in-memory engine fakes ----
export { ManualClock } from './manual-clock.ts';
export { MemoryNetwork, MemoryTransport } from './memory-transport.ts';
export type { WireDatagram, WireFilter } from './memory-transport.ts';
// ---- test PKI (certificates, CRLs, CRL server, DNS responder) ----
export * from './pki/index.ts';
