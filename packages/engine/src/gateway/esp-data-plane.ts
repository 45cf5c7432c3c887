/**
 * Which data plane a gateway builds around its ESP layer. The gateway hands
 * it the config, its clock and the ESP layer as the TunnelPort; tests pass a
 * factory of their own through `GatewayOptions.dataPlane`.
 */
import type { GatewayConfig } from '@tunnelscope/api';
import type { DataPlanePort, TunnelPort } from '../dataplane/contract.ts';
import { DataPlane } from '../dataplane/data-plane.ts';
import type { Clock } from '../io/clock.ts';

export interface DataPlaneFactoryOptions {
  config: GatewayConfig;
  clock: Clock;
  tunnels: TunnelPort;
}

export type DataPlaneFactory = (options: DataPlaneFactoryOptions) => DataPlanePort;

/** The engine's data plane (interfaces, routes, rules, flows) over the gateway's ESP. */
export const createGatewayDataPlane: DataPlaneFactory = (options) => new DataPlane(options);
