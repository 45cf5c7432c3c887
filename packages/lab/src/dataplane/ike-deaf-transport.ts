/**
 * A lab peer's transport whose IKE side can go deaf while its ESP keeps
 * flowing: what a gateway does when its IKE daemon hangs and the IPsec SAs
 * it installed stay in the kernel (seed 13.6.6 #3, the ESP side).
 *
 *   socket --> IKE datagram --> deaf?  yes: dropped (counted), never answered
 *                                      no:  the engine, as usual
 *          --> ESP / NAT keep-alive / runt notices --> the engine, always
 *   engine --> send / sendRaw --> socket, always (its SAs still send ESP)
 *
 * The other side's DPD then meets silence, declares the peer dead and
 * removes its SAs, while this peer's host keeps sending ESP for SPIs the
 * other side no longer has: `dataplane.esp.error unknown_spi` there.
 */
import type { Datagram, Endpoint, Transport, TransportHandlers } from '@tunnelscope/engine';

export class IkeDeafTransport implements Transport {
  private deaf = false;
  private dropped = 0;

  constructor(private readonly inner: Transport) {}

  /** While deaf, inbound IKE messages are dropped before the engine sees them. */
  setDeaf(deaf: boolean): void {
    this.deaf = deaf;
  }

  isDeaf(): boolean {
    return this.deaf;
  }

  /** IKE datagrams dropped while deaf (DPD requests, retransmissions, DELETEs). */
  droppedIkeDatagrams(): number {
    return this.dropped;
  }

  start(handlers: TransportHandlers): Promise<void> {
    return this.inner.start({
      datagram: (d) => {
        if (this.deaf) {
          this.dropped++;
          return;
        }
        handlers.datagram(d);
      },
      notice: (n) => handlers.notice(n),
    });
  }

  send(d: Datagram): void {
    this.inner.send(d);
  }

  sendRaw(local: Endpoint, remote: Endpoint, payload: Uint8Array): void {
    this.inner.sendRaw(local, remote, payload);
  }

  endpoints(): Endpoint[] {
    return this.inner.endpoints();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
