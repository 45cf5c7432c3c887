/**
 * Snoop history: stored datagrams rendered as snoop lines (brief from the
 * stored rendering, full re-decoded from the bytes by the engine) and as
 * pcap files for Wireshark/tshark.
 */
import type { SnoopEntry, SnoopHistoryPage, SnoopHistoryQuery } from '../contract.ts';
import { notFound } from '../errors.ts';
import { writePcap, type UdpDatagram } from '../ike-tools.ts';
import type { GatewayDatagram, GatewayPort } from '../plugins/app/gateway-port.ts';
import type { DatagramRow } from '../store/event-repo.ts';
import type { Store } from '../store/store.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { SecretGuard } from './secret-guard.ts';

export const PCAP_MAX_DATAGRAMS = 100_000;

export class SnoopHistory {
  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
    private readonly gateway: GatewayPort,
    private readonly guard: SecretGuard,
  ) {}

  query(q: SnoopHistoryQuery): SnoopHistoryPage {
    this.recorder.flush();
    const limit = q.limit ?? 100;
    const rows = this.store.events.queryDatagrams({ ...filterOf(q), beforeId: q.beforeId, limit });
    const format = q.format ?? 'brief';
    const items = rows.map((row) => this.entry(row, format));
    return { items, nextBeforeId: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  datagram(id: number, format: 'brief' | 'full'): SnoopEntry {
    this.recorder.flush();
    const row = this.store.events.datagram(id);
    if (!row) throw notFound(`datagram ${id}`);
    return this.entry(row, format);
  }

  /** The matching datagrams, oldest first, as a pcap file. */
  pcap(q: SnoopHistoryQuery): { bytes: Uint8Array; count: number } {
    this.recorder.flush();
    const rows = this.store.events.queryDatagrams({ ...filterOf(q), beforeId: q.beforeId, limit: PCAP_MAX_DATAGRAMS }).reverse();
    const records = rows.map(storedDatagramToUdp);
    return { bytes: writePcap(records), count: records.length };
  }

  private entry(row: DatagramRow, format: 'brief' | 'full'): SnoopEntry {
    let text = row.brief;
    if (format === 'full') {
      try {
        text = this.guard.scrub(this.gateway.renderDatagramFull(toGatewayDatagram(row)));
      } catch (err) {
        text = `${row.brief}\n (full decode failed: ${err instanceof Error ? err.message : String(err)})`;
      }
    }
    return {
      id: row.id,
      time: row.time,
      direction: row.direction,
      local: { address: row.local_address, port: row.local_port },
      remote: { address: row.remote_address, port: row.remote_port },
      tunnel: row.tunnel,
      exchange: row.exchange,
      messageId: row.message_id,
      response: row.response === null ? null : row.response === 1,
      errorCodes: row.error_codes.split(',').filter((c) => c !== ''),
      length: row.bytes.length,
      text,
    };
  }
}

function filterOf(q: SnoopHistoryQuery) {
  return { from: q.from, to: q.to, tunnel: q.tunnel, peer: q.peer, exchange: q.exchange, code: q.code, q: q.q };
}

/** A stored datagram as it crossed the wire, for a pcap (NAT-T datagrams keep their non-ESP marker). */
export function storedDatagramToUdp(row: DatagramRow): UdpDatagram {
  const local = { address: row.local_address, port: row.local_port };
  const remote = { address: row.remote_address, port: row.remote_port };
  const payload = row.marker ? Buffer.concat([Buffer.alloc(4), row.bytes]) : row.bytes;
  return {
    timestampMs: row.time,
    src: row.direction === 'in' ? remote : local,
    dst: row.direction === 'in' ? local : remote,
    payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
  };
}

function toGatewayDatagram(row: DatagramRow): GatewayDatagram {
  return {
    time: row.time,
    direction: row.direction,
    local: { address: row.local_address, port: row.local_port },
    remote: { address: row.remote_address, port: row.remote_port },
    marker: row.marker === 1,
    bytes: new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength),
    ikeSaId: row.ike_sa_id ?? undefined,
    tunnel: row.tunnel ?? undefined,
    exchange: row.exchange ?? undefined,
    messageId: row.message_id ?? undefined,
    response: row.response === null ? undefined : row.response === 1,
    errorCodes: row.error_codes.split(',').filter((c) => c !== ''),
    brief: row.brief,
  };
}
