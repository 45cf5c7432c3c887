/**
 * The Diagnose view's only way to the server: findings and their evidence,
 * machine fixes (preview, apply), the PSK test, swanctl.conf for the peer,
 * the guided wizards and their runs. Types are the contract's
 * (@tunnelscope/api, rest/diagnose.ts); nothing of TypeBox reaches the bundle.
 */
import type {
  Finding,
  FindingDetail,
  FindingList,
  FixApplyResponse,
  FixPreviewResponse,
  PskType,
  SnoopEntry,
  TestPskDiagnosisResponse,
  TunnelStatusList,
  WizardList,
  WizardRun,
} from '@tunnelscope/api';
import { API_BASE, ApiRequestError, buildQuery, requestJson } from '../../../lib/http-client.ts';

export type {
  EvidenceDatagram,
  EvidenceEvent,
  Finding,
  FindingDetail,
  FindingList,
  FixApplyResponse,
  FixOption,
  FixPreviewResponse,
  PskType,
  TestPskDiagnosisResponse,
  TunnelStatusView,
  WizardInfo,
  WizardList,
  WizardRun,
  WizardRunStep,
  WizardStepStatus,
} from '@tunnelscope/api';

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});
const findingPath = (id: string) => `/diagnose/findings/${encodeURIComponent(id)}`;

export function fetchFindings(tunnel: string, signal?: AbortSignal): Promise<FindingList> {
  return requestJson(`/diagnose/findings${buildQuery({ tunnel })}`, withSignal(signal));
}

export function fetchFindingDetail(id: string, signal?: AbortSignal): Promise<FindingDetail> {
  return requestJson(findingPath(id), withSignal(signal));
}

export function previewFix(findingId: string, fixId: string): Promise<FixPreviewResponse> {
  return requestJson(`${findingPath(findingId)}/fixes/${encodeURIComponent(fixId)}/preview`, { method: 'POST', body: {} });
}

export function applyFix(findingId: string, fixId: string, baseVersion: number): Promise<FixApplyResponse> {
  return requestJson(`${findingPath(findingId)}/fixes/${encodeURIComponent(fixId)}/apply`, { method: 'POST', body: { baseVersion, initiate: true } });
}

/** The candidate key goes out once in the body; the answer never contains it. */
export function testPsk(tunnel: string, kind: PskType, value: string): Promise<TestPskDiagnosisResponse> {
  return requestJson('/diagnose/test-psk', { method: 'POST', body: { tunnel, psk: { kind, value } } });
}

export function swanctlConfUrl(tunnel: string, peerAddress: string | null): string {
  return `${API_BASE}/diagnose/swanctl/${encodeURIComponent(tunnel)}${buildQuery({ peerAddress })}`;
}

/** swanctl.conf is text/plain; errors still come as the JSON error body. */
export async function fetchSwanctlConf(tunnel: string, peerAddress: string | null, signal?: AbortSignal): Promise<string> {
  const response = await fetch(swanctlConfUrl(tunnel, peerAddress), { credentials: 'same-origin', headers: { accept: 'text/plain, application/json' }, ...withSignal(signal) });
  const text = await response.text();
  if (response.ok) return text;
  let code = 'http_error';
  let message = `GET swanctl.conf for ${tunnel} answered ${response.status}`;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiRequestError(response.status, code, message);
}

export function fetchDatagramDecode(id: number, signal?: AbortSignal): Promise<SnoopEntry> {
  return requestJson(`/snoop/datagrams/${id}${buildQuery({ format: 'full' })}`, withSignal(signal));
}

export function fetchTunnelList(signal?: AbortSignal): Promise<TunnelStatusList> {
  return requestJson('/tunnels', withSignal(signal));
}

export function fetchWizards(signal?: AbortSignal): Promise<WizardList> {
  return requestJson('/diagnose/wizards', withSignal(signal));
}

export interface WizardRunRequest {
  tunnel?: string;
  peer?: string;
  findingId?: string;
}

export function createWizardRun(wizardId: string, request: WizardRunRequest): Promise<WizardRun> {
  return requestJson(`/diagnose/wizards/${encodeURIComponent(wizardId)}/runs`, { method: 'POST', body: request });
}

export function fetchWizardRun(runId: string, signal?: AbortSignal): Promise<WizardRun> {
  return requestJson(`/diagnose/wizards/runs/${encodeURIComponent(runId)}`, withSignal(signal));
}

export function startWizardStep(runId: string, stepId: string): Promise<WizardRun> {
  return requestJson(`/diagnose/wizards/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/start`, { method: 'POST' });
}

/** Findings whose code means "the key did not verify": the PSK test applies to them. */
export const PSK_FINDING_CODES: ReadonlySet<Finding['code']> = new Set(['incorrect_psk', 'psk_type_mismatch', 'payload_malformed', 'wrong_tunnel_selected']);
