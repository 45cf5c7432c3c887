export { DatagramStore, DEFAULT_DATAGRAM_STORE_OPTIONS } from './datagram-store.ts';
export type { StoredDatagram, DatagramDirection, DatagramStoreOptions } from './datagram-store.ts';
export { SnoopFilter } from './snoop-bus.ts';
export type { SnoopMode, SnoopOptions } from './snoop-bus.ts';
