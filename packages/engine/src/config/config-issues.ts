/**
 * Collects the errors and warnings of one config validation, each named by
 * the JSON path of the field it is about.
 */
import type { ConfigIssue } from '@tunnelscope/api';

export class ConfigIssueCollector {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

/** "tunnels[2].auth.psk.value: hex key has odd length (7 hex digits)" */
export function formatConfigIssue(issue: ConfigIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** The reason an address text is not an address, in the operator's terms. */
export function describeBadAddress(text: string): string {
  if (/^[\d.]+$/.test(text)) return `"${text}" is not an IPv4 address`;
  if (text.includes(':')) return `"${text}" is not an IPv6 address`;
  return `"${text}" is not an IP address`;
}
