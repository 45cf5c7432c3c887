/**
 * Test helpers for the codec, shared with other packages' tests:
 * fast-check arbitraries for payloads and messages, the round-trip check,
 * raw datagram builders, and fixed SK suites/keys.
 */
export * from './arbitraries.ts';
export * from './raw-message.ts';
export * from './round-trip.ts';
