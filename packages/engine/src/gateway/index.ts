/** Public entry of the IKE gateway shell (transport, clock, timers, event bus around the daemon core; ESP for its CHILD_SAs). */
export { IkeGateway, udpTransportForConfig } from './ike-gateway.ts';
export type { ChildSaInfo, GatewayListener, GatewayOptions, IkeSaInfo, PskTestResult, RenderedDatagram, SessionKeyListener, SessionKeys } from './ike-gateway.ts';
export { ACQUIRE_INTERVAL_MS, EspLayer } from './esp-layer.ts';
export type { EspLayerHost, EspSaCounters } from './esp-layer.ts';
export { DEFAULT_ESP_ERROR_INTERVAL_MS, EspErrorReporter } from './esp-error-reporter.ts';
export type { EspErrorCode, EspErrorReport } from './esp-error-reporter.ts';
export { createGatewayDataPlane } from './esp-data-plane.ts';
export type { DataPlaneFactory, DataPlaneFactoryOptions } from './esp-data-plane.ts';
export { DatagramStore, SnoopFilter } from '../snoop/index.ts';
export type { DatagramStoreOptions, SnoopMode, SnoopOptions, StoredDatagram } from '../snoop/index.ts';
