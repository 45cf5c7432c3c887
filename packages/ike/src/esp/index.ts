/**
 * Public API of ESP (RFC 4303) in @tunnelscope/ike: the packet transform and
 * the anti-replay window, pure. Telling ESP from IKE and NAT-keepalives on
 * the NAT-T port is `splitNonEspMarker` in `../capture`.
 */
export {
  ESP_HEADER_LENGTH,
  ESP_MIN_ALIGNMENT,
  ESP_TRAILER_LENGTH,
  EspNextHeader,
  decodeEspTrailer,
  encodeEspTrailer,
  espAssociatedData,
  espPaddingLength,
  innerPacketLength,
  readEspHeader,
} from './esp-packet.ts';
export type { EspHeader, EspTrailerDecode } from './esp-packet.ts';

export { espPacketLength, openEsp, sealEsp } from './esp-transform.ts';
export type {
  EspInboundSa,
  EspOutboundSa,
  EspPlainPacket,
  EspSa,
  EspSuite,
  OpenEspFailure,
  OpenEspResult,
  SealEspResult,
} from './esp-transform.ts';

export {
  DEFAULT_REPLAY_WINDOW_SIZE,
  acceptSequence,
  checkReplay,
  createReplayWindow,
  inferSequence,
  maxSequence,
} from './replay-window.ts';
export type { ReplayCheck, ReplayWindow, ReplayWindowOptions } from './replay-window.ts';
