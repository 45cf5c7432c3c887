/** Public entry of @tunnelscope/server: the server factory, its ports, and the shell's token helper. */
export { createServer, SERVER_VERSION, type ServerOptions, type TunnelscopeServer } from './app.ts';
export type { GatewayPort, GatewayEvent, GatewayDatagram, GatewayListener } from './plugins/app/gateway-port.ts';
export type { LabPort } from './plugins/app/lab-port.ts';
export { EngineGateway } from './plugins/app/engine-gateway.ts';
export { createApiToken, type CreateTokenOptions } from './tokens.ts';
export { resolveStartOptions, DEFAULT_HTTP_PORT, type StartOptions } from './start-options.ts';
