/**
 * The one table that maps every IKEv2 failure condition the daemon detects
 * to the seed's error message (13.6.6) that an operator sees. Code reports a
 * *condition*; the table decides the seed code, the wording and which RFC
 * notify (if any) goes to the peer. The peer never learns more than that
 * notify; the operator gets the event with evidence.
 *
 * Reading the table: `condition` is what happened, `code` the stable seed
 * code, `peerNotify` what we answer (null: nothing, or the message is
 * dropped), `rfc` where the behaviour is specified.
 */
import { SEED_ERROR_CODES } from '@tunnelscope/api';
import { NotifyType } from '@tunnelscope/ike';

/** The seed's error codes (api's SEED_ERROR_CODES) plus the daemon's version mismatch code. */
export const DAEMON_ERROR_CODES = [...SEED_ERROR_CODES, 'ike_version_mismatch'] as const;
export type DaemonErrorCode = (typeof DAEMON_ERROR_CODES)[number];

/** The seed's wording for each code (what the operator would search the manual for). */
export const DAEMON_ERROR_MESSAGES: Record<DaemonErrorCode, string> = {
  no_proposal_chosen: 'Could not find acceptable proposal / no proposal chosen',
  incorrect_psk: 'Incorrect pre-shared key',
  ike_invalid_payload: 'Ike_invalid_payload',
  ike_invalid_cookie: 'Ike_invalid_cookie',
  payload_malformed: 'Payload_Malformed',
  no_public_key_found: 'No public key found',
  ts_unacceptable: 'Traffic selectors unacceptable',
  peer_not_responding: 'Peer not responding',
  ike_version_mismatch: 'IKE version mismatch (peer speaks IKEv1)',
};

export interface ConditionMapping {
  code: DaemonErrorCode;
  /** What the condition means, for the operator. */
  description: string;
  /** Notify we send to the peer (RFC's minimum), or null. */
  peerNotify: number | null;
  rfc: string;
}

export const IKE_FAILURE_CONDITIONS = {
  // --- proposals -----------------------------------------------------------
  ike_proposal_unacceptable: {
    code: 'no_proposal_chosen',
    description: 'We are responder: no proposal in the peer\'s IKE SA payload matches our IKE proposal list.',
    peerNotify: NotifyType.NO_PROPOSAL_CHOSEN,
    rfc: 'RFC 7296 §2.7, §3.3.6',
  },
  child_proposal_unacceptable: {
    code: 'no_proposal_chosen',
    description: 'We are responder: no proposal in the peer\'s ESP SA payload matches our IPsec proposal list (PFS group included).',
    peerNotify: NotifyType.NO_PROPOSAL_CHOSEN,
    rfc: 'RFC 7296 §2.7, §1.3',
  },
  no_proposal_chosen_received: {
    code: 'no_proposal_chosen',
    description: 'We are initiator: the peer answered N(NO_PROPOSAL_CHOSEN).',
    peerNotify: null,
    rfc: 'RFC 7296 §3.10.1',
  },
  ke_group_unacceptable: {
    code: 'no_proposal_chosen',
    description: 'The peer asked (INVALID_KE_PAYLOAD) for a DH group we do not allow, or asked twice.',
    peerNotify: null,
    rfc: 'RFC 7296 §1.2, §1.3',
  },
  response_proposal_invalid: {
    code: 'no_proposal_chosen',
    description: 'We are initiator: the peer chose a proposal or transform we did not offer.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.7',
  },
  // --- authentication ------------------------------------------------------
  auth_psk_mismatch: {
    code: 'incorrect_psk',
    description: 'The peer\'s AUTH payload does not verify with the selected tunnel\'s pre-shared key.',
    peerNotify: NotifyType.AUTHENTICATION_FAILED,
    rfc: 'RFC 7296 §2.15',
  },
  authentication_failed_received: {
    code: 'incorrect_psk',
    description: 'The peer answered N(AUTHENTICATION_FAILED): our AUTH did not verify with its key (or it refused our identity).',
    peerNotify: null,
    rfc: 'RFC 7296 §2.15, §3.10.1',
  },
  auth_method_without_public_key: {
    code: 'no_public_key_found',
    description: 'The peer authenticates with a signature but the selected tunnel has no certificate/public key to verify it.',
    peerNotify: NotifyType.AUTHENTICATION_FAILED,
    rfc: 'RFC 7296 §2.15, RFC 7427',
  },
  peer_certificate_rejected: {
    code: 'no_public_key_found',
    description:
      'The peer\'s certificate gave no usable public key, or its AUTH does not verify with it: evidence.cause names why (no_certificate, other_ca, expired, not_yet_valid, revoked, crl_unreachable, crl_dns_failure, no_dns_servers, crl_invalid, identity_mismatch, wrong_purpose, bad_signature). As responder we answer AUTHENTICATION_FAILED; as initiator we send it in an INFORMATIONAL and forget the SA.',
    peerNotify: NotifyType.AUTHENTICATION_FAILED,
    rfc: 'RFC 7296 §2.15, §3.6, RFC 5280 §6, RFC 7427; seed 13.6.6 #5',
  },
  local_certificate_unusable: {
    code: 'no_public_key_found',
    description:
      'Our own certificate cannot be used (no certificate store configured, the named certificate or key missing, key not matching): evidence.cause is local_certificate. As responder we answer AUTHENTICATION_FAILED; as initiator IKE_AUTH is not sent.',
    peerNotify: NotifyType.AUTHENTICATION_FAILED,
    rfc: 'RFC 7296 §2.15; seed 13.6.2',
  },
  certificate_refused_by_peer: {
    code: 'no_public_key_found',
    description: 'We are initiator on a certificate tunnel: the peer answered N(AUTHENTICATION_FAILED), it did not accept our certificate or AUTH (its own log names the cause).',
    peerNotify: null,
    rfc: 'RFC 7296 §2.15, §3.10.1; seed 13.6.6 #5',
  },
  // --- unknown SAs -----------------------------------------------------------
  unknown_ike_sa: {
    code: 'ike_invalid_cookie',
    description: 'A message for an IKE SA we do not have (deleted on our side only, or never established): the half-open tunnel of 13.6.6 item 3.',
    peerNotify: NotifyType.INVALID_IKE_SPI,
    rfc: 'RFC 7296 §2.21.4',
  },
  invalid_ike_spi_received: {
    code: 'ike_invalid_cookie',
    description: 'The peer answered N(INVALID_IKE_SPI): it no longer has the IKE SA we still consider up.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.21.4',
  },
  invalid_cookie: {
    code: 'ike_invalid_cookie',
    description: 'An IKE_SA_INIT request carried a COOKIE we did not issue or that expired.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.6',
  },
  // --- payloads --------------------------------------------------------------
  unsupported_critical_payload: {
    code: 'ike_invalid_payload',
    description: 'The message carried a payload type we do not know with the critical bit set.',
    peerNotify: NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD,
    rfc: 'RFC 7296 §2.5',
  },
  payload_not_allowed: {
    code: 'ike_invalid_payload',
    description: 'A payload is missing, repeated or not allowed in this exchange (message rules table).',
    peerNotify: NotifyType.INVALID_SYNTAX,
    rfc: 'RFC 7296 §1, §3',
  },
  unknown_child_sa: {
    code: 'ike_invalid_payload',
    description: 'A request refers to a CHILD_SA SPI we do not have (rekey, delete), or the peer answered N(INVALID_SPI)/N(CHILD_SA_NOT_FOUND).',
    peerNotify: NotifyType.CHILD_SA_NOT_FOUND,
    rfc: 'RFC 7296 §1.4.1, §2.25',
  },
  undecodable_message: {
    code: 'payload_malformed',
    description: 'The datagram does not decode as an IKEv2 message (truncated, bad lengths).',
    peerNotify: null,
    rfc: 'RFC 7296 §2.21, §3',
  },
  sk_integrity_failed: {
    code: 'payload_malformed',
    description: 'The SK payload failed its integrity check (wrong keys: mismatched PSK type can show here on other vendors).',
    peerNotify: null,
    rfc: 'RFC 7296 §2.21.2, §3.14',
  },
  invalid_syntax_received: {
    code: 'payload_malformed',
    description: 'The peer answered N(INVALID_SYNTAX): it could not parse our message.',
    peerNotify: null,
    rfc: 'RFC 7296 §3.10.1',
  },
  // --- traffic selectors -----------------------------------------------------
  ts_unacceptable_local: {
    code: 'ts_unacceptable',
    description: 'We are responder: the proposed networks are larger than (strict) or outside (both policies) the tunnel\'s networks.',
    peerNotify: NotifyType.TS_UNACCEPTABLE,
    rfc: 'RFC 7296 §2.9; seed 13.6.7',
  },
  ts_unacceptable_received: {
    code: 'ts_unacceptable',
    description: 'We are initiator: the peer answered N(TS_UNACCEPTABLE).',
    peerNotify: null,
    rfc: 'RFC 7296 §2.9',
  },
  // --- liveness --------------------------------------------------------------
  retransmits_exhausted: {
    code: 'peer_not_responding',
    description: 'No response to a request after every retransmission.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.4',
  },
  silent_after_nat_t_move: {
    code: 'peer_not_responding',
    description: 'The peer answered IKE_SA_INIT but nothing came back after we moved to the NAT-T port.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.23',
  },
  fragments_incomplete: {
    code: 'peer_not_responding',
    description: 'A fragmented message (RFC 7383) never completed: fragments are missing.',
    peerNotify: null,
    rfc: 'RFC 7383 §2.6',
  },
  dead_peer: {
    code: 'peer_not_responding',
    description: 'Dead peer detection: an empty INFORMATIONAL got no answer.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.4',
  },
  half_open_timeout: {
    code: 'peer_not_responding',
    description: 'We answered IKE_SA_INIT but the peer never sent IKE_AUTH.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.4',
  },
  // --- version ---------------------------------------------------------------
  ikev1_packet: {
    code: 'ike_version_mismatch',
    description: 'An IKEv1 packet (major version 1): the peer speaks IKEv1. It is not processed.',
    peerNotify: null,
    rfc: 'RFC 7296 §2.5',
  },
  invalid_major_version_received: {
    code: 'ike_version_mismatch',
    description: 'The peer answered N(INVALID_MAJOR_VERSION).',
    peerNotify: null,
    rfc: 'RFC 7296 §2.5',
  },
} as const satisfies Record<string, ConditionMapping>;

export type IkeFailureCondition = keyof typeof IKE_FAILURE_CONDITIONS;

export function seedCodeFor(condition: IkeFailureCondition): DaemonErrorCode {
  return IKE_FAILURE_CONDITIONS[condition].code;
}

/** Why a datagram was dropped without being processed (counted separately from `ike -stat`). */
export const DROP_REASONS = {
  malformed: 'does not decode as an IKE message',
  truncated: 'shorter than its header says',
  ikev1: 'IKEv1 (major version 1)',
  unsupported_version: 'unknown IKE major version',
  unknown_spi: 'no IKE SA with these SPIs',
  closed_sa_answer: 'the answer to our last notice for an IKE SA we already closed (AUTHENTICATION_FAILED as initiator)',
  integrity_failed: 'SK payload integrity check failed',
  replayed: 'message id outside the window (old or replayed)',
  unexpected_response: 'response for no outstanding request',
  unexpected_exchange: 'exchange not allowed in the IKE SA state',
  invalid_syntax: 'payloads not allowed in this exchange',
  critical_payload: 'unsupported critical payload',
  invalid_cookie: 'COOKIE missing or not ours',
  half_open_limit: 'half-open IKE SA limit reached',
  fragment_invalid: 'IKE fragment inconsistent or unexpected',
  runt: 'UDP payload too short',
  nat_keepalive: 'NAT keep-alive (not IKE)',
  esp: 'ESP (no data plane)',
  internal_error: 'processing failed inside the daemon (a bug: reported, the daemon keeps running)',
} as const;
export type DropReason = keyof typeof DROP_REASONS;
