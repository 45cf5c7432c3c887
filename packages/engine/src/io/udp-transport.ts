/**
 * Real UDP transport: for each local address, one socket on the IKE port and
 * one on the NAT-T port (RFC 3948/7296 §2.23). Datagrams on the NAT-T port
 * carry the non-ESP marker; charon also puts it on plain ports other than
 * 500, which `classifyUdpPayload` accepts. ESP-in-UDP and NAT keep-alives
 * are reported as notices for the data plane and the counters.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import {
  classifyUdpPayload,
  withNonEspMarker,
  type Datagram,
  type Endpoint,
  type Transport,
  type TransportHandlers,
} from './transport.ts';

export interface UdpTransportOptions {
  addresses: string[];
  ikePort: number;
  natTPort: number;
}

export class TransportBindError extends Error {
  readonly code: string;
  readonly endpoint: Endpoint;
  constructor(endpoint: Endpoint, code: string, message: string) {
    super(message);
    this.name = 'TransportBindError';
    this.code = code;
    this.endpoint = endpoint;
  }
}

interface BoundSocket {
  endpoint: Endpoint;
  socket: dgram.Socket;
  markerPort: boolean;
}

export class UdpTransport implements Transport {
  private readonly sockets = new Map<string, BoundSocket>();
  /** The same sockets by address, then port: `sendRaw` looks one up per packet without building a key string. */
  private readonly byAddress = new Map<string, Map<number, BoundSocket>>();
  private handlers: TransportHandlers | undefined;

  constructor(private readonly options: UdpTransportOptions) {}

  async start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    const ports: Array<[number, boolean]> = [[this.options.ikePort, false]];
    if (this.options.natTPort !== this.options.ikePort) ports.push([this.options.natTPort, true]);
    try {
      for (const address of this.options.addresses) {
        for (const [port, markerPort] of ports) {
          await this.bind({ address, port }, markerPort);
        }
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private bind(endpoint: Endpoint, markerPort: boolean): Promise<void> {
    const socket = dgram.createSocket({ type: isIPv6(endpoint.address) ? 'udp6' : 'udp4', reuseAddr: false });
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        socket.close();
        const code = err.code ?? 'EBIND';
        const why =
          code === 'EACCES'
            ? `binding UDP ${endpoint.address}:${endpoint.port} needs privileges (ports below 1024 need root); choose a port >= 1024`
            : code === 'EADDRINUSE'
              ? `UDP ${endpoint.address}:${endpoint.port} is already in use by another process`
              : code === 'EADDRNOTAVAIL'
                ? `${endpoint.address} is not an address of this machine`
                : `cannot bind UDP ${endpoint.address}:${endpoint.port}: ${err.message}`;
        reject(new TransportBindError(endpoint, code, why));
      };
      socket.once('error', onError);
      socket.bind(endpoint.port, endpoint.address, () => {
        socket.off('error', onError);
        const bound: BoundSocket = { endpoint: { address: endpoint.address, port: socket.address().port }, socket, markerPort };
        socket.on('message', (msg, rinfo) => this.receive(bound, msg, { address: rinfo.address, port: rinfo.port }));
        socket.on('error', (err) =>
          this.handlers?.notice({ kind: 'send_error', local: bound.endpoint, remote: bound.endpoint, message: err.message }),
        );
        this.sockets.set(key(bound.endpoint), bound);
        let ports = this.byAddress.get(bound.endpoint.address);
        if (!ports) this.byAddress.set(bound.endpoint.address, (ports = new Map()));
        ports.set(bound.endpoint.port, bound);
        resolve();
      });
    });
  }

  private receive(bound: BoundSocket, msg: Buffer, remote: Endpoint): void {
    const handlers = this.handlers;
    if (!handlers) return;
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    const c = classifyUdpPayload(bytes, bound.markerPort);
    const local = bound.endpoint;
    switch (c.kind) {
      case 'ike':
        handlers.datagram({ local, remote, payload: c.payload, marker: c.marker });
        return;
      case 'nat_keepalive':
        handlers.notice({ kind: 'nat_keepalive', local, remote });
        return;
      case 'esp':
        handlers.notice({ kind: 'esp', local, remote, spi: c.spi, payload: bytes });
        return;
      case 'runt':
        handlers.notice({ kind: 'runt', local, remote, length: bytes.length });
        return;
    }
  }

  send(d: Datagram): void {
    this.sendRaw(d.local, d.remote, d.marker ? withNonEspMarker(d.payload) : d.payload);
  }

  sendRaw(local: Endpoint, remote: Endpoint, payload: Uint8Array): void {
    const bound = this.byAddress.get(local.address)?.get(local.port);
    if (!bound) {
      this.handlers?.notice({ kind: 'send_error', local, remote, message: `no socket bound on ${key(local)}` });
      return;
    }
    bound.socket.send(payload, remote.port, remote.address, (err) => {
      if (err) this.handlers?.notice({ kind: 'send_error', local, remote, message: err.message });
    });
  }

  endpoints(): Endpoint[] {
    return [...this.sockets.values()].map((s) => s.endpoint);
  }

  async stop(): Promise<void> {
    const all = [...this.sockets.values()];
    this.sockets.clear();
    this.byAddress.clear();
    await Promise.all(all.map((s) => new Promise<void>((resolve) => s.socket.close(() => resolve()))));
  }
}

function key(e: Endpoint): string {
  return `${e.address}|${e.port}`;
}
