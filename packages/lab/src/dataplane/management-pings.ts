/**
 * The management scenario's move (seed 13.6.5): the management station
 * behind our mgm router pings the gateway's mgm address through the LOCAL
 * gateway's data plane, once per ping interval while the scenario runs.
 *
 *   10.254.1.10 --echo--> mgm --rule management-remote-to-gateway--> core
 *   core --echo reply--> longest match for 10.254.1.10: all-nets-ip4 via <tunnel>
 *        --> into the tunnel, dropped there (dataplane.packet.dropped naming the
 *            route; the flow's reverse interface is the tunnel)
 *
 * The outcome is recorded as a lab action; the symptom itself is on the
 * local gateway's event stream.
 */
import type { PingResult } from '@tunnelscope/api';
import { LAB_MANAGEMENT } from '../demo-config.ts';
import type { LocalGatewayControl } from '../lab-events.ts';
import { LAB_MANAGEMENT_REMOTE } from './dataplane-lab-config.ts';
import type { StepRecorder } from './one-sided-esp.ts';

export async function pingFromManagementStation(local: LocalGatewayControl | undefined, record: StepRecorder): Promise<void> {
  const source = LAB_MANAGEMENT_REMOTE.host;
  const destination = LAB_MANAGEMENT.gateway;
  const detail = `${source} (behind the mgm router ${LAB_MANAGEMENT_REMOTE.nextHop}) pings the gateway's management address ${destination}`;
  if (!local) {
    record('management-pings', { ok: false, error: 'no local gateway attached to the lab' }, detail);
    return;
  }
  if (!local.ping) {
    record('management-pings', { ok: false, error: 'the attached local gateway offers no ping' }, detail);
    return;
  }
  let result: PingResult;
  try {
    result = await local.ping({ source, destination, count: 1, timeoutMs: 1_000 });
  } catch (error) {
    record('management-pings', { ok: false, error: error instanceof Error ? error.message : String(error) }, detail);
    return;
  }
  const failed = result.received === 0 ? (result.replies.find((reply) => reply.error)?.error ?? 'no reply') : undefined;
  record('management-pings', failed === undefined ? { ok: true } : { ok: false, error: failed }, `${detail}: ${result.received}/${result.sent} answered`);
}
