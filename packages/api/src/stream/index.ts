/** WebSocket messages of /api/v1/stream. */
export * from './messages.ts';
