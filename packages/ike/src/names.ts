/**
 * Names for wire numbers, as tables.
 *
 * Two families:
 * - strongSwan's short names, used by `summarize()` so a decoded message
 *   renders exactly like charon's `parsed IKE_AUTH request 1 [ ... ]` line.
 *   Facts from strongSwan's sources (GPL: names and numbers only, no code):
 *   payload_type_short_names in src/libcharon/encoding/payloads/payload.c,
 *   notify_type_short_names in .../payloads/notify_payload.c (6.0 list),
 *   exchange_type_names in .../payloads/ike_header.c,
 *   configuration_attribute_type_short_names in src/libcharon/attributes/
 *   attributes.c, eap_code_short_names / eap_type_short_names in
 *   src/libstrongswan/eap/eap.c. A value missing from one of its tables is
 *   printed by strongSwan's enum printf hook as "(<decimal>)"; `enumName`
 *   does the same.
 * - human (IANA-style) names for `-full` decodes: transforms
 *   (`ENCR_AES_GCM_16 (256)`, `PRF_HMAC_SHA2_256`, `DH group 31
 *   (curve25519)`), ID types, auth methods, certificate encodings.
 *
 * Numbers strongSwan names that the IANA IKEv2 registry (constants.ts) does
 * not carry are defined here (`StrongswanNotifyType`): IKEv1 leftovers and
 * private-use values charon sends.
 */
import {
  AuthMethod,
  CertEncoding,
  CfgAttributeType,
  CfgType,
  DhGroupId,
  EncrId,
  EsnId,
  ExchangeType,
  HashAlgorithmId,
  IdType,
  IntegId,
  NotifyType,
  PayloadType,
  PrfId,
  ProtocolId,
  TransformType,
  TsType,
} from './constants.ts';

export type NameTable = ReadonlyMap<number, string>;

/** strongSwan-style lookup: the name, or "(<value>)" when the table has none. */
export function enumName(table: NameTable, value: number): string {
  return table.get(value) ?? `(${value})`;
}

function table(entries: ReadonlyArray<readonly [number, string]>): NameTable {
  return new Map(entries);
}

/** Names from a constants object, optionally prefixed (`PRF_` + `HMAC_SHA2_256`). */
function fromConstants(constants: Readonly<Record<string, number>>, prefix = ''): NameTable {
  return new Map(Object.entries(constants).map(([name, value]) => [value, `${prefix}${name}`]));
}

// --- strongSwan short names ------------------------------------------------

/** strongSwan `exchange_type_names` for IKEv2 exchanges. */
export const EXCHANGE_NAMES: NameTable = table([
  [ExchangeType.IKE_SA_INIT, 'IKE_SA_INIT'],
  [ExchangeType.IKE_AUTH, 'IKE_AUTH'],
  [ExchangeType.CREATE_CHILD_SA, 'CREATE_CHILD_SA'],
  [ExchangeType.INFORMATIONAL, 'INFORMATIONAL'],
  [ExchangeType.IKE_SESSION_RESUME, 'IKE_SESSION_RESUME'],
  [ExchangeType.IKE_INTERMEDIATE, 'IKE_INTERMEDIATE'],
  [ExchangeType.IKE_FOLLOWUP_KE, 'IKE_FOLLOWUP_KE'],
]);

/** strongSwan `payload_type_short_names` (IKEv2 range). SK is "E", SKF "EF". */
export const PAYLOAD_SHORT_NAMES: NameTable = table([
  [PayloadType.NONE, '--'],
  [PayloadType.SA, 'SA'],
  [PayloadType.KE, 'KE'],
  [PayloadType.IDi, 'IDi'],
  [PayloadType.IDr, 'IDr'],
  [PayloadType.CERT, 'CERT'],
  [PayloadType.CERTREQ, 'CERTREQ'],
  [PayloadType.AUTH, 'AUTH'],
  [PayloadType.NONCE, 'No'],
  [PayloadType.NOTIFY, 'N'],
  [PayloadType.DELETE, 'D'],
  [PayloadType.VENDOR_ID, 'V'],
  [PayloadType.TSi, 'TSi'],
  [PayloadType.TSr, 'TSr'],
  [PayloadType.SK, 'E'],
  [PayloadType.CP, 'CP'],
  [PayloadType.EAP, 'EAP'],
  [PayloadType.GSPM, 'GSPM'],
  [PayloadType.IDg, 'IDg'],
  [PayloadType.GSA, 'GSA'],
  [PayloadType.KD, 'KD'],
  [PayloadType.SKF, 'EF'],
]);

/** strongSwan's short name of a payload it could not decode (PL_UNKNOWN), printed as "UNKN(<type>)". */
export const UNKNOWN_PAYLOAD_SHORT_NAME = 'UNKN';

/** Notify numbers strongSwan names that the IKEv2 IANA table in constants.ts does not carry. */
export const StrongswanNotifyType = {
  ATTRIBUTES_NOT_SUPPORTED: 13,
  PAYLOAD_MALFORMED: 16,
  INVALID_ID_INFORMATION: 18,
  INVALID_CERT_ENCODING: 19,
  INVALID_CERTIFICATE: 20,
  CERT_TYPE_UNSUPPORTED: 21,
  INVALID_CERT_AUTHORITY: 22,
  INVALID_HASH_INFORMATION: 23,
  ME_CONNECT_FAILED: 8192,
  /** Windows error status; strongSwan prints its 4-byte data: N(MS_STATUS(<code>)). */
  MS_NOTIFY_STATUS: 12345,
  INITIAL_CONTACT_IKEV1: 24578,
  DPD_R_U_THERE: 36136,
  DPD_R_U_THERE_ACK: 36137,
  UNITY_LOAD_BALANCE: 40501,
  USE_BEET_MODE: 40961,
  ME_MEDIATION: 40962,
  ME_ENDPOINT: 40963,
  ME_CALLBACK: 40964,
  ME_CONNECTID: 40965,
  ME_CONNECTKEY: 40966,
  ME_CONNECTAUTH: 40967,
  ME_RESPONSE: 40968,
  RADIUS_ATTRIBUTE: 40969,
} as const;

const SN = StrongswanNotifyType;

/** strongSwan `notify_type_short_names` (6.0). Types absent here print as "(<number>)". */
export const NOTIFY_SHORT_NAMES: NameTable = table([
  [NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, 'CRIT'],
  [NotifyType.INVALID_IKE_SPI, 'INVAL_IKE_SPI'],
  [NotifyType.INVALID_MAJOR_VERSION, 'INVAL_MAJOR'],
  [NotifyType.INVALID_SYNTAX, 'INVAL_SYN'],
  [NotifyType.INVALID_MESSAGE_ID, 'INVAL_MID'],
  [NotifyType.INVALID_SPI, 'INVAL_SPI'],
  [SN.ATTRIBUTES_NOT_SUPPORTED, 'ATTR_UNSUP'],
  [NotifyType.NO_PROPOSAL_CHOSEN, 'NO_PROP'],
  [SN.PAYLOAD_MALFORMED, 'PLD_MAL'],
  [NotifyType.INVALID_KE_PAYLOAD, 'INVAL_KE'],
  [SN.INVALID_ID_INFORMATION, 'INVAL_ID'],
  [SN.INVALID_CERT_ENCODING, 'INVAL_CERTEN'],
  [SN.INVALID_CERTIFICATE, 'INVAL_CERT'],
  [SN.CERT_TYPE_UNSUPPORTED, 'CERT_UNSUP'],
  [SN.INVALID_CERT_AUTHORITY, 'INVAL_CA'],
  [SN.INVALID_HASH_INFORMATION, 'INVAL_HASH'],
  [NotifyType.AUTHENTICATION_FAILED, 'AUTH_FAILED'],
  [NotifyType.SINGLE_PAIR_REQUIRED, 'SINGLE_PAIR'],
  [NotifyType.NO_ADDITIONAL_SAS, 'NO_ADD_SAS'],
  [NotifyType.INTERNAL_ADDRESS_FAILURE, 'INT_ADDR_FAIL'],
  [NotifyType.FAILED_CP_REQUIRED, 'FAIL_CP_REQ'],
  [NotifyType.TS_UNACCEPTABLE, 'TS_UNACCEPT'],
  [NotifyType.INVALID_SELECTORS, 'INVAL_SEL'],
  [NotifyType.UNACCEPTABLE_ADDRESSES, 'UNACCEPT_ADDR'],
  [NotifyType.UNEXPECTED_NAT_DETECTED, 'UNEXPECT_NAT'],
  [NotifyType.USE_ASSIGNED_HoA, 'ASSIGNED_HoA'],
  [NotifyType.TEMPORARY_FAILURE, 'TEMP_FAIL'],
  [NotifyType.CHILD_SA_NOT_FOUND, 'NO_CHILD_SA'],
  [NotifyType.STATE_NOT_FOUND, 'NO_STATE'],
  [SN.ME_CONNECT_FAILED, 'ME_CONN_FAIL'],
  [SN.MS_NOTIFY_STATUS, 'MS_STATUS'],
  [NotifyType.INITIAL_CONTACT, 'INIT_CONTACT'],
  [NotifyType.SET_WINDOW_SIZE, 'SET_WINSIZE'],
  [NotifyType.ADDITIONAL_TS_POSSIBLE, 'ADD_TS_POSS'],
  [NotifyType.IPCOMP_SUPPORTED, 'IPCOMP_SUP'],
  [NotifyType.NAT_DETECTION_SOURCE_IP, 'NATD_S_IP'],
  [NotifyType.NAT_DETECTION_DESTINATION_IP, 'NATD_D_IP'],
  [NotifyType.COOKIE, 'COOKIE'],
  [NotifyType.USE_TRANSPORT_MODE, 'USE_TRANSP'],
  [NotifyType.HTTP_CERT_LOOKUP_SUPPORTED, 'HTTP_CERT_LOOK'],
  [NotifyType.REKEY_SA, 'REKEY_SA'],
  [NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED, 'ESP_TFC_PAD_N'],
  [NotifyType.NON_FIRST_FRAGMENTS_ALSO, 'NON_FIRST_FRAG'],
  [NotifyType.MOBIKE_SUPPORTED, 'MOBIKE_SUP'],
  [NotifyType.ADDITIONAL_IP4_ADDRESS, 'ADD_4_ADDR'],
  [NotifyType.ADDITIONAL_IP6_ADDRESS, 'ADD_6_ADDR'],
  [NotifyType.NO_ADDITIONAL_ADDRESSES, 'NO_ADD_ADDR'],
  [NotifyType.UPDATE_SA_ADDRESSES, 'UPD_SA_ADDR'],
  [NotifyType.COOKIE2, 'COOKIE2'],
  [NotifyType.NO_NATS_ALLOWED, 'NO_NATS'],
  [NotifyType.AUTH_LIFETIME, 'AUTH_LFT'],
  [NotifyType.MULTIPLE_AUTH_SUPPORTED, 'MULT_AUTH'],
  [NotifyType.ANOTHER_AUTH_FOLLOWS, 'AUTH_FOLLOWS'],
  [NotifyType.REDIRECT_SUPPORTED, 'REDIR_SUP'],
  [NotifyType.REDIRECT, 'REDIR'],
  [NotifyType.REDIRECTED_FROM, 'REDIR_FROM'],
  [NotifyType.TICKET_LT_OPAQUE, 'TKT_LT_OPAK'],
  [NotifyType.TICKET_REQUEST, 'TKT_REQ'],
  [NotifyType.TICKET_ACK, 'TKT_ACK'],
  [NotifyType.TICKET_NACK, 'TKT_NACK'],
  [NotifyType.TICKET_OPAQUE, 'TKT_OPAK'],
  [NotifyType.LINK_ID, 'LINK_ID'],
  [NotifyType.USE_WESP_MODE, 'WESP_MODE'],
  [NotifyType.ROHC_SUPPORTED, 'ROHC_SUP'],
  [NotifyType.EAP_ONLY_AUTHENTICATION, 'EAP_ONLY'],
  [NotifyType.CHILDLESS_IKEV2_SUPPORTED, 'CHDLESS_SUP'],
  [NotifyType.QUICK_CRASH_DETECTION, 'CRASH_DET'],
  [NotifyType.IKEV2_MESSAGE_ID_SYNC_SUPPORTED, 'MSG_ID_SYN_SUP'],
  [NotifyType.IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED, 'RPL_CTR_SYN_SUP'],
  [NotifyType.IKEV2_MESSAGE_ID_SYNC, 'MSG_ID_SYN'],
  [NotifyType.IPSEC_REPLAY_COUNTER_SYNC, 'RPL_CTR_SYN'],
  [NotifyType.SECURE_PASSWORD_METHODS, 'SEC_PASSWD'],
  [NotifyType.PSK_PERSIST, 'PSK_PST'],
  [NotifyType.PSK_CONFIRM, 'PSK_CFM'],
  [NotifyType.ERX_SUPPORTED, 'ERX_SUP'],
  [NotifyType.IFOM_CAPABILITY, 'IFOM_CAP'],
  [NotifyType.SENDER_REQUEST_ID, 'SENDER_REQ_ID'],
  [NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, 'FRAG_SUP'],
  [NotifyType.SIGNATURE_HASH_ALGORITHMS, 'HASH_ALG'],
  [NotifyType.USE_PPK, 'USE_PPK'],
  [NotifyType.PPK_IDENTITY, 'PPK_ID'],
  [NotifyType.NO_PPK_AUTH, 'NO_PPK'],
  [NotifyType.INTERMEDIATE_EXCHANGE_SUPPORTED, 'IKE_INT_SUP'],
  [NotifyType.ADDITIONAL_KEY_EXCHANGE, 'ADD_KE'],
  [SN.INITIAL_CONTACT_IKEV1, 'INITIAL_CONTACT'],
  [SN.DPD_R_U_THERE, 'DPD'],
  [SN.DPD_R_U_THERE_ACK, 'DPD_ACK'],
  [SN.UNITY_LOAD_BALANCE, 'UNITY_LB'],
  [SN.USE_BEET_MODE, 'BEET_MODE'],
  [SN.ME_MEDIATION, 'ME_MED'],
  [SN.ME_ENDPOINT, 'ME_EP'],
  [SN.ME_CALLBACK, 'ME_CB'],
  [SN.ME_CONNECTID, 'ME_CID'],
  [SN.ME_CONNECTKEY, 'ME_CKEY'],
  [SN.ME_CONNECTAUTH, 'ME_CAUTH'],
  [SN.ME_RESPONSE, 'ME_R'],
  [SN.RADIUS_ATTRIBUTE, 'RADIUS'],
]);

/** strongSwan `configuration_attribute_type_short_names`, used inside CP(...) in summaries. */
export const CP_ATTRIBUTE_SHORT_NAMES: NameTable = table([
  [CfgAttributeType.INTERNAL_IP4_ADDRESS, 'ADDR'],
  [CfgAttributeType.INTERNAL_IP4_NETMASK, 'MASK'],
  [CfgAttributeType.INTERNAL_IP4_DNS, 'DNS'],
  [CfgAttributeType.INTERNAL_IP4_NBNS, 'NBNS'],
  [5, 'EXP'],
  [CfgAttributeType.INTERNAL_IP4_DHCP, 'DHCP'],
  [CfgAttributeType.APPLICATION_VERSION, 'VER'],
  [CfgAttributeType.INTERNAL_IP6_ADDRESS, 'ADDR6'],
  [9, 'MASK6'],
  [CfgAttributeType.INTERNAL_IP6_DNS, 'DNS6'],
  [11, 'NBNS6'],
  [CfgAttributeType.INTERNAL_IP6_DHCP, 'DHCP6'],
  [CfgAttributeType.INTERNAL_IP4_SUBNET, 'SUBNET'],
  [CfgAttributeType.SUPPORTED_ATTRIBUTES, 'SUP'],
  [CfgAttributeType.INTERNAL_IP6_SUBNET, 'SUBNET6'],
  [CfgAttributeType.MIP6_HOME_PREFIX, 'MIP6HPFX'],
  [CfgAttributeType.INTERNAL_IP6_LINK, 'LINK6'],
  [CfgAttributeType.INTERNAL_IP6_PREFIX, 'PFX6'],
  [CfgAttributeType.HOME_AGENT_ADDRESS, 'HOA'],
  [CfgAttributeType.P_CSCF_IP4_ADDRESS, 'PCSCF4'],
  [CfgAttributeType.P_CSCF_IP6_ADDRESS, 'PCSCF6'],
  [16520, 'X_TYPE'],
  [16521, 'X_USER'],
  [16522, 'X_PWD'],
  [16523, 'X_CODE'],
  [16524, 'X_MSG'],
  [16525, 'X_CHALL'],
  [16526, 'X_DOMAIN'],
  [16527, 'X_STATUS'],
  [16528, 'X_PIN'],
  [16529, 'X_ANSWER'],
  [23456, 'SRV'],
  [23457, 'SRV6'],
  [28672, 'U_BANNER'],
  [28673, 'U_SAVEPWD'],
  [28674, 'U_DEFDOM'],
  [28675, 'U_SPLITDNS'],
  [28676, 'U_SPLITINC'],
  [28677, 'U_NATTPORT'],
  [28678, 'U_LOCALLAN'],
  [28679, 'U_PFS'],
  [28680, 'U_FWTYPE'],
  [28681, 'U_BKPSRV'],
  [28682, 'U_DDNSHOST'],
]);

/** strongSwan's prefix for the attribute list of CP(...) by CFG type: CPRQ(ADDR DNS). */
export const CFG_TYPE_SUMMARY_PREFIX: NameTable = table([
  [CfgType.CFG_REQUEST, 'RQ('],
  [CfgType.CFG_REPLY, 'RP('],
  [CfgType.CFG_SET, 'S('],
  [CfgType.CFG_ACK, 'A('],
]);

/** strongSwan `eap_code_short_names`. */
export const EAP_CODE_SHORT_NAMES: NameTable = table([
  [1, 'REQ'],
  [2, 'RES'],
  [3, 'SUCC'],
  [4, 'FAIL'],
]);

/** strongSwan `eap_type_short_names`. */
export const EAP_TYPE_SHORT_NAMES: NameTable = table([
  [1, 'ID'],
  [2, 'NTF'],
  [3, 'NAK'],
  [4, 'MD5'],
  [5, 'OTP'],
  [6, 'GTC'],
  [13, 'TLS'],
  [18, 'SIM'],
  [21, 'TTLS'],
  [23, 'AKA'],
  [25, 'PEAP'],
  [26, 'MSCHAPV2'],
  [33, 'MSTLV'],
  [38, 'TNC'],
  [254, 'EXP'],
  [255, 'XP'],
  [256, 'RAD'],
  [257, 'DYN'],
]);

// --- human names for -full decodes -------------------------------------------

export const PAYLOAD_NAMES: NameTable = table([
  [PayloadType.SA, 'Security Association'],
  [PayloadType.KE, 'Key Exchange'],
  [PayloadType.IDi, 'Identification - Initiator'],
  [PayloadType.IDr, 'Identification - Responder'],
  [PayloadType.CERT, 'Certificate'],
  [PayloadType.CERTREQ, 'Certificate Request'],
  [PayloadType.AUTH, 'Authentication'],
  [PayloadType.NONCE, 'Nonce'],
  [PayloadType.NOTIFY, 'Notify'],
  [PayloadType.DELETE, 'Delete'],
  [PayloadType.VENDOR_ID, 'Vendor ID'],
  [PayloadType.TSi, 'Traffic Selector - Initiator'],
  [PayloadType.TSr, 'Traffic Selector - Responder'],
  [PayloadType.SK, 'Encrypted and Authenticated'],
  [PayloadType.CP, 'Configuration'],
  [PayloadType.EAP, 'Extensible Authentication'],
  [PayloadType.GSPM, 'Generic Secure Password Method'],
  [PayloadType.IDg, 'Group Identification'],
  [PayloadType.GSA, 'Group Security Association'],
  [PayloadType.KD, 'Key Download'],
  [PayloadType.SKF, 'Encrypted and Authenticated Fragment'],
  [PayloadType.PS, 'Puzzle Solution'],
]);

/** IANA exchange names (including those strongSwan does not name). */
export const EXCHANGE_TYPE_NAMES: NameTable = fromConstants(ExchangeType);

/** IANA notify names, then strongSwan's for the numbers IANA does not assign in IKEv2. */
export const NOTIFY_NAMES: NameTable = new Map([...fromConstants(StrongswanNotifyType), ...fromConstants(NotifyType)]);

export const PROTOCOL_NAMES: NameTable = fromConstants(ProtocolId);
export const TRANSFORM_TYPE_NAMES: NameTable = fromConstants(TransformType);

export const ENCR_NAMES: NameTable = table([
  [EncrId.DES_IV64, 'ENCR_DES_IV64'],
  [EncrId.DES, 'ENCR_DES'],
  [EncrId.DES3, 'ENCR_3DES'],
  [EncrId.RC5, 'ENCR_RC5'],
  [EncrId.IDEA, 'ENCR_IDEA'],
  [EncrId.CAST, 'ENCR_CAST'],
  [EncrId.BLOWFISH, 'ENCR_BLOWFISH'],
  [EncrId.IDEA3, 'ENCR_3IDEA'],
  [EncrId.DES_IV32, 'ENCR_DES_IV32'],
  [EncrId.NULL, 'ENCR_NULL'],
  [EncrId.AES_CBC, 'ENCR_AES_CBC'],
  [EncrId.AES_CTR, 'ENCR_AES_CTR'],
  [EncrId.AES_CCM_8, 'ENCR_AES_CCM_8'],
  [EncrId.AES_CCM_12, 'ENCR_AES_CCM_12'],
  [EncrId.AES_CCM_16, 'ENCR_AES_CCM_16'],
  [EncrId.AES_GCM_8, 'ENCR_AES_GCM_8'],
  [EncrId.AES_GCM_12, 'ENCR_AES_GCM_12'],
  [EncrId.AES_GCM_16, 'ENCR_AES_GCM_16'],
  [EncrId.NULL_AUTH_AES_GMAC, 'ENCR_NULL_AUTH_AES_GMAC'],
  [EncrId.CAMELLIA_CBC, 'ENCR_CAMELLIA_CBC'],
  [EncrId.CAMELLIA_CTR, 'ENCR_CAMELLIA_CTR'],
  [EncrId.CAMELLIA_CCM_8, 'ENCR_CAMELLIA_CCM_8'],
  [EncrId.CAMELLIA_CCM_12, 'ENCR_CAMELLIA_CCM_12'],
  [EncrId.CAMELLIA_CCM_16, 'ENCR_CAMELLIA_CCM_16'],
  [EncrId.CHACHA20_POLY1305, 'ENCR_CHACHA20_POLY1305'],
]);

export const PRF_NAMES: NameTable = fromConstants(PrfId, 'PRF_');
export const INTEG_NAMES: NameTable = fromConstants(IntegId, 'AUTH_');
export const ESN_NAMES: NameTable = table([
  [EsnId.NO_ESN, 'NO_ESN'],
  [EsnId.ESN, 'ESN'],
]);

/** Short group names as strongSwan proposal keywords spell them. */
export const DH_GROUP_SHORT_NAMES: NameTable = table([
  [DhGroupId.NONE, 'none'],
  [DhGroupId.MODP_768, 'modp768'],
  [DhGroupId.MODP_1024, 'modp1024'],
  [DhGroupId.MODP_1536, 'modp1536'],
  [DhGroupId.MODP_2048, 'modp2048'],
  [DhGroupId.MODP_3072, 'modp3072'],
  [DhGroupId.MODP_4096, 'modp4096'],
  [DhGroupId.MODP_6144, 'modp6144'],
  [DhGroupId.MODP_8192, 'modp8192'],
  [DhGroupId.ECP_256, 'ecp256'],
  [DhGroupId.ECP_384, 'ecp384'],
  [DhGroupId.ECP_521, 'ecp521'],
  [DhGroupId.MODP_1024_160, 'modp1024s160'],
  [DhGroupId.MODP_2048_224, 'modp2048s224'],
  [DhGroupId.MODP_2048_256, 'modp2048s256'],
  [DhGroupId.ECP_192, 'ecp192'],
  [DhGroupId.ECP_224, 'ecp224'],
  [DhGroupId.BRAINPOOL_P224, 'ecp224bp'],
  [DhGroupId.BRAINPOOL_P256, 'ecp256bp'],
  [DhGroupId.BRAINPOOL_P384, 'ecp384bp'],
  [DhGroupId.BRAINPOOL_P512, 'ecp512bp'],
  [DhGroupId.CURVE_25519, 'curve25519'],
  [DhGroupId.CURVE_448, 'curve448'],
]);

/** "DH group 31 (curve25519)"; unknown groups "DH group 99". */
export function dhGroupName(group: number): string {
  const short = DH_GROUP_SHORT_NAMES.get(group);
  return short === undefined ? `DH group ${group}` : `DH group ${group} (${short})`;
}

/**
 * Human name of a transform: `ENCR_AES_GCM_16 (256)`, `PRF_HMAC_SHA2_256`,
 * `AUTH_HMAC_SHA2_256_128`, `DH group 31 (curve25519)`, `ESN`. Unknown IDs
 * read `ENCR id 99`.
 */
export function transformName(transformType: number, transformId: number, keyLength?: number): string {
  const suffix = keyLength === undefined ? '' : ` (${keyLength})`;
  const byType: Record<number, NameTable | undefined> = {
    [TransformType.ENCR]: ENCR_NAMES,
    [TransformType.PRF]: PRF_NAMES,
    [TransformType.INTEG]: INTEG_NAMES,
    [TransformType.ESN]: ESN_NAMES,
  };
  if (transformType === TransformType.DH) return dhGroupName(transformId) + suffix;
  const names = byType[transformType];
  const name = names?.get(transformId);
  if (name !== undefined) return name + suffix;
  const typeName = TRANSFORM_TYPE_NAMES.get(transformType) ?? `transform type ${transformType}`;
  return `${typeName} id ${transformId}${suffix}`;
}

export const ID_TYPE_NAMES: NameTable = fromConstants(IdType, 'ID_');
export const AUTH_METHOD_NAMES: NameTable = fromConstants(AuthMethod);
export const CERT_ENCODING_NAMES: NameTable = fromConstants(CertEncoding);
export const TS_TYPE_NAMES: NameTable = fromConstants(TsType, 'TS_');
export const CFG_TYPE_NAMES: NameTable = fromConstants(CfgType);
export const CP_ATTRIBUTE_NAMES: NameTable = fromConstants(CfgAttributeType);
export const HASH_ALGORITHM_NAMES: NameTable = fromConstants(HashAlgorithmId);

/** A name from a table, or "<kind> <number>" when unnamed (for -full text). */
export function nameOr(names: NameTable, value: number, kind: string): string {
  return names.get(value) ?? `${kind} ${value}`;
}
