/** Public entry of @tunnelscope/ike: the IKEv2 codec, its crypto, and capture files. Pure: no sockets, timers or clock. */
export * from './constants.ts';
export * from './codec.ts';
export * from './crypto/index.ts';
export * from './capture/index.ts';
export * from './wireshark-keys.ts';
export * from './esp/index.ts';
