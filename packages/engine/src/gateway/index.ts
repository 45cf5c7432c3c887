/** Public entry of the IKE gateway shell (transport, clock, timers, event bus around the daemon core). */
export { IkeGateway, udpTransportForConfig } from './ike-gateway.ts';
export type { ChildSaInfo, GatewayListener, GatewayOptions, IkeSaInfo, PskTestResult, RenderedDatagram, SessionKeyListener, SessionKeys } from './ike-gateway.ts';
export { DatagramStore, SnoopFilter } from '../snoop/index.ts';
export type { DatagramStoreOptions, SnoopMode, SnoopOptions, StoredDatagram } from '../snoop/index.ts';
