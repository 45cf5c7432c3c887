/**
 * Default values of the gateway configuration: the one place they live.
 * The TypeBox schemas in `gateway-config.ts` cite them as `default`
 * annotations (so OpenAPI shows them) and the engine's normaliser fills
 * omitted fields from them.
 */

export const PREDEFINED_ADDRESS_BOOK = [
  { name: 'all-nets-ip4', networks: ['0.0.0.0/0'] },
  { name: 'all-nets-ip6', networks: ['::/0'] },
] as const;

/** Interface name meaning "any interface" in IP rules. */
export const ANY_INTERFACE = 'any';

/**
 * Named services available without declaring them. A rule's `service` may
 * name one of these, a configured service, or be written inline
 * (`udp/500`, `tcp/80-443`, `icmp`, `all`).
 */
export const PREDEFINED_SERVICES = [
  { name: 'all_services', protocol: 'any', ports: [] },
  { name: 'ICMP', protocol: 'icmp', ports: [] },
  { name: 'http', protocol: 'tcp', ports: ['80'] },
  { name: 'https', protocol: 'tcp', ports: ['443'] },
  { name: 'ssh', protocol: 'tcp', ports: ['22'] },
  { name: 'dns', protocol: 'udp', ports: ['53'] },
  { name: 'ike', protocol: 'udp', ports: ['500', '4500'] },
  { name: 'syslog', protocol: 'udp', ports: ['514'] },
] as const;

export const TUNNEL_DEFAULTS = {
  enabled: true,
  /** 0: the peer listens on the same IKE port as we do (500 in production). */
  remotePort: 0,
  perHost: false,
  ikeLifetimeSeconds: 28_800,
  ipsecLifetimeSeconds: 3_600,
  /** 0 = no volume limit. */
  ipsecLifetimeKilobytes: 0,
  ikeVersion: 2,
  dpd: { enabled: true, intervalSeconds: 30, timeoutSeconds: 150 },
  keepAlive: { enabled: false, sourceAddress: '', destinationAddress: '' },
  responderPolicy: 'strict',
  crlChecking: false,
  xauth: 'off',
  xauthClient: false,
  xauthUsername: '',
  xauthPassword: '',
} as const;

export const ROUTE_DEFAULTS = {
  metric: 0,
} as const;

/**
 * strongSwan's retransmission defaults (charon.retransmit_timeout = 4 s,
 * retransmit_base = 1.8, retransmit_tries = 5).
 */
export const ENGINE_DEFAULTS = {
  ikePort: 500,
  natTPort: 4500,
  listenAddresses: [] as string[],
  halfOpenThreshold: 10,
  retransmit: { initialTimeoutMs: 4_000, backoff: 1.8, tries: 5 },
  snoop: { mode: 'off', peer: '' },
} as const;

export const GATEWAY_DEFAULTS = {
  timeZone: 'UTC',
  dnsServers: [] as string[],
} as const;
