import type {
  ConfigDiffResponse,
  ConfigReadResponse,
  ConfigValidateResponse,
  ConfigVersionInfo,
  ConfigVersionList,
  GatewayConfigDocument,
} from '../../../lib/api-types.ts';
import { buildQuery, requestJson } from '../../../lib/http-client.ts';

export function fetchConfig(signal?: AbortSignal): Promise<ConfigReadResponse> {
  return requestJson('/config', signal ? { signal } : {});
}

export function validateConfig(config: GatewayConfigDocument): Promise<ConfigValidateResponse> {
  return requestJson('/config/validate', { method: 'POST', body: { config } });
}

export function replaceConfig(config: GatewayConfigDocument, comment: string, baseVersion: number): Promise<{ version: ConfigVersionInfo }> {
  return requestJson('/config', { method: 'PUT', body: { config, comment, baseVersion } });
}

export function fetchVersions(signal?: AbortSignal): Promise<ConfigVersionList> {
  return requestJson(`/config/versions${buildQuery({ limit: 100 })}`, signal ? { signal } : {});
}

export function fetchVersionDiff(id: number, signal?: AbortSignal): Promise<ConfigDiffResponse> {
  return requestJson(`/config/versions/${id}/diff`, signal ? { signal } : {});
}

export function rollbackToVersion(id: number, comment: string): Promise<{ version: ConfigVersionInfo }> {
  return requestJson(`/config/versions/${id}/rollback`, { method: 'POST', body: { comment } });
}
