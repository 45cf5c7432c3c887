/**
 * The ESP side of a tunnel that went down on one side (seed 13.6.6 #3):
 * the lab's steps for the `ike-hangs` behaviour, after the peer's CHILD_SA
 * is installed.
 *
 *   up --(setup + forgetStateAfterMs)--> hung: the peer's IKE goes deaf, its
 *        ESP SAs stay (an IKE daemon that hangs, kernel SAs that remain)
 *   hung --(our DPD interval + its retransmit budget)--> our side declares the
 *        peer dead and deletes its SAs without the peer knowing
 *   hung, after that wait: a host behind the peer pings our int address every
 *        pingIntervalMs: ESP for an SPI we no longer have -> our
 *        `dataplane.esp.error unknown_spi` naming the tunnel
 *   hung for retryIntervalMs of pings --> recovered: the peer restarts (empty
 *        tables, IKE answering again) and sets the tunnel up afresh
 *
 * Pure timing decisions over the lab's clock; the PeerGateway does the IO.
 */
import type { PingResult } from '@tunnelscope/api';
import { retransmitBudgetMs } from '@tunnelscope/engine';
import { LAB_INTERNAL, peerSiteAddresses } from '../demo-config.ts';
import type { LabAction } from '../lab-events.ts';
import { retransmitPolicyOf, type ResolvedLabOptions } from '../lab-options.ts';
import type { PeerGateway } from '../peer-gateway.ts';
import type { ScenarioDefinition } from '../scenario-catalogue.ts';

/** Margin after our side's DPD must have given up, before the peer's host sends. */
const AFTER_DPD_MARGIN_MS = 500;

export type StepRecorder = (action: LabAction, outcome: { ok: true } | { ok: false; error: string }, detail: string) => void;

/**
 * How long, after the peer's IKE went deaf, our side takes at most to declare
 * it dead: one DPD interval of silence, then the DPD request's retransmissions
 * (cut short by the DPD timeout).
 */
export function ourDpdGiveUpMs(options: ResolvedLabOptions): number {
  const intervalMs = options.timing.oneSidedDpdSeconds * 1000;
  const timeoutMs = Math.max(options.timing.oneSidedDpdSeconds * 3, 5) * 1000;
  return intervalMs + Math.min(retransmitBudgetMs(retransmitPolicyOf(options.timing)), timeoutMs) + AFTER_DPD_MARGIN_MS;
}

export class OneSidedEspSteps {
  private hungAt: number | undefined;

  constructor(
    private readonly definition: ScenarioDefinition,
    private readonly options: ResolvedLabOptions,
  ) {}

  /** The peer's tunnel is (again) being set up: forget the previous round. */
  reset(): void {
    this.hungAt = undefined;
  }

  /**
   * One step while the peer's CHILD_SA is installed and the after-setup delay
   * has passed. Returns when the next step is due.
   */
  async step(peer: PeerGateway, now: number, record: StepRecorder): Promise<number> {
    const { timing } = this.options;
    if (this.hungAt === undefined) {
      peer.setIkeDeaf(true);
      this.hungAt = now;
      record('peer-ike-hangs', { ok: true }, `${peer.address} stops answering IKE; its IPsec SAs stay installed and keep sending ESP`);
      return now + ourDpdGiveUpMs(this.options);
    }
    const pingsFrom = this.hungAt + ourDpdGiveUpMs(this.options);
    if (now >= pingsFrom + timing.retryIntervalMs) {
      this.hungAt = undefined;
      try {
        await peer.forgetStateSilently();
        record('peer-recovers', { ok: true }, `${peer.address} restarted: IKE answers again, its stale SAs are gone`);
      } catch (error) {
        record('peer-recovers', { ok: false, error: errorText(error) }, `${peer.address} could not restart`);
      }
      return this.options.clock.now() + timing.retryIntervalMs;
    }
    const next = now + timing.pingIntervalMs;
    await this.pingThroughStaleSa(peer, record);
    return next;
  }

  private async pingThroughStaleSa(peer: PeerGateway, record: StepRecorder): Promise<void> {
    const source = peerSiteAddresses(this.definition).host;
    const detail = `${source} (behind ${peer.address}) pings ${LAB_INTERNAL.gateway} through the peer's stale IPsec SA`;
    let result: PingResult;
    try {
      result = await peer.ping({ source, destination: LAB_INTERNAL.gateway, count: 1, timeoutMs: 1_000 });
    } catch (error) {
      record('peer-pings', { ok: false, error: errorText(error) }, detail);
      return;
    }
    const failed = result.received === 0 ? (result.replies.find((reply) => reply.error)?.error ?? 'no reply') : undefined;
    record('peer-pings', failed === undefined ? { ok: true } : { ok: false, error: failed }, `${detail}: ${result.received}/${result.sent} answered`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
