/**
 * The gateway configuration contract: the objects of the seed's firewall
 * (interfaces, address book, services, IP rule set, routing table, DNS
 * client, time zone) and the ORDERED IPsec tunnel list, plus the engine's
 * own settings.
 *
 * Two shapes of every object:
 *  - `...Schema` — the normalised config the engine runs and the API returns:
 *    every field present, addresses canonical, defaults filled in.
 *  - `...InputSchema` — what a client or a YAML/JSON file submits: fields
 *    with a default may be omitted, and a secret may be the write-only
 *    marker `{ set: true }` meaning "keep the value already configured".
 *
 * The schemas check structure only. Everything that needs more than one
 * field (references, address syntax, duplicate names, proposal keywords,
 * hex key lengths) is checked by the engine's `validateConfig`, which
 * reports each problem with the JSON path of the field.
 *
 * Key exchange: ONE truth. The IKE proposals carry the IKE SA's DH groups
 * and the IPsec proposals carry the PFS groups (strongSwan's notation:
 * `aes256-sha256-modp2048`; an ESP proposal with a group means PFS with
 * that group, without one means no PFS). The input-only fields `dhGroup`
 * and `pfs` are shorthands: the normaliser appends the group to every
 * proposal that names none, and refuses them where every proposal already
 * names its groups. They do not exist in the normalised config.
 */
import { Type, type Static, type TOptional, type TProperties, type TSchema } from '@sinclair/typebox';
import {
  ENGINE_DEFAULTS,
  GATEWAY_DEFAULTS,
  ROUTE_DEFAULTS,
  TUNNEL_DEFAULTS,
} from './config-defaults.ts';

const CLOSED = { additionalProperties: false } as const;

function optionalFields<T extends TProperties>(fields: T): { [K in keyof T]: TOptional<T[K]> } {
  const entries = Object.entries(fields).map(([key, schema]) => [key, Type.Optional(schema as TSchema)]);
  return Object.fromEntries(entries) as { [K in keyof T]: TOptional<T[K]> };
}

export const OBJECT_NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]*$';

/** Operator wording for each pattern the schemas use (read by `listSchemaIssues`). */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [OBJECT_NAME_PATTERN]: 'letters, digits, "_", "-" and "." only, not starting with "-" or "."',
};

/** Object names (interfaces, tunnels, address book entries, services). */
export const ObjectNameSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: OBJECT_NAME_PATTERN,
  description: 'Object name; interfaces and tunnels share one namespace (a tunnel is an interface).',
});

// ---------------------------------------------------------------------------
// Secrets

/** What the API returns in place of a secret, and what a client may send back to keep it. */
export const RedactedSecretSchema = Type.Object(
  { set: Type.Boolean({ description: 'true if a value is configured' }) },
  { ...CLOSED, description: 'A write-only secret: the value is never returned.' },
);
export type RedactedSecret = Static<typeof RedactedSecretSchema>;

const SecretInputSchema = Type.Union([Type.String(), RedactedSecretSchema], {
  description: 'The secret, or { set: true } to keep the value already configured.',
});

// ---------------------------------------------------------------------------
// Interfaces, address book, services

export const InterfaceSchema = Type.Object(
  {
    name: ObjectNameSchema,
    addresses: Type.Array(Type.String(), {
      description: 'Interface addresses with prefix length, e.g. "172.22.53.18/24" (host bits are the address).',
    }),
    description: Type.String(),
  },
  CLOSED,
);
export type InterfaceConfig = Static<typeof InterfaceSchema>;
export const InterfaceInputSchema = Type.Object(
  {
    name: ObjectNameSchema,
    addresses: Type.Array(Type.String()),
    ...optionalFields({ description: Type.String({ default: '' }) }),
  },
  CLOSED,
);

export const AddressBookEntrySchema = Type.Object(
  {
    name: ObjectNameSchema,
    networks: Type.Array(Type.String(), {
      minItems: 1,
      description: 'CIDR networks, e.g. "192.168.10.0/24"; a plain address means /32 (/128).',
    }),
  },
  CLOSED,
);
export type AddressBookEntry = Static<typeof AddressBookEntrySchema>;

export const ServiceProtocolSchema = Type.Union(
  [Type.Literal('any'), Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('icmp'), Type.Literal('esp')],
);
export type ServiceProtocol = Static<typeof ServiceProtocolSchema>;

export const ServiceSchema = Type.Object(
  {
    name: ObjectNameSchema,
    protocol: ServiceProtocolSchema,
    ports: Type.Array(Type.String(), {
      description: 'Destination ports or ranges ("80", "1024-65535"); empty means all. tcp/udp only.',
    }),
  },
  CLOSED,
);
export type ServiceConfig = Static<typeof ServiceSchema>;
export const ServiceInputSchema = Type.Object(
  {
    name: ObjectNameSchema,
    protocol: ServiceProtocolSchema,
    ...optionalFields({ ports: Type.Array(Type.String(), { default: [] }) }),
  },
  CLOSED,
);

/**
 * A simulated endpoint behind the gateway (data plane): answers ICMP echo
 * and, if listed, UDP (echoes the datagram back) on its address.
 */
export const SimulatedHostSchema = Type.Object(
  {
    name: ObjectNameSchema,
    interface: Type.String({ description: 'The interface the host sits behind (int, mgm, ...).' }),
    address: Type.String({ description: 'The host\'s IPv4 address.' }),
    services: Type.Array(Type.Union([Type.Literal('icmp'), Type.Literal('udp')]), {
      default: ['icmp', 'udp'],
      description: 'What the host answers.',
    }),
  },
  CLOSED,
);
export type SimulatedHost = Static<typeof SimulatedHostSchema>;

// ---------------------------------------------------------------------------
// IP rules and routes

export const RuleActionSchema = Type.Union([Type.Literal('Allow'), Type.Literal('Drop'), Type.Literal('Reject')]);
export type RuleAction = Static<typeof RuleActionSchema>;

const ipRuleFields = {
  action: RuleActionSchema,
  sourceInterface: Type.String({ description: 'Interface or tunnel name, or "any".' }),
  sourceNetwork: Type.String({ description: 'Address book name or CIDR.' }),
  destinationInterface: Type.String({ description: 'Interface or tunnel name, or "any".' }),
  destinationNetwork: Type.String({ description: 'Address book name or CIDR.' }),
  service: Type.String({
    description: 'Service name (ICMP, all_services, http, ... or a configured one) or inline: icmp, all, udp/500, tcp/80-443.',
  }),
};

/** One row of the ordered IP rule set, e.g. `Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP`. */
export const IpRuleSchema = Type.Object({ name: Type.String(), ...ipRuleFields }, CLOSED);
export type IpRule = Static<typeof IpRuleSchema>;
export const IpRuleInputSchema = Type.Object(
  { ...optionalFields({ name: Type.String({ default: '' }) }), ...ipRuleFields },
  CLOSED,
);

export const RouteSchema = Type.Object(
  {
    network: Type.String({ description: 'Address book name or CIDR.' }),
    interface: Type.String({ description: 'Interface or tunnel name.' }),
    gateway: Type.String({ description: 'Next hop address; empty for a directly connected network.' }),
    metric: Type.Integer({ minimum: 0, maximum: 65_535 }),
  },
  CLOSED,
);
export type RouteConfig = Static<typeof RouteSchema>;
export const RouteInputSchema = Type.Object(
  {
    network: Type.String(),
    interface: Type.String(),
    ...optionalFields({
      gateway: Type.String({ default: '' }),
      metric: Type.Integer({ minimum: 0, maximum: 65_535, default: ROUTE_DEFAULTS.metric }),
    }),
  },
  CLOSED,
);

// ---------------------------------------------------------------------------
// Tunnels

export const IdentityTypeSchema = Type.Union([
  Type.Literal('ipv4'),
  Type.Literal('ipv6'),
  Type.Literal('fqdn'),
  Type.Literal('email'),
  Type.Literal('keyid'),
  Type.Literal('dn'),
  Type.Literal('any'),
]);
export type IdentityType = Static<typeof IdentityTypeSchema>;

/**
 * An IKE identity. `email` is RFC822_ADDR (user FQDN); `keyid` is written
 * as hex; `dn` as "C=SE, O=Example, CN=gw"; `any` (remote only) matches
 * every peer. fqdn and email may start with "*" as a wildcard
 * (`*.example.com`, `*@example.com`), as in strongSwan.
 */
export const IdentitySchema = Type.Object(
  { type: IdentityTypeSchema, value: Type.String({ description: 'Empty for "any".' }) },
  CLOSED,
);
export type TunnelIdentity = Static<typeof IdentitySchema>;
export const IdentityInputSchema = Type.Object(
  { type: IdentityTypeSchema, ...optionalFields({ value: Type.String({ default: '' }) }) },
  CLOSED,
);

export const PskTypeSchema = Type.Union([Type.Literal('passphrase'), Type.Literal('hex')]);
export type PskType = Static<typeof PskTypeSchema>;

export const PskAuthSchema = Type.Object(
  {
    method: Type.Literal('psk'),
    psk: Type.Object({ type: PskTypeSchema, value: Type.String() }, CLOSED),
  },
  CLOSED,
);
export const CertificateAuthSchema = Type.Object(
  {
    method: Type.Literal('certificate'),
    certificate: Type.String({ minLength: 1, description: 'Name of the gateway certificate (name.cer + name.key).' }),
    rootCertificates: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  },
  CLOSED,
);
export const TunnelAuthSchema = Type.Union([PskAuthSchema, CertificateAuthSchema]);
export type PskAuth = Static<typeof PskAuthSchema>;
export type CertificateAuth = Static<typeof CertificateAuthSchema>;
export type TunnelAuth = Static<typeof TunnelAuthSchema>;

export const TunnelAuthInputSchema = Type.Union([
  Type.Object(
    { method: Type.Literal('psk'), psk: Type.Object({ type: PskTypeSchema, value: SecretInputSchema }, CLOSED) },
    CLOSED,
  ),
  CertificateAuthSchema,
]);

export const DpdSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: TUNNEL_DEFAULTS.dpd.enabled }),
    intervalSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: TUNNEL_DEFAULTS.dpd.intervalSeconds }),
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: TUNNEL_DEFAULTS.dpd.timeoutSeconds }),
  },
  CLOSED,
);
export type DpdConfig = Static<typeof DpdSchema>;

/** Periodic ICMP echo through the tunnel, from a local to a remote address. */
export const KeepAliveSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: TUNNEL_DEFAULTS.keepAlive.enabled }),
    sourceAddress: Type.String({ description: 'Inside localNetworks; empty when disabled.' }),
    destinationAddress: Type.String({ description: 'Inside remoteNetworks; empty when disabled.' }),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, default: 10, description: 'Seconds between probes (default 10).' })),
    renegotiateAfterLost: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        default: 0,
        description:
          'Consecutive lost probes after which the tunnel is taken as no longer operational: its SAs are deleted and it is negotiated again, as the tunnel monitor of this class of firewall does. 0 (default): only report the keep-alive as failing.',
      }),
    ),
  },
  CLOSED,
);
export type KeepAliveConfig = Static<typeof KeepAliveSchema>;

export const ResponderPolicySchema = Type.Union([Type.Literal('strict'), Type.Literal('narrow')], {
  description:
    'strict: a proposed network equal to or inside the configured one is accepted as proposed, a larger one refused (TS_UNACCEPTABLE); narrow: a larger one is narrowed (RFC 7296 §2.9).',
});
export type ResponderPolicy = Static<typeof ResponderPolicySchema>;

export const XauthModeSchema = Type.Union([Type.Literal('off'), Type.Literal('XAuthPSK'), Type.Literal('XAuthCert')]);
export type XauthMode = Static<typeof XauthModeSchema>;

export const IkeVersionSchema = Type.Union([Type.Literal(1), Type.Literal(2)], {
  description: 'IKEv1 is accepted in config; this build negotiates IKEv2 only.',
});

const tunnelRequiredFields = {
  name: ObjectNameSchema,
  localNetworks: Type.Array(Type.String(), { minItems: 1, description: 'CIDRs or address book names.' }),
  remoteNetworks: Type.Array(Type.String(), { minItems: 1, description: 'CIDRs or address book names.' }),
  localEndpoint: Type.String({ description: 'Local gateway address.' }),
  remoteEndpoint: Type.String({ description: 'Remote gateway address, or "none" for roaming peers.' }),
  ikeProposals: Type.Array(Type.String(), {
    minItems: 1,
    description: 'strongSwan-style IKE proposals in preference order, e.g. "aes128gcm16-prfsha256-x25519".',
  }),
  ipsecProposals: Type.Array(Type.String(), {
    minItems: 1,
    description: 'strongSwan-style ESP proposals, e.g. "aes256-sha256" or "aes256-sha256-modp2048" (PFS).',
  }),
};

const tunnelDefaultedFields = {
  enabled: Type.Boolean({ default: TUNNEL_DEFAULTS.enabled }),
  remotePort: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: TUNNEL_DEFAULTS.remotePort,
    description: "Remote gateway's IKE port when we initiate; 0 = the same as our IKE port (500 in production).",
  }),
  perHost: Type.Boolean({ default: TUNNEL_DEFAULTS.perHost, description: 'One IPsec SA per host pair instead of per network pair.' }),
  ikeLifetimeSeconds: Type.Integer({ minimum: 60, default: TUNNEL_DEFAULTS.ikeLifetimeSeconds }),
  ipsecLifetimeSeconds: Type.Integer({ minimum: 60, default: TUNNEL_DEFAULTS.ipsecLifetimeSeconds }),
  ipsecLifetimeKilobytes: Type.Integer({ minimum: 0, default: TUNNEL_DEFAULTS.ipsecLifetimeKilobytes, description: '0 = no volume limit.' }),
  ikeVersion: Type.Union([Type.Literal(1), Type.Literal(2)], {
    default: TUNNEL_DEFAULTS.ikeVersion,
    description: IkeVersionSchema.description,
  }),
  responderPolicy: Type.Union([Type.Literal('strict'), Type.Literal('narrow')], {
    default: TUNNEL_DEFAULTS.responderPolicy,
    description: ResponderPolicySchema.description,
  }),
  crlChecking: Type.Boolean({ default: TUNNEL_DEFAULTS.crlChecking }),
  addressPool: Type.Optional(
    Type.String({ description: 'Roaming tunnels: address book name or CIDR the clients\' tunnel addresses come from (IKEv2 CFG_REPLY INTERNAL_IP4_ADDRESS); empty = no config payloads.' }),
  ),
  clientDnsServers: Type.Optional(Type.Array(Type.String(), { description: 'Roaming tunnels: DNS servers sent to clients (INTERNAL_IP4_DNS).' })),
  requestVirtualIp: Type.Optional(
    Type.Boolean({ description: 'We initiate as a roaming client: ask the gateway for a tunnel address (CFG_REQUEST) and use it as our traffic selector.' }),
  ),
  additionalAddresses: Type.Optional(
    Type.Array(Type.String(), { description: 'Client side: our other local IPv4 addresses, announced in N(ADDITIONAL_IP4_ADDRESS) as a MOBIKE client does.' }),
  ),
  xauth: Type.Union([Type.Literal('off'), Type.Literal('XAuthPSK'), Type.Literal('XAuthCert')], {
    default: TUNNEL_DEFAULTS.xauth,
    description: 'IKEv1 XAuth test mode (seed 13.6.1); kept in the model, not used by IKEv2.',
  }),
  xauthClient: Type.Boolean({ default: TUNNEL_DEFAULTS.xauthClient, description: 'IKEv1 XAuth test property.' }),
  xauthUsername: Type.String({ default: TUNNEL_DEFAULTS.xauthUsername, description: 'IKEv1 XAuth test property.' }),
};

/**
 * One IPsec tunnel. The tunnel list is ORDERED: it is scanned top to
 * bottom when a peer connects (seed 13.6.1).
 */
export const TunnelSchema = Type.Object(
  {
    ...tunnelRequiredFields,
    ...tunnelDefaultedFields,
    localId: IdentitySchema,
    remoteId: IdentitySchema,
    auth: TunnelAuthSchema,
    dpd: DpdSchema,
    keepAlive: KeepAliveSchema,
    xauthPassword: Type.String({ description: 'IKEv1 XAuth test property; write-only.' }),
  },
  CLOSED,
);
export type TunnelConfig = Static<typeof TunnelSchema>;

export const TunnelInputSchema = Type.Object(
  {
    ...tunnelRequiredFields,
    auth: TunnelAuthInputSchema,
    ...optionalFields({
      ...tunnelDefaultedFields,
      localId: IdentityInputSchema,
      remoteId: IdentityInputSchema,
      dpd: Type.Partial(DpdSchema),
      keepAlive: Type.Partial(KeepAliveSchema),
      xauthPassword: SecretInputSchema,
      dhGroup: Type.String({
        description: 'Shorthand: appended to every IKE proposal that names no DH group (e.g. "modp2048").',
      }),
      pfs: Type.String({
        description: 'Shorthand: "none", or a group appended to every IPsec proposal that names none.',
      }),
    }),
  },
  CLOSED,
);
export type TunnelInput = Static<typeof TunnelInputSchema>;

// ---------------------------------------------------------------------------
// Engine settings

export const SnoopModeSchema = Type.Union([Type.Literal('off'), Type.Literal('brief'), Type.Literal('full')]);
export type SnoopMode = Static<typeof SnoopModeSchema>;

export const RetransmitSchema = Type.Object(
  {
    initialTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: ENGINE_DEFAULTS.retransmit.initialTimeoutMs }),
    backoff: Type.Number({ minimum: 1, maximum: 10, default: ENGINE_DEFAULTS.retransmit.backoff }),
    tries: Type.Integer({ minimum: 0, maximum: 100, default: ENGINE_DEFAULTS.retransmit.tries }),
  },
  CLOSED,
);

export const SnoopDefaultsSchema = Type.Object(
  {
    mode: SnoopModeSchema,
    peer: Type.String({ description: 'Peer address filter; empty for all peers.' }),
  },
  CLOSED,
);

const PortSchema = Type.Integer({ minimum: 1, maximum: 65_535 });

export const EngineSettingsSchema = Type.Object(
  {
    ikePort: PortSchema,
    natTPort: PortSchema,
    listenAddresses: Type.Array(Type.String(), {
      description: 'Addresses to bind; empty means the tunnels\' local endpoints.',
    }),
    halfOpenThreshold: Type.Integer({
      minimum: 0,
      description: 'Half-open IKE SAs above which IKE_SA_INIT requests must carry a COOKIE; 0 = always.',
    }),
    retransmit: RetransmitSchema,
    snoop: SnoopDefaultsSchema,
    certificateDirectory: Type.Optional(
      Type.String({ description: 'Directory of the gateway\'s certificates (name.cer + name.key) and CA certificates; empty = none.' }),
    ),
  },
  CLOSED,
);
export type EngineSettings = Static<typeof EngineSettingsSchema>;

export const EngineSettingsInputSchema = Type.Object(
  optionalFields({
    ikePort: Type.Integer({ minimum: 1, maximum: 65_535, default: ENGINE_DEFAULTS.ikePort }),
    natTPort: Type.Integer({ minimum: 1, maximum: 65_535, default: ENGINE_DEFAULTS.natTPort }),
    listenAddresses: Type.Array(Type.String(), { default: [] }),
    halfOpenThreshold: Type.Integer({ minimum: 0, default: ENGINE_DEFAULTS.halfOpenThreshold }),
    retransmit: Type.Partial(RetransmitSchema),
    snoop: Type.Partial(SnoopDefaultsSchema),
    certificateDirectory: Type.String({ default: '' }),
  }),
  CLOSED,
);

// ---------------------------------------------------------------------------
// The whole config

export const GatewayConfigSchema = Type.Object(
  {
    interfaces: Type.Array(InterfaceSchema),
    addressBook: Type.Array(AddressBookEntrySchema, { description: 'all-nets-ip4 and all-nets-ip6 are predefined.' }),
    services: Type.Array(ServiceSchema),
    ipRules: Type.Array(IpRuleSchema, { description: 'Ordered; first match wins.' }),
    routes: Type.Array(RouteSchema),
    dnsServers: Type.Array(Type.String(), { description: 'DNS client servers (used to resolve CRL locations); "address" or "address:port".' }),
    hosts: Type.Optional(Type.Array(SimulatedHostSchema, { description: 'Simulated endpoints behind the gateway (data plane).' })),
    timeZone: Type.String({ description: 'IANA zone ("Europe/Stockholm") or UTC offset ("UTC+01:00").' }),
    tunnels: Type.Array(TunnelSchema, { description: 'ORDERED: scanned top to bottom.' }),
    engine: EngineSettingsSchema,
  },
  CLOSED,
);
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export const GatewayConfigInputSchema = Type.Object(
  optionalFields({
    interfaces: Type.Array(InterfaceInputSchema, { default: [] }),
    addressBook: Type.Array(AddressBookEntrySchema, { default: [] }),
    services: Type.Array(ServiceInputSchema, { default: [] }),
    ipRules: Type.Array(IpRuleInputSchema, { default: [] }),
    routes: Type.Array(RouteInputSchema, { default: [] }),
    dnsServers: Type.Array(Type.String(), { default: GATEWAY_DEFAULTS.dnsServers }),
    hosts: Type.Array(SimulatedHostSchema, { default: [] }),
    timeZone: Type.String({ default: GATEWAY_DEFAULTS.timeZone }),
    tunnels: Type.Array(TunnelInputSchema, { default: [] }),
    engine: EngineSettingsInputSchema,
  }),
  CLOSED,
);
export type GatewayConfigInput = Static<typeof GatewayConfigInputSchema>;

/**
 * The config as the API returns it: every secret replaced by
 * `{ set: boolean }` (see the engine's `redactConfig`).
 */
export const RedactedTunnelSchema = Type.Object(
  {
    ...TunnelSchema.properties,
    auth: Type.Union([
      Type.Object(
        { method: Type.Literal('psk'), psk: Type.Object({ type: PskTypeSchema, value: RedactedSecretSchema }, CLOSED) },
        CLOSED,
      ),
      CertificateAuthSchema,
    ]),
    xauthPassword: RedactedSecretSchema,
  },
  CLOSED,
);
export type RedactedTunnel = Static<typeof RedactedTunnelSchema>;

export const RedactedGatewayConfigSchema = Type.Object(
  { ...GatewayConfigSchema.properties, tunnels: Type.Array(RedactedTunnelSchema) },
  CLOSED,
);
export type RedactedGatewayConfig = Static<typeof RedactedGatewayConfigSchema>;

// ---------------------------------------------------------------------------
// Validation outcome

/** One problem in a submitted config, named by the JSON path of the field. */
export const ConfigIssueSchema = Type.Object(
  {
    path: Type.String({ description: 'JSON path of the field, e.g. "tunnels[2].auth.psk.value"; "" for the whole config.' }),
    message: Type.String(),
  },
  CLOSED,
);
export type ConfigIssue = Static<typeof ConfigIssueSchema>;
