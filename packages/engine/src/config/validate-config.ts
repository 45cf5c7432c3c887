/**
 * Whole-config validation: a submitted config (parsed file or API body) is
 * accepted as a whole or refused as a whole, with every problem named by
 * its JSON path at once — never only the first.
 *
 *   input ──> structure (TypeBox contract) ──> per-object normalisation
 *         ──> references (interfaces, tunnels, address book, services)
 *         ──> cross-object checks (tunnel order, endpoints)
 *         ──> { ok: true, config, warnings } | { ok: false, errors, warnings }
 *
 * An object whose structure is broken is left out of the later passes (its
 * name still counts for references), so one typo does not hide the other
 * problems nor cause a cascade of follow-up errors.
 */
import {
  ENGINE_DEFAULTS,
  GATEWAY_DEFAULTS,
  GatewayConfigInputSchema,
  PREDEFINED_ADDRESS_BOOK,
  PREDEFINED_SERVICES,
  ROUTE_DEFAULTS,
  ANY_INTERFACE,
  childPath,
  closestName,
  listSchemaIssues,
  type AddressBookEntry,
  type ConfigIssue,
  type EngineSettings,
  type GatewayConfig,
  type GatewayConfigInput,
  type InterfaceConfig,
  type IpRule,
  type RouteConfig,
  type ServiceConfig,
  type SimulatedHost,
  type TunnelConfig,
  parseTimeZone,
} from '@tunnelscope/api';
import { ConfigIssueCollector, describeBadAddress } from './config-issues.ts';
import { formatIpAddress, parseAddressWithOptionalPort, parseCidr, parseIpAddress } from './ip-address.ts';
import { buildAddressBookIndex, normaliseCidrText, normaliseNetworkReference } from './network-references.ts';
import { normaliseTunnel } from './normalise-tunnel.ts';
import { checkProposalWithIke, type ProposalChecker } from './proposal-check.ts';
import { findShadowedTunnels } from '../selection/shadowed-tunnels.ts';

export type ConfigValidationResult =
  | { readonly ok: true; readonly config: GatewayConfig; readonly warnings: ConfigIssue[] }
  | { readonly ok: false; readonly errors: ConfigIssue[]; readonly warnings: ConfigIssue[] };

export interface ValidateConfigOptions {
  /** Proposal checker; the IKE package's keyword parser unless a test injects one. */
  readonly checkProposal?: ProposalChecker;
}

type InputKey = keyof GatewayConfigInput;
type ItemOf<K extends InputKey> = NonNullable<GatewayConfigInput[K]> extends readonly (infer T)[] ? T : never;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `tcp/80`, `udp/500,4500`, `tcp/1024-65535`, `icmp`, `esp`, `all`: undefined if fine, else the problem. */
export function checkInlineService(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (['all', 'any', 'icmp', 'esp', 'tcp', 'udp'].includes(lower)) return undefined;
  const match = /^(tcp|udp)\/(.+)$/.exec(lower);
  if (match === null) return 'not a service name';
  for (const port of (match[2] ?? '').split(',')) {
    const problem = checkPortText(port.trim());
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** "80" or "1024-65535": undefined if fine, else the problem. */
export function checkPortText(text: string): string | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (match === null) return `"${text}" is not a port or port range`;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low > 65_535 || high > 65_535) return `"${text}": ports are 0-65535`;
  if (low > high) return `"${text}": range starts above its end`;
  return undefined;
}

export function validateConfig(input: unknown, options: ValidateConfigOptions = {}): ConfigValidationResult {
  const checkProposal = options.checkProposal ?? checkProposalWithIke;
  const issues = new ConfigIssueCollector();
  if (!isRecord(input)) {
    issues.error('', `the config must be an object, got ${Array.isArray(input) ? 'a list' : typeof input}`);
    return { ok: false, errors: issues.errors, warnings: issues.warnings };
  }
  const structural = listSchemaIssues(GatewayConfigInputSchema, input);
  for (const issue of structural) issues.error(issue.path, issue.message);
  const isBroken = (path: string) =>
    structural.some((issue) => issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`));

  const usableItems = <K extends InputKey>(key: K): { item: ItemOf<K>; path: string; index: number }[] => {
    const list = input[key];
    if (!Array.isArray(list)) return [];
    return list
      .map((item: unknown, index) => ({ item: item as ItemOf<K>, path: childPath(key, index), index }))
      .filter(({ path }) => !isBroken(path));
  };
  const writtenNames = (key: InputKey): string[] => {
    const list = input[key];
    if (!Array.isArray(list)) return [];
    return list.flatMap((item: unknown) => (isRecord(item) && typeof item.name === 'string' ? [item.name] : []));
  };

  // --- address book -------------------------------------------------------
  const predefinedNames = new Set<string>(PREDEFINED_ADDRESS_BOOK.map((entry) => entry.name));
  const addressBook: AddressBookEntry[] = [];
  const addressBookNames = new Set<string>();
  for (const { item, path } of usableItems('addressBook')) {
    if (predefinedNames.has(item.name)) issues.error(childPath(path, 'name'), `"${item.name}" is predefined`);
    else if (addressBookNames.has(item.name)) issues.error(childPath(path, 'name'), `duplicate address book name "${item.name}"`);
    addressBookNames.add(item.name);
    const networks = item.networks
      .map((text, index) => normaliseCidrText(text.trim(), childPath(childPath(path, 'networks'), index), issues))
      .filter((text): text is string => text !== undefined);
    addressBook.push({ name: item.name, networks });
  }
  const addressBookIndex = buildAddressBookIndex(addressBook);
  for (const name of writtenNames('addressBook')) if (!addressBookIndex.has(name)) addressBookIndex.set(name, []);

  // --- names of interfaces and tunnels: one namespace -----------------------
  const interfaceNames = new Set(writtenNames('interfaces'));
  const tunnelNames = new Set(writtenNames('tunnels'));
  const routable = new Set([...interfaceNames, ...tunnelNames]);

  // --- interfaces -----------------------------------------------------------
  const interfaces: InterfaceConfig[] = [];
  const seenInterfaces = new Set<string>();
  for (const { item, path } of usableItems('interfaces')) {
    const namePath = childPath(path, 'name');
    if (item.name === ANY_INTERFACE) issues.error(namePath, `"${ANY_INTERFACE}" is reserved (it means every interface in rules)`);
    else if (seenInterfaces.has(item.name)) issues.error(namePath, `duplicate interface name "${item.name}"`);
    seenInterfaces.add(item.name);
    const addresses = item.addresses.flatMap((text, index) => {
      const addressPath = childPath(childPath(path, 'addresses'), index);
      const trimmed = text.trim();
      if (!trimmed.includes('/')) {
        issues.error(addressPath, `"${trimmed}" needs a prefix length, e.g. "${trimmed}/24"`);
        return [];
      }
      const parsed = parseCidr(trimmed);
      if (parsed === undefined) {
        issues.error(addressPath, `"${trimmed}" is not an address with prefix length (172.22.53.18/24)`);
        return [];
      }
      return [`${formatIpAddress(parsed.writtenAddress)}/${parsed.network.prefixLength}`];
    });
    interfaces.push({ name: item.name, addresses, description: item.description ?? '' });
  }

  // --- services -------------------------------------------------------------
  const predefinedServices = new Set<string>(PREDEFINED_SERVICES.map((service) => service.name));
  const services: ServiceConfig[] = [];
  const serviceNames = new Set(predefinedServices);
  for (const { item, path } of usableItems('services')) {
    const namePath = childPath(path, 'name');
    if (predefinedServices.has(item.name)) issues.error(namePath, `"${item.name}" is predefined`);
    else if (serviceNames.has(item.name)) issues.error(namePath, `duplicate service name "${item.name}"`);
    serviceNames.add(item.name);
    const ports = (item.ports ?? []).map((port) => port.trim());
    if (ports.length > 0 && item.protocol !== 'tcp' && item.protocol !== 'udp') {
      issues.error(childPath(path, 'ports'), `ports apply to tcp and udp only, not ${item.protocol}`);
    }
    ports.forEach((port, index) => {
      const problem = checkPortText(port);
      if (problem !== undefined) issues.error(childPath(childPath(path, 'ports'), index), problem);
    });
    services.push({ name: item.name, protocol: item.protocol, ports });
  }
  for (const name of writtenNames('services')) serviceNames.add(name);

  const checkInterfaceReference = (name: string, path: string, allowAny: boolean) => {
    if (allowAny && name === ANY_INTERFACE) return;
    // Rules name `core` (the gateway itself) as in the seed's `Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP`.
    if (allowAny && name === 'core') return;
    if (routable.has(name)) return;
    const suggestion = closestName(name, [...routable]);
    issues.error(
      path,
      `unknown interface "${name}"; expected an interface or tunnel name${allowAny ? ' or "any"' : ''}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    );
  };

  // --- IP rules -------------------------------------------------------------
  const ipRules: IpRule[] = [];
  const ruleNames = new Set<string>();
  for (const { item, path } of usableItems('ipRules')) {
    const name = (item.name ?? '').trim();
    if (name !== '' && ruleNames.has(name)) issues.error(childPath(path, 'name'), `duplicate rule name "${name}"`);
    if (name !== '') ruleNames.add(name);
    checkInterfaceReference(item.sourceInterface, childPath(path, 'sourceInterface'), true);
    checkInterfaceReference(item.destinationInterface, childPath(path, 'destinationInterface'), true);
    const sourceNetwork = normaliseNetworkReference(item.sourceNetwork.trim(), childPath(path, 'sourceNetwork'), addressBookIndex, issues);
    const destinationNetwork = normaliseNetworkReference(
      item.destinationNetwork.trim(),
      childPath(path, 'destinationNetwork'),
      addressBookIndex,
      issues,
    );
    const service = item.service.trim();
    if (!serviceNames.has(service)) {
      const problem = checkInlineService(service);
      if (problem !== undefined) {
        const suggestion = closestName(service, [...serviceNames]);
        issues.error(
          childPath(path, 'service'),
          `unknown service "${service}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; expected a service name or tcp/<ports>, udp/<ports>, icmp, esp, all`,
        );
      }
    }
    ipRules.push({
      name,
      action: item.action,
      sourceInterface: item.sourceInterface,
      sourceNetwork: sourceNetwork ?? item.sourceNetwork,
      destinationInterface: item.destinationInterface,
      destinationNetwork: destinationNetwork ?? item.destinationNetwork,
      service,
    });
  }

  // --- routes ---------------------------------------------------------------
  const routes: RouteConfig[] = [];
  for (const { item, path } of usableItems('routes')) {
    const network = normaliseNetworkReference(item.network.trim(), childPath(path, 'network'), addressBookIndex, issues);
    checkInterfaceReference(item.interface, childPath(path, 'interface'), false);
    let gateway = (item.gateway ?? '').trim();
    if (gateway !== '') {
      const address = parseIpAddress(gateway);
      if (address === undefined) issues.error(childPath(path, 'gateway'), describeBadAddress(gateway));
      else gateway = formatIpAddress(address);
    }
    routes.push({
      network: network ?? item.network,
      interface: item.interface,
      gateway,
      metric: item.metric ?? ROUTE_DEFAULTS.metric,
    });
  }

  // --- simulated hosts (data plane) ------------------------------------------
  const hosts: SimulatedHost[] = [];
  const hostNames = new Set<string>();
  for (const { item, path } of usableItems('hosts')) {
    if (hostNames.has(item.name)) issues.error(childPath(path, 'name'), `duplicate host name "${item.name}"`);
    hostNames.add(item.name);
    if (!interfaceNames.has(item.interface)) {
      const suggestion = closestName(item.interface, [...interfaceNames]);
      issues.error(childPath(path, 'interface'), `unknown interface "${item.interface}"; a host sits behind a configured interface${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
    }
    const address = parseIpAddress(item.address.trim());
    if (address === undefined || address.family !== 4) {
      issues.error(childPath(path, 'address'), address === undefined ? describeBadAddress(item.address.trim()) : `"${item.address.trim()}": simulated hosts are IPv4`);
    }
    hosts.push({
      name: item.name,
      interface: item.interface,
      address: address === undefined ? item.address.trim() : formatIpAddress(address),
      services: item.services ?? ['icmp', 'udp'],
    });
  }

  // --- DNS, time zone -------------------------------------------------------
  const dnsServers: string[] = [];
  if (Array.isArray(input.dnsServers) && !isBroken('dnsServers')) {
    (input.dnsServers as string[]).forEach((text, index) => {
      // "address" or "address:port" (a lab DNS server on a high loopback port); IPv6 with a port as "[::1]:53".
      const server = parseAddressWithOptionalPort(text.trim());
      if (server === undefined) {
        issues.error(childPath('dnsServers', index), describeBadAddress(text.trim()));
      } else if (server.port === 0) {
        issues.error(childPath('dnsServers', index), `"${text.trim()}": port 0 is not a DNS server port`);
      } else if (server.port === undefined) dnsServers.push(server.address);
      else dnsServers.push(server.address.includes(':') ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`);
    });
  }
  let timeZone: string = GATEWAY_DEFAULTS.timeZone;
  if (typeof input.timeZone === 'string' && !isBroken('timeZone')) {
    const spec = parseTimeZone(input.timeZone);
    if (spec === undefined) {
      issues.error('timeZone', `"${input.timeZone}" is neither an IANA time zone (Europe/Stockholm) nor a UTC offset (UTC+01:00)`);
    } else {
      timeZone = spec.name;
    }
  }

  // --- engine settings --------------------------------------------------------
  const engine = normaliseEngineSettings(isBroken('engine') ? undefined : (input.engine as GatewayConfigInput['engine']), issues);

  // --- tunnels ----------------------------------------------------------------
  const tunnels: TunnelConfig[] = [];
  const seenTunnels = new Set<string>();
  for (const { item, path } of usableItems('tunnels')) {
    const namePath = childPath(path, 'name');
    if (seenTunnels.has(item.name)) issues.error(namePath, `duplicate tunnel name "${item.name}"`);
    else if (interfaceNames.has(item.name)) {
      issues.error(namePath, `tunnel name "${item.name}" is already an interface name (a tunnel is an interface)`);
    } else if (item.name === ANY_INTERFACE) {
      issues.error(namePath, `"${ANY_INTERFACE}" is reserved (it means every interface in rules)`);
    }
    seenTunnels.add(item.name);
    tunnels.push(normaliseTunnel(item, path, { addressBook: addressBookIndex, checkProposal, issues }));
  }
  const tunnelPaths = usableItems('tunnels').map(({ path }) => path);

  // Local endpoints: the gateway must own the address it negotiates from.
  const interfaceAddresses = new Set(interfaces.flatMap((entry) => entry.addresses.map((text) => text.split('/')[0])));
  tunnels.forEach((tunnel, position) => {
    const path = childPath(tunnelPaths[position] ?? 'tunnels', 'localEndpoint');
    if (parseIpAddress(tunnel.localEndpoint) === undefined) return;
    if (engine.listenAddresses.length > 0 && !engine.listenAddresses.includes(tunnel.localEndpoint)) {
      issues.error(path, `${tunnel.localEndpoint} is not among engine.listenAddresses`);
    } else if (interfaces.length > 0 && !interfaceAddresses.has(tunnel.localEndpoint)) {
      issues.warn(path, `${tunnel.localEndpoint} is not an address of any interface`);
    }
  });

  // Tunnel order: the seed's trap (13.6.1, 13.6.6 #2).
  for (const finding of findShadowedTunnels(tunnels)) {
    issues.warn(childPath(tunnelPaths[finding.shadowedIndex] ?? 'tunnels', 'name'), finding.message);
  }

  if (issues.errors.length > 0) return { ok: false, errors: issues.errors, warnings: issues.warnings };
  return {
    ok: true,
    config: { interfaces, addressBook, services, ipRules, routes, dnsServers, ...(hosts.length > 0 ? { hosts } : {}), timeZone, tunnels, engine },
    warnings: issues.warnings,
  };
}

function normaliseEngineSettings(input: GatewayConfigInput['engine'], issues: ConfigIssueCollector): EngineSettings {
  const engine: EngineSettings = {
    ikePort: input?.ikePort ?? ENGINE_DEFAULTS.ikePort,
    natTPort: input?.natTPort ?? ENGINE_DEFAULTS.natTPort,
    listenAddresses: [],
    halfOpenThreshold: input?.halfOpenThreshold ?? ENGINE_DEFAULTS.halfOpenThreshold,
    retransmit: { ...ENGINE_DEFAULTS.retransmit, ...input?.retransmit },
    snoop: { ...ENGINE_DEFAULTS.snoop, ...input?.snoop },
  };
  const certificateDirectory = input?.certificateDirectory?.trim() ?? '';
  if (certificateDirectory !== '') engine.certificateDirectory = certificateDirectory;
  if (engine.ikePort === engine.natTPort) issues.error('engine.natTPort', `must differ from engine.ikePort (${engine.ikePort})`);
  (input?.listenAddresses ?? []).forEach((text, index) => {
    const address = parseIpAddress(text.trim());
    if (address === undefined) issues.error(childPath('engine.listenAddresses', index), describeBadAddress(text.trim()));
    else engine.listenAddresses.push(formatIpAddress(address));
  });
  const peer = engine.snoop.peer.trim();
  engine.snoop.peer = peer;
  if (peer !== '' && parseAddressWithOptionalPort(peer) === undefined) {
    issues.error('engine.snoop.peer', `"${peer}" is not an address or address:port (10.0.0.1, 10.0.0.1:500, [2001:db8::1]:500)`);
  }
  return engine;
}
