/** Public entry of @tunnelscope/engine. */

// Config model: loading, whole-config validation, normalisation, secrets.
export * from './config/ip-address.ts';
export { ConfigIssueCollector, describeBadAddress, formatConfigIssue } from './config/config-issues.ts';
export {
  buildAddressBookIndex,
  normaliseCidrText,
  normaliseNetworkReference,
  resolveNetworkReference,
  resolveTunnelNetworks,
  type AddressBookIndex,
  type ResolvedTunnelNetworks,
} from './config/network-references.ts';
export { checkProposalWithIke, type ProposalCheck, type ProposalChecker, type ProposalKind } from './config/proposal-check.ts';
export { validateIdentityValue } from './config/normalise-tunnel.ts';
export {
  checkInlineService,
  checkPortText,
  validateConfig,
  type ConfigValidationResult,
  type ValidateConfigOptions,
} from './config/validate-config.ts';
export { mergeSecrets, redactConfig, redactTunnel, secretMarker } from './config/config-secrets.ts';
export {
  configFormatForPath,
  loadConfigFile,
  loadConfigText,
  parseConfigText,
  type ConfigTextFormat,
  type ParsedConfigText,
} from './config/load-config.ts';

// Tunnel selection, identities, traffic selectors.
export * from './selection/identity-matcher.ts';
export * from './selection/traffic-selectors.ts';
export * from './selection/traffic-selector-policy.ts';
export * from './selection/select-tunnel.ts';
export * from './selection/shadowed-tunnels.ts';

// ike -stat counters.
export * from './stats/ike-stat-counters.ts';
export * from './stats/format-ike-stat-table.ts';

// CLI interpreter and text output.
export * from './cli/command-table.ts';
export * from './cli/parse-command-line.ts';
export * from './cli/complete-command-line.ts';
export * from './cli/run-command.ts';
export * from './cli/format-snoop-entry.ts';
export * from './cli/format-flow-table.ts';
export * from './cli/format-cert-show-table.ts';

// IO seam: transport and clock (io/), the IKE daemon core (ike/) and its gateway shell (gateway/).
export * from './io/transport.ts';
export * from './io/clock.ts';
export * from './io/udp-transport.ts';
export * from './ike/index.ts';
export * from './gateway/index.ts';

// Offline capture decoding (tunnelscope decode).
export * from './offline/decode-capture.ts';

// Certificates: directory, peer verification (chain, purposes, validity, CRL), cache.
export * from './certs/index.ts';

// Data plane: interfaces, routes, rules, flows, ping, trace, keep-alive.
export * from './dataplane/index.ts';
