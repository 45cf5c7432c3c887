/**
 * The wire contract between an interop test (parent) and the engine host
 * process it runs inside the test's network namespace (child). The parent
 * cannot enter the namespace itself (a process's network namespace is fixed
 * once it runs), so our IkeGateway runs in a child started with
 * `ip netns exec`, and the two talk over Node's IPC channel:
 *
 *   parent ── { kind: 'call', id, method, args } ──> child: runs the gateway method
 *   parent <── { kind: 'reply', id, ok, value | error } ── child
 *   parent <── { kind: 'event', generation, event } ─── child: every gateway event
 *
 * `generation` counts `start` calls, so events of a gateway that was
 * replaced can be told apart from the current one's.
 */
import type { ChildSaInfo, GatewayCommandResult, GatewayEvent, GatewayOptions, IkeGateway, IkeSaInfo, RenderedDatagram, SnoopMode } from '@tunnelscope/engine';

export type GatewayConfig = GatewayOptions['config'];
export type TunnelConfig = GatewayConfig['tunnels'][number];
export type IkeStatCounters = ReturnType<IkeGateway['stats']>;
export type DropCounters = ReturnType<IkeGateway['drops']>;

/** What the host can be asked to do; each maps onto one IkeGateway call (start/stop manage the gateway itself). */
export interface EngineHostMethods {
  /** Stops the current gateway (if any) and starts a fresh one with `config`: empty SA tables, zero counters. */
  start(config: GatewayConfig, snoop: SnoopMode): { generation: number; endpoints: string[] };
  stop(): null;
  initiate(tunnel: string): GatewayCommandResult;
  rekeyIkeSa(ikeSaId: string): GatewayCommandResult;
  rekeyChildSa(childSaId: string): GatewayCommandResult;
  deleteIkeSa(ikeSaId: string): GatewayCommandResult;
  deleteChildSa(childSaId: string): GatewayCommandResult;
  applyConfig(config: GatewayConfig): GatewayCommandResult;
  listIkeSas(): IkeSaInfo[];
  listChildSas(): ChildSaInfo[];
  stats(): IkeStatCounters;
  drops(): DropCounters;
  renderDatagram(id: number, mode: 'brief' | 'full'): RenderedDatagram | null;
  pendingTimers(): Array<{ key: string; at: number }>;
}

export type EngineHostMethod = keyof EngineHostMethods;

export interface EngineHostCall {
  kind: 'call';
  id: number;
  method: EngineHostMethod;
  args: unknown[];
}

export type EngineHostMessage =
  | { kind: 'ready' }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'event'; generation: number; event: GatewayEvent };
