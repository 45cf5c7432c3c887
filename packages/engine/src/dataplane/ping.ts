/**
 * `ping`: ICMP echo requests through the data plane, one per second (as
 * Linux ping), each waiting `timeoutMs` on the injected clock for its
 * reply. Unanswered probes report the drop reason when this data plane
 * saw one. The text is one line per probe and a Linux-style summary:
 *
 *   PING 192.168.2.10 from 192.168.1.1: 56 data bytes
 *   64 bytes from 192.168.2.10: icmp_seq=1 ttl=63 time=0.000 ms
 *   no reply for icmp_seq=2: dropped (no_matching_rule): no rule allows ...
 *
 *   --- 192.168.2.10 ping statistics ---
 *   4 packets transmitted, 3 received, 25% packet loss
 *   rtt min/avg/max = 0.000/0.000/0.000 ms
 */
import type { PingRequest, PingResult } from '@tunnelscope/api';
import type { Clock } from '../io/clock.ts';
import type { EchoProbes } from './echo-probes.ts';
import { formatIpv4 } from './ipv4-address.ts';

export const PING_DEFAULTS = { count: 4, payloadBytes: 56, timeoutMs: 1000, intervalMs: 1000 } as const;

type PingReply = PingResult['replies'][number];

export interface PingDependencies {
  readonly clock: Clock;
  readonly probes: EchoProbes;
  /** Sends one echo request; returns the drop text when it was dropped on the spot. */
  sendEcho(identifier: number, sequence: number, payload: Uint8Array): { dropped?: string };
}

export function runPing(
  dependencies: PingDependencies,
  request: PingRequest,
  addresses: { readonly source: number; readonly destination: number },
): Promise<PingResult> {
  const { clock, probes } = dependencies;
  const count = request.count ?? PING_DEFAULTS.count;
  const payloadBytes = request.payloadBytes ?? PING_DEFAULTS.payloadBytes;
  const timeoutMs = request.timeoutMs ?? PING_DEFAULTS.timeoutMs;
  const identifier = probes.allocateIdentifier();
  const source = formatIpv4(addresses.source);
  const destination = formatIpv4(addresses.destination);
  const replies: PingReply[] = [];
  const payload = new Uint8Array(payloadBytes);
  for (let i = 0; i < payload.length; i++) payload[i] = (0x10 + i) & 255;

  return new Promise((resolve) => {
    let settled = 0;
    const finish = () => {
      replies.sort((a, b) => a.sequence - b.sequence);
      const received = replies.filter((reply) => reply.ok).length;
      resolve({ source, destination, sent: count, received, replies, text: formatPingText(source, destination, payloadBytes, count, replies) });
    };
    const settle = (reply: PingReply) => {
      replies.push(reply);
      settled++;
      if (settled === count) finish();
    };
    const sendProbe = (sequence: number) => {
      const sentAt = clock.now();
      const sentMark = clock.elapsed?.() ?? sentAt;
      let done = false;
      let cancelTimer: () => void = () => undefined;
      const unregister = probes.register(identifier, sequence, {
        onReply(reply) {
          if (done) return;
          done = true;
          cancelTimer();
          unregister();
          settle({ sequence, ok: true, rttMs: reply.mark - sentMark, from: formatIpv4(reply.from), ttl: reply.ttl });
        },
      });
      const outcome = dependencies.sendEcho(identifier, sequence, payload);
      if (done) return;
      cancelTimer = clock.setTimer(sentAt + timeoutMs, () => {
        if (done) return;
        done = true;
        const reason = probes.dropReason(identifier, sequence) ?? outcome.dropped;
        unregister();
        settle({ sequence, ok: false, error: reason ?? 'timeout' });
      });
    };
    const start = clock.now();
    sendProbe(1);
    for (let sequence = 2; sequence <= count; sequence++) {
      clock.setTimer(start + (sequence - 1) * PING_DEFAULTS.intervalMs, () => sendProbe(sequence));
    }
  });
}

export function formatPingText(source: string, destination: string, payloadBytes: number, sent: number, replies: readonly PingReply[]): string {
  const lines = [`PING ${destination} from ${source}: ${payloadBytes} data bytes`];
  for (const reply of replies) {
    if (reply.ok) {
      lines.push(`${payloadBytes + 8} bytes from ${reply.from ?? destination}: icmp_seq=${reply.sequence} ttl=${reply.ttl ?? 0} time=${(reply.rttMs ?? 0).toFixed(3)} ms`);
    } else {
      lines.push(`no reply for icmp_seq=${reply.sequence}: ${reply.error ?? 'timeout'}`);
    }
  }
  const received = replies.filter((reply) => reply.ok);
  const loss = sent === 0 ? 0 : Math.round(((sent - received.length) / sent) * 100);
  lines.push('', `--- ${destination} ping statistics ---`, `${sent} packets transmitted, ${received.length} received, ${loss}% packet loss`);
  if (received.length > 0) {
    const rtts = received.map((reply) => reply.rttMs ?? 0);
    const avg = rtts.reduce((sum, value) => sum + value, 0) / rtts.length;
    lines.push(`rtt min/avg/max = ${Math.min(...rtts).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...rtts).toFixed(3)} ms`);
  }
  return lines.join('\n');
}
