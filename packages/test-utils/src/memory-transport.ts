/**
 * In-memory Transport for whole negotiations in tests: a `MemoryNetwork`
 * delivers datagrams between transports by endpoint, synchronously queued
 * and drained with `deliverAll()` (deterministic order), or lets a test drop,
 * duplicate, reorder or rewrite datagrams through a filter.
 */
import {
  classifyUdpPayload,
  endpointKey,
  withNonEspMarker,
  type Datagram,
  type Endpoint,
  type Transport,
  type TransportHandlers,
} from '@tunnelscope/engine';

export interface WireDatagram {
  from: Endpoint;
  to: Endpoint;
  /** UDP payload as on the wire (non-ESP marker included when present). */
  bytes: Uint8Array;
}

/** Returns the datagrams to deliver instead (empty: drop). */
export type WireFilter = (d: WireDatagram) => WireDatagram[];

export class MemoryNetwork {
  private readonly bound = new Map<string, { transport: MemoryTransport; markerPort: boolean }>();
  private queue: WireDatagram[] = [];
  readonly log: WireDatagram[] = [];
  filter: WireFilter | undefined;

  register(e: Endpoint, transport: MemoryTransport, markerPort: boolean): void {
    const k = endpointKey(e);
    if (this.bound.has(k)) throw new Error(`memory network: ${k} already bound`);
    this.bound.set(k, { transport, markerPort });
  }

  unregister(e: Endpoint): void {
    this.bound.delete(endpointKey(e));
  }

  enqueue(d: WireDatagram): void {
    this.log.push(d);
    const out = this.filter ? this.filter(d) : [d];
    this.queue.push(...out);
  }

  /** Delivers queued datagrams (and any sent in reaction) until the network is quiet. Returns how many were delivered. */
  deliverAll(limit = 10_000): number {
    let n = 0;
    while (this.queue.length > 0) {
      if (n++ >= limit) throw new Error('memory network: delivery limit reached (message loop?)');
      const d = this.queue.shift()!;
      const target = this.bound.get(endpointKey(d.to));
      if (!target) continue;
      target.transport.deliver(d, target.markerPort);
    }
    return n;
  }

  pending(): number {
    return this.queue.length;
  }
}

export class MemoryTransport implements Transport {
  private handlers: TransportHandlers | undefined;
  private readonly eps: Array<{ endpoint: Endpoint; markerPort: boolean }>;

  constructor(
    private readonly network: MemoryNetwork,
    addresses: string[],
    ikePort: number,
    natTPort: number,
  ) {
    this.eps = addresses.flatMap((address) => [
      { endpoint: { address, port: ikePort }, markerPort: false },
      { endpoint: { address, port: natTPort }, markerPort: true },
    ]);
  }

  async start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    for (const e of this.eps) this.network.register(e.endpoint, this, e.markerPort);
  }

  deliver(d: WireDatagram, markerPort: boolean): void {
    const h = this.handlers;
    if (!h) return;
    const c = classifyUdpPayload(d.bytes, markerPort);
    const local = d.to;
    const remote = d.from;
    if (c.kind === 'ike') h.datagram({ local, remote, payload: c.payload, marker: c.marker });
    else if (c.kind === 'esp') h.notice({ kind: 'esp', local, remote, spi: c.spi, payload: d.bytes });
    else if (c.kind === 'nat_keepalive') h.notice({ kind: 'nat_keepalive', local, remote });
    else h.notice({ kind: 'runt', local, remote, length: d.bytes.length });
  }

  send(d: Datagram): void {
    this.sendRaw(d.local, d.remote, d.marker ? withNonEspMarker(d.payload) : d.payload);
  }

  sendRaw(local: Endpoint, remote: Endpoint, payload: Uint8Array): void {
    this.network.enqueue({ from: local, to: remote, bytes: new Uint8Array(payload) });
  }

  endpoints(): Endpoint[] {
    return this.eps.map((e) => e.endpoint);
  }

  async stop(): Promise<void> {
    for (const e of this.eps) this.network.unregister(e.endpoint);
    this.handlers = undefined;
  }
}
