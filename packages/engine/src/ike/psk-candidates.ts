/**
 * PSK diagnosis for a failed AUTH (seed 13.6.6 items 2 and 4). When the
 * peer's AUTH does not verify with the selected tunnel's key, we test, for
 * the operator only, which other keys would have verified:
 *
 *   - the same key read the other way (Hex digits vs the literal string:
 *     the PSK type mismatch),
 *   - every other tunnel's key (the wrong tunnel was selected),
 *
 * and keep the failed exchange's material (the signed octets and the AUTH
 * value, never a key) for a bounded time so an operator can later ask
 * "would this PSK have worked?" without the peer retrying. Nothing of this
 * reaches the peer, and no key ever appears in an event.
 */
import type { GatewayConfig, PskDiagnosisEvent, TunnelConfig } from '@tunnelscope/api';
import { pskBytes, verifyPskAuth, type PskInput } from '@tunnelscope/ike';
import type { Endpoint } from '../io/transport.ts';
import { tunnelPsk } from './tunnel-profile.ts';

export interface PskFailureRecord {
  failureId: string;
  tunnel: string;
  peer: Endpoint;
  ikeSaId: string;
  /** Whose AUTH failed to verify here ('initiator': we were responder). */
  authOf: 'initiator' | 'responder';
  prf: number;
  signedOctets: Uint8Array;
  receivedAuth: Uint8Array;
  keptUntil: number;
  datagramIds: number[];
}

export interface PskCandidateResult {
  source: string;
  tunnel?: string;
  verifies: boolean;
}

const MAX_RECORDS = 64;

export class PskFailureStore {
  private readonly records = new Map<string, PskFailureRecord>();
  private next = 1;

  newId(): string {
    return `psk-failure-${this.next++}`;
  }

  add(record: PskFailureRecord): void {
    this.records.set(record.failureId, record);
    while (this.records.size > MAX_RECORDS) {
      const oldest = this.records.keys().next().value;
      if (oldest === undefined) break;
      this.records.delete(oldest);
    }
  }

  get(failureId: string, now: number): PskFailureRecord | undefined {
    this.prune(now);
    return this.records.get(failureId);
  }

  /** The newest kept failure of a tunnel. */
  latestFor(tunnel: string, now: number): PskFailureRecord | undefined {
    this.prune(now);
    let latest: PskFailureRecord | undefined;
    for (const record of this.records.values()) if (record.tunnel === tunnel) latest = record;
    return latest;
  }

  list(now: number): Array<Omit<PskFailureRecord, 'signedOctets' | 'receivedAuth'>> {
    this.prune(now);
    return [...this.records.values()].map(({ signedOctets: _o, receivedAuth: _a, ...rest }) => rest);
  }

  prune(now: number): void {
    for (const [id, record] of this.records) if (record.keptUntil <= now) this.records.delete(id);
  }
}

/** The other reading of a configured key: hex digits as a passphrase, a passphrase as hex (if it is hex). */
export function otherReading(tunnel: TunnelConfig): { source: string; key: Uint8Array } | undefined {
  if (tunnel.auth.method !== 'psk') return undefined;
  const { type, value } = tunnel.auth.psk;
  const other: PskInput = type === 'hex' ? { kind: 'passphrase', value } : { kind: 'hex', value };
  try {
    return { source: type === 'hex' ? 'passphrase_reading' : 'hex_reading', key: pskBytes(other) };
  } catch {
    return undefined;
  }
}

/** Every candidate worth testing besides the selected tunnel's key. */
export function pskCandidates(config: GatewayConfig, selected: TunnelConfig): Array<{ source: string; tunnel?: string; key: Uint8Array }> {
  const candidates: Array<{ source: string; tunnel?: string; key: Uint8Array }> = [];
  const reading = otherReading(selected);
  if (reading) candidates.push({ ...reading, tunnel: selected.name });
  for (const tunnel of config.tunnels) {
    if (tunnel.name === selected.name) continue;
    const key = tunnelPsk(tunnel);
    if (key) candidates.push({ source: `tunnel:${tunnel.name}`, tunnel: tunnel.name, key });
  }
  return candidates;
}

export function testCandidates(record: Pick<PskFailureRecord, 'prf' | 'signedOctets' | 'receivedAuth'>, candidates: Array<{ source: string; tunnel?: string; key: Uint8Array }>): PskCandidateResult[] {
  return candidates.map((candidate) => ({
    source: candidate.source,
    ...(candidate.tunnel ? { tunnel: candidate.tunnel } : {}),
    verifies: verifyPskAuth(record.prf, candidate.key, record.signedOctets, record.receivedAuth),
  }));
}

/** One sentence for the operator from the candidate results. */
export function pskConclusion(selected: string, results: PskCandidateResult[]): string {
  const hit = results.find((r) => r.verifies);
  if (!hit) return `no configured key verifies the peer's AUTH: the peer uses a key that is not configured here for "${selected}"`;
  if (hit.source === 'hex_reading') return `the key of "${selected}" verifies when read as Hex: the peer has it as Hex, we as Passphrase (PSK type mismatch)`;
  if (hit.source === 'passphrase_reading') return `the key of "${selected}" verifies when read as a Passphrase: the peer has it as Passphrase, we as Hex (PSK type mismatch)`;
  return `the key of tunnel "${hit.tunnel}" verifies: the peer was configured for that tunnel, but "${selected}" was selected (check the tunnel order and remote identities)`;
}

export function pskDiagnosisEvent(record: PskFailureRecord, results: PskCandidateResult[], time: number): PskDiagnosisEvent {
  return {
    type: 'ike.psk.diagnosis',
    time,
    failureId: record.failureId,
    tunnel: record.tunnel,
    peer: { ...record.peer },
    ikeSaId: record.ikeSaId,
    testable: true,
    results,
    conclusion: pskConclusion(record.tunnel, results),
    keptUntil: record.keptUntil,
  };
}
