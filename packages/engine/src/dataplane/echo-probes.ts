/**
 * Outstanding ICMP echo probes (ping, keep-alive), keyed by identifier and
 * sequence. The data plane reports every echo reply that reaches the
 * gateway (core) or a simulated host, and every drop of an echo packet, so
 * a probe learns of its reply or of the reason it was lost.
 */

export interface EchoReplyInfo {
  readonly from: number;
  readonly ttl: number;
  readonly at: number;
  /** Clock.elapsed() (or now()) when the reply arrived: for round-trip times. */
  readonly mark: number;
}

export interface EchoProbeHandlers {
  onReply(reply: EchoReplyInfo): void;
}

export class EchoProbes {
  private readonly pending = new Map<number, EchoProbeHandlers>();
  private readonly drops = new Map<number, string>();
  private nextIdentifier: number;

  constructor(firstIdentifier = 0x4a00) {
    this.nextIdentifier = firstIdentifier;
  }

  /** A fresh echo identifier (16 bits, never 0). */
  allocateIdentifier(): number {
    const identifier = this.nextIdentifier;
    this.nextIdentifier = (this.nextIdentifier % 0xffff) + 1;
    return identifier;
  }

  private static key(identifier: number, sequence: number): number {
    return identifier * 0x10000 + sequence;
  }

  register(identifier: number, sequence: number, handlers: EchoProbeHandlers): () => void {
    const key = EchoProbes.key(identifier, sequence);
    this.pending.set(key, handlers);
    this.drops.delete(key);
    return () => {
      this.pending.delete(key);
      this.drops.delete(key);
    };
  }

  /** True if a probe was waiting for this reply. */
  deliverReply(identifier: number, sequence: number, reply: EchoReplyInfo): boolean {
    const handlers = this.pending.get(EchoProbes.key(identifier, sequence));
    if (handlers === undefined) return false;
    handlers.onReply(reply);
    return true;
  }

  /** Remembers why an echo packet of a pending probe was dropped. */
  noteDrop(identifier: number, sequence: number, reason: string): void {
    const key = EchoProbes.key(identifier, sequence);
    if (this.pending.has(key)) this.drops.set(key, reason);
  }

  dropReason(identifier: number, sequence: number): string | undefined {
    return this.drops.get(EchoProbes.key(identifier, sequence));
  }
}
