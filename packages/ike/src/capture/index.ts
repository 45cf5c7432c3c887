export { CaptureParseError } from './errors.ts';
export { decodeCapture, readCapture } from './read-capture.ts';
export type { CaptureContents, CaptureRecord, SkippedFrame, UdpDatagram } from './read-capture.ts';
export { writePcap } from './write-pcap.ts';
export { splitNonEspMarker } from './non-esp-marker.ts';
export type { NonEspClassification } from './non-esp-marker.ts';
export type { SkipReason, UdpEndpoint } from './ip-udp.ts';
export { encodeIpUdp, internetChecksum } from './ip-udp.ts';
export {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  SUPPORTED_LINK_TYPES,
} from './link-layer.ts';
