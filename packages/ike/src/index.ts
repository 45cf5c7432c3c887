/** Public entry of @tunnelscope/ike: the IKEv2 codec and its crypto. */
export * from './constants.ts';
