/**
 * The diagnosis rule table, in evaluation order: specific causes before the
 * generic message they explain (a proven PSK type mismatch before
 * "incorrect pre-shared key", a PFS mismatch before "no proposal chosen",
 * malformed payloads before the timeouts they cause, the certificate cache
 * and the precise certificate causes before the generic "No public key
 * found"), event rules before config-only rules.
 */
import { wrongTunnelSelectedRule, pskTypeMismatchRule, incorrectPskRule, noPublicKeyFoundRule } from './authentication-rules.ts';
import {
  duplicateTunnelRule,
  localRemoteOverlapRule,
  networkHostBitsRule,
  overlappingTunnelsRule,
  tunnelShadowedRule,
} from './config-rules.ts';
import { certificateCacheStaleRule, certificateCauseRules, certificateNameMismatchRule } from './certificate-rules.ts';
import { espUnknownSpiRule, icmpRuleMissingRule, keepaliveFailingRule, keepaliveRenegotiatedRule, managementRouteRule, roamingAddressOverlapRule } from './dataplane-rules.ts';
import { lifetimeMismatchRule } from './lifetime-rules.ts';
import { payloadMalformedRule, peerNotRespondingRule, tunnelUpOneSideRule } from './liveness-rules.ts';
import { dhGroupPreferenceRule, ikeVersionMismatchRule, noCommonDhGroupRule, noProposalChosenRule, pfsMismatchRule } from './proposal-rules.ts';
import type { DiagnosisRule } from './rule-types.ts';
import { networkMismatchRule, oneSidedInitiationRule } from './traffic-selector-rules.ts';

export const DIAGNOSIS_RULES: readonly DiagnosisRule[] = [
  // Events: authentication (13.6.6 #2, #5)
  ikeVersionMismatchRule,
  wrongTunnelSelectedRule,
  pskTypeMismatchRule,
  incorrectPskRule,
  // Events: certificates (13.6.2, 13.6.6 #5)
  certificateNameMismatchRule,
  certificateCacheStaleRule,
  ...certificateCauseRules,
  noPublicKeyFoundRule,
  // Events: proposals and networks (13.6.6 #1, 13.6.7)
  pfsMismatchRule,
  noCommonDhGroupRule,
  oneSidedInitiationRule,
  networkMismatchRule,
  noProposalChosenRule,
  dhGroupPreferenceRule,
  // Events: SA state and liveness (13.6.6 #3, #4); a tunnel keep-alive renegotiated explains the INVALID_IKE_SPI of its old SA first
  keepaliveRenegotiatedRule,
  tunnelUpOneSideRule,
  payloadMalformedRule,
  peerNotRespondingRule,
  // Events: the data plane (13.6.1 ping, 13.6.6 #3 ESP, keep-alive, roaming clients)
  icmpRuleMissingRule,
  espUnknownSpiRule,
  keepaliveFailingRule,
  roamingAddressOverlapRule,
  // Events over time: rekey cadence
  lifetimeMismatchRule,
  // Config only (13.6.1)
  duplicateTunnelRule,
  tunnelShadowedRule,
  networkHostBitsRule,
  overlappingTunnelsRule,
  localRemoteOverlapRule,
  // Config, raised by drops and flows (13.6.5)
  managementRouteRule,
];
