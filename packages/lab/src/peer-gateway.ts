/**
 * One scenario peer: a real engine instance (IkeGateway over UDP on its own
 * loopback address) with the scenario's config. Its events are forwarded to
 * one listener across restarts.
 *
 *   start() --> [running] --forgetStateSilently()--> stop the instance (no DELETE),
 *                  |                                 start a fresh one on the same
 *                  |                                 sockets' addresses --> [running]
 *                  '--stop({ graceful })--> DELETE every IKE SA, wait (bounded) --> [stopped]
 *
 * "Forgetting silently" is what a crash or reboot does: the SAs vanish on
 * this side only and the other side learns it from the next message it
 * sends (seed 13.6.6 #3). The engine has no "drop state" command, so the
 * peer restarts its gateway instance, exactly as a rebooted box would.
 */
import type { GatewayConfig, PingRequest, PingResult } from '@tunnelscope/api';
import { IkeGateway, udpTransportForConfig, type CertificatePort, type Clock, type GatewayCommandResult, type GatewayEvent } from '@tunnelscope/engine';
import { IkeDeafTransport } from './dataplane/ike-deaf-transport.ts';

/** What the lab reads of a peer's tunnel to decide its next move. */
export interface PeerTunnelState {
  /** An IKE SA of the tunnel is being negotiated (IKE_SA_INIT / IKE_AUTH in flight). */
  negotiating: boolean;
  /** An established IKE SA has a request outstanding (CREATE_CHILD_SA, DPD, DELETE). */
  busy: boolean;
  ikeSaUp: boolean;
  /** Installed CHILD_SAs of the tunnel. */
  installedChildSaIds: string[];
}

export class PeerGateway {
  private gateway: IkeGateway | undefined;
  private transport: IkeDeafTransport | undefined;
  private unsubscribe: (() => void) | undefined;
  private transition: Promise<void> = Promise.resolve();

  constructor(
    readonly address: string,
    private readonly config: GatewayConfig,
    private readonly clock: Clock,
    private readonly onEvent: (event: GatewayEvent) => void,
    /** Certificate scenarios: the peer's certificate store (kept across restarts, as a rebooted box keeps its files). */
    private readonly certificates?: CertificatePort,
  ) {}

  running(): boolean {
    return this.gateway !== undefined;
  }

  async start(): Promise<void> {
    await this.serialised(() => this.startInstance());
  }

  /** Drops every SA without telling the other side: the instance restarts with empty tables. */
  async forgetStateSilently(): Promise<void> {
    await this.serialised(async () => {
      await this.stopInstance();
      await this.startInstance();
    });
  }

  /**
   * Stops the peer. `graceful` first DELETEs its IKE SAs, including those a
   * negotiation in flight establishes meanwhile, and waits up to `graceMs`
   * (real time) for the answers.
   */
  async stop(options: { graceful: boolean; graceMs: number }): Promise<void> {
    await this.serialised(async () => {
      const gateway = this.gateway;
      if (!gateway) return;
      if (options.graceful) {
        const deleteRequested = new Set<string>();
        await waitRealTime(() => {
          const ikeSas = gateway.listIkeSas();
          for (const sa of ikeSas) {
            if (sa.state === 'established' && !deleteRequested.has(sa.id)) {
              deleteRequested.add(sa.id);
              gateway.deleteIkeSa(sa.id);
            }
          }
          return ikeSas.length === 0;
        }, options.graceMs);
      }
      await this.stopInstance();
      this.certificates?.close?.();
    });
  }

  initiate(tunnel: string): GatewayCommandResult {
    return this.gateway?.initiate(tunnel) ?? notRunning(this.address);
  }

  rekeyChildSa(childSaId: string): GatewayCommandResult {
    return this.gateway?.rekeyChildSa(childSaId) ?? notRunning(this.address);
  }

  tunnelState(tunnel: string): PeerTunnelState {
    const gateway = this.gateway;
    if (!gateway) return { negotiating: false, busy: false, ikeSaUp: false, installedChildSaIds: [] };
    const ikeSas = gateway.listIkeSas().filter((sa) => sa.tunnel === tunnel);
    const established = ikeSas.filter((sa) => sa.state === 'established');
    return {
      negotiating: ikeSas.some((sa) => sa.state === 'init_sent' || sa.state === 'auth_sent' || sa.state === 'half_open'),
      busy: established.some((sa) => sa.outstandingRequest !== undefined) || ikeSas.some((sa) => sa.state === 'deleting' || sa.state === 'rekeyed'),
      ikeSaUp: established.length > 0,
      installedChildSaIds: gateway
        .listChildSas()
        .filter((child) => child.tunnel === tunnel && child.state === 'installed')
        .map((child) => child.id),
    };
  }

  /** Ping from a host behind the peer (its data plane), through whatever route the peer has. */
  async ping(request: PingRequest): Promise<PingResult> {
    const gateway = this.gateway;
    if (!gateway) throw new Error(`the lab peer ${this.address} is not running`);
    return gateway.dataPlane.ping(request);
  }

  /** The peer's IKE stops (true) or resumes (false) answering; its ESP keeps flowing (see IkeDeafTransport). A restart resumes it. */
  setIkeDeaf(deaf: boolean): void {
    this.transport?.setDeaf(deaf);
  }

  /** The running instance, for read-only inspection (SA tables, stats). */
  instance(): IkeGateway | undefined {
    return this.gateway;
  }

  private async startInstance(): Promise<void> {
    if (this.gateway) return;
    const transport = new IkeDeafTransport(udpTransportForConfig(this.config));
    const gateway = new IkeGateway({
      config: this.config,
      transport,
      clock: this.clock,
      ...(this.certificates ? { certificates: this.certificates } : {}),
    });
    const unsubscribe = gateway.subscribe(this.onEvent);
    try {
      await gateway.start();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    this.gateway = gateway;
    this.unsubscribe = unsubscribe;
    this.transport = transport;
  }

  private async stopInstance(): Promise<void> {
    const gateway = this.gateway;
    if (!gateway) return;
    this.gateway = undefined;
    this.transport = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await gateway.stop();
  }

  /** Start, restart and stop never interleave. */
  private serialised(step: () => Promise<void>): Promise<void> {
    const next = this.transition.then(step);
    this.transition = next.catch(() => undefined);
    return next;
  }
}

function notRunning(address: string): GatewayCommandResult {
  return { ok: false, error: `the lab peer ${address} is not running` };
}

function waitRealTime(done: () => boolean, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  return new Promise((resolve) => {
    const poll = () => {
      if (done() || Date.now() >= until) resolve();
      else setTimeout(poll, 10);
    };
    poll();
  });
}
