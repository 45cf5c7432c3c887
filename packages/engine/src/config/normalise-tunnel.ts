/**
 * Validation and normalisation of one IPsec tunnel of the input config:
 * defaults filled in, addresses and networks canonical, identities derived
 * from the endpoints when omitted, `dhGroup`/`pfs` shorthands folded into
 * the proposals (the proposals are the one truth about key exchange), and
 * every problem reported against the field's JSON path.
 */
import {
  TUNNEL_DEFAULTS,
  childPath,
  type TunnelAuth,
  type TunnelConfig,
  type TunnelIdentity,
  type TunnelInput,
} from '@tunnelscope/api';
import { describeBadAddress, type ConfigIssueCollector } from './config-issues.ts';
import {
  formatIpAddress,
  networkContainsAddress,
  parseIpAddress,
  type IpFamily,
} from './ip-address.ts';
import { normaliseNetworkReference, resolveNetworkReference, type AddressBookIndex } from './network-references.ts';
import { normaliseRoamingFields } from './normalise-roaming.ts';
import type { ProposalChecker, ProposalKind } from './proposal-check.ts';

export interface TunnelNormalisationContext {
  readonly addressBook: AddressBookIndex;
  readonly checkProposal: ProposalChecker;
  readonly issues: ConfigIssueCollector;
}

/** The fields of a secret as submitted: a value or the keep-it marker. */
function secretText(value: string | { set: boolean }, path: string, issues: ConfigIssueCollector): string {
  if (typeof value === 'string') return value;
  issues.error(
    path,
    value.set
      ? 'secret marker { set: true } without a stored value to keep (new tunnel or renamed one?); send the value itself'
      : 'secret marker { set: false }: send the value itself',
  );
  return '';
}

function validatePsk(auth: TunnelAuth & { method: 'psk' }, path: string, issues: ConfigIssueCollector): void {
  const valuePath = childPath(childPath(path, 'psk'), 'value');
  const value = auth.psk.value;
  if (value === '') {
    issues.error(valuePath, 'pre-shared key must not be empty');
    return;
  }
  if (auth.psk.type === 'hex') {
    const bad = /[^0-9a-fA-F]/.exec(value);
    if (bad !== null) {
      issues.error(valuePath, `hex key contains "${bad[0]}" at position ${bad.index + 1}; only 0-9 and a-f are allowed`);
    } else if (value.length % 2 === 1) {
      issues.error(valuePath, `hex key has odd length (${value.length} hex digits)`);
    }
  } else if (/^(0x)?[0-9a-fA-F]{16,}$/.test(value)) {
    issues.warn(
      valuePath,
      'passphrase looks like a hex key; if the peer has it as Hex, the keys differ (seed 13.6.6: payload malformed / incorrect pre-shared key)',
    );
  }
}

/** Canonical identity value for its type, or an error. */
export function validateIdentityValue(identity: TunnelIdentity, path: string, issues: ConfigIssueCollector): string {
  const valuePath = childPath(path, 'value');
  const value = identity.value.trim();
  switch (identity.type) {
    case 'any':
      if (value !== '') issues.error(valuePath, 'an "any" identity has no value');
      return '';
    case 'ipv4':
    case 'ipv6': {
      const address = parseIpAddress(value);
      if (address === undefined || `ipv${address.family}` !== identity.type) {
        issues.error(valuePath, identity.type === 'ipv4' ? `"${value}" is not an IPv4 address` : `"${value}" is not an IPv6 address`);
        return value;
      }
      return formatIpAddress(address);
    }
    case 'fqdn':
      if (value === '' || /\s/.test(value)) issues.error(valuePath, `"${value}" is not a domain name`);
      else if (value.indexOf('*') > 0) issues.error(valuePath, `"${value}": "*" is only allowed as the first character`);
      return value;
    case 'email':
      if (value !== '*' && !/^\*?[^\s*@]*@[^\s*@]+$/.test(value)) {
        issues.error(valuePath, `"${value}" is not an e-mail identity (user@example.com, *@example.com)`);
      }
      return value;
    case 'keyid':
      if (!/^([0-9a-fA-F]{2})+$/.test(value)) {
        issues.error(valuePath, `"${value}" is not a key id: write it as an even number of hex digits`);
        return value;
      }
      return value.toLowerCase();
    case 'dn':
      if (!/^\s*[A-Za-z][\w.]*\s*=/.test(value) || value.split(/[,/]/).some((part) => part.trim() !== '' && !part.includes('='))) {
        issues.error(valuePath, `"${value}" is not a distinguished name (C=SE, O=Example, CN=gw)`);
      }
      return value;
  }
}

interface FoldedProposals {
  readonly proposals: string[];
}

/**
 * Checks each proposal and folds the `dhGroup` (IKE) or `pfs` (ESP)
 * shorthand into proposals that name no group.
 */
function foldProposals(
  written: readonly string[],
  kind: ProposalKind,
  shorthand: string | undefined,
  listPath: string,
  shorthandPath: string,
  context: TunnelNormalisationContext,
): FoldedProposals {
  const { issues, checkProposal } = context;
  const group = shorthand?.trim();
  const noPfs = kind === 'esp' && group === 'none';
  const label = kind === 'ike' ? 'IKE' : 'IPsec';
  const proposals: string[] = [];
  let shorthandUsed = false;
  let shorthandBroken = false;
  const seen = new Map<string, number>();
  written.forEach((raw, index) => {
    const path = childPath(listPath, index);
    const text = raw.trim().toLowerCase();
    if (text === '') {
      issues.error(path, 'proposal must not be empty');
      return;
    }
    const first = seen.get(text);
    if (first !== undefined) issues.warn(path, `duplicate of ${listPath}[${first}] "${text}"`);
    else seen.set(text, index);
    const checked = checkProposal(text, kind);
    const appendable = group !== undefined && group !== '' && !noPfs;
    if (checked.ok && checked.keyExchangeGroups > 0) {
      if (noPfs) issues.error(path, `"${text}" names a PFS group but ${shorthandPath} is "none"; remove one of them`);
      for (const warning of checked.warnings) issues.warn(path, warning);
      proposals.push(text);
      return;
    }
    const lacksGroup = checked.ok || checked.missingKeyExchange;
    if (lacksGroup && appendable) {
      const extended = `${text}-${group.toLowerCase()}`;
      const again = checkProposal(extended, kind);
      shorthandUsed = true;
      if (again.ok && again.keyExchangeGroups > 0) {
        for (const warning of again.warnings) issues.warn(path, warning);
        proposals.push(extended);
      } else if (!again.ok && !shorthandBroken) {
        shorthandBroken = true;
        issues.error(shorthandPath, `"${group}" cannot be added to proposals: ${again.message}`);
      }
      return;
    }
    if (!checked.ok) {
      issues.error(
        path,
        checked.missingKeyExchange && kind === 'ike'
          ? `"${text}" names no DH group; add one (e.g. "${text}-modp2048") or set ${shorthandPath}`
          : checked.message,
      );
      return;
    }
    for (const warning of checked.warnings) issues.warn(path, warning);
    proposals.push(text);
  });
  if (group !== undefined && !noPfs && !shorthandUsed && proposals.length === written.length && written.length > 0) {
    issues.error(
      shorthandPath,
      `every ${label} proposal already names its group; remove ${shorthandPath.split('.').pop()} (the proposals are the one truth about key exchange)`,
    );
  }
  return { proposals };
}

function endpointFamily(
  text: string,
  path: string,
  allowNone: boolean,
  issues: ConfigIssueCollector,
): { canonical: string; family: IpFamily | undefined } {
  const trimmed = text.trim();
  if (allowNone && trimmed.toLowerCase() === 'none') return { canonical: 'none', family: undefined };
  const address = parseIpAddress(trimmed);
  if (address === undefined) {
    issues.error(path, allowNone ? `${describeBadAddress(trimmed)} (or "none" for roaming peers)` : describeBadAddress(trimmed));
    return { canonical: trimmed, family: undefined };
  }
  return { canonical: formatIpAddress(address), family: address.family };
}

function identityForEndpoint(canonical: string, family: IpFamily | undefined): TunnelIdentity {
  if (family === undefined) return { type: 'any', value: '' };
  return { type: family === 4 ? 'ipv4' : 'ipv6', value: canonical };
}

/** Normalises one structurally valid tunnel; problems go to `context.issues`. */
export function normaliseTunnel(input: TunnelInput, path: string, context: TunnelNormalisationContext): TunnelConfig {
  const { issues, addressBook } = context;
  const at = (key: string) => childPath(path, key);

  const normaliseNetworks = (key: 'localNetworks' | 'remoteNetworks') =>
    input[key]
      .map((text, index) => normaliseNetworkReference(text.trim(), childPath(at(key), index), addressBook, issues))
      .filter((text): text is string => text !== undefined);
  const localNetworks = normaliseNetworks('localNetworks');
  const remoteNetworks = normaliseNetworks('remoteNetworks');
  const localResolved = localNetworks.flatMap((reference) => resolveNetworkReference(reference, addressBook));
  const remoteResolved = remoteNetworks.flatMap((reference) => resolveNetworkReference(reference, addressBook));
  if (localNetworks.length === input.localNetworks.length && remoteNetworks.length === input.remoteNetworks.length) {
    const localFamilies = new Set(localResolved.map((network) => network.family));
    const remoteFamilies = new Set(remoteResolved.map((network) => network.family));
    for (const family of localFamilies) {
      if (!remoteFamilies.has(family)) {
        issues.error(at('remoteNetworks'), `no IPv${family} network to pair with the IPv${family} local networks`);
      }
    }
    for (const family of remoteFamilies) {
      if (!localFamilies.has(family)) {
        issues.error(at('localNetworks'), `no IPv${family} network to pair with the IPv${family} remote networks`);
      }
    }
  }

  const local = endpointFamily(input.localEndpoint, at('localEndpoint'), false, issues);
  const remote = endpointFamily(input.remoteEndpoint, at('remoteEndpoint'), true, issues);
  if (local.family !== undefined && remote.family !== undefined && local.family !== remote.family) {
    issues.error(at('remoteEndpoint'), `IPv${remote.family} remote endpoint with an IPv${local.family} local endpoint`);
  }

  // Identities default to the endpoint addresses (strongSwan's default); a bad endpoint is reported once, above.
  const localIdInput = input.localId ?? identityForEndpoint(local.canonical, local.family);
  const remoteIdInput = input.remoteId ?? identityForEndpoint(remote.canonical, remote.family);
  const localId: TunnelIdentity = { type: localIdInput.type, value: localIdInput.value ?? '' };
  const remoteId: TunnelIdentity = { type: remoteIdInput.type, value: remoteIdInput.value ?? '' };
  if (input.localId !== undefined || local.family !== undefined) {
    if (localId.type === 'any') issues.error(childPath(at('localId'), 'type'), 'the local identity cannot be "any"');
    localId.value = validateIdentityValue(localId, at('localId'), issues);
  }
  if (input.remoteId !== undefined) remoteId.value = validateIdentityValue(remoteId, at('remoteId'), issues);

  let auth: TunnelAuth;
  if (input.auth.method === 'psk') {
    const value = secretText(input.auth.psk.value, childPath(childPath(at('auth'), 'psk'), 'value'), issues);
    auth = { method: 'psk', psk: { type: input.auth.psk.type, value } };
    if (typeof input.auth.psk.value === 'string') validatePsk(auth, at('auth'), issues);
  } else {
    auth = {
      method: 'certificate',
      certificate: input.auth.certificate.trim(),
      rootCertificates: input.auth.rootCertificates.map((name) => name.trim()),
    };
  }

  const ikeProposals = foldProposals(input.ikeProposals, 'ike', input.dhGroup, at('ikeProposals'), at('dhGroup'), context).proposals;
  const ipsecProposals = foldProposals(input.ipsecProposals, 'esp', input.pfs, at('ipsecProposals'), at('pfs'), context).proposals;

  const ikeVersion = input.ikeVersion ?? TUNNEL_DEFAULTS.ikeVersion;
  if (ikeVersion === 1) {
    issues.warn(at('ikeVersion'), 'IKEv1 is accepted in the config but this build negotiates IKEv2 only; the tunnel will not come up');
  }

  const dpd = { ...TUNNEL_DEFAULTS.dpd, ...input.dpd };
  if (dpd.enabled && dpd.timeoutSeconds < dpd.intervalSeconds) {
    issues.warn(childPath(at('dpd'), 'timeoutSeconds'), `shorter than intervalSeconds (${dpd.intervalSeconds}); the peer is declared dead before the first check`);
  }

  const keepAliveInput = { ...TUNNEL_DEFAULTS.keepAlive, ...input.keepAlive };
  const keepAlive: TunnelConfig['keepAlive'] = {
    enabled: keepAliveInput.enabled,
    sourceAddress: '',
    destinationAddress: '',
    ...(keepAliveInput.intervalSeconds === undefined ? {} : { intervalSeconds: keepAliveInput.intervalSeconds }),
    ...(keepAliveInput.renegotiateAfterLost === undefined ? {} : { renegotiateAfterLost: keepAliveInput.renegotiateAfterLost }),
  };
  const keepAliveAddress = (key: 'sourceAddress' | 'destinationAddress', networks: typeof localResolved, side: string) => {
    const text = keepAliveInput[key].trim();
    const path = childPath(at('keepAlive'), key);
    if (text === '') {
      if (keepAlive.enabled) issues.error(path, `is required when keep-alive is enabled (an address inside the ${side} networks)`);
      return '';
    }
    const address = parseIpAddress(text);
    if (address === undefined) {
      issues.error(path, describeBadAddress(text));
      return text;
    }
    if (networks.length > 0 && !networks.some((network) => networkContainsAddress(network, address))) {
      issues.error(path, `${formatIpAddress(address)} is not inside the ${side} networks; keep-alive pings travel through the tunnel`);
    }
    return formatIpAddress(address);
  };
  keepAlive.sourceAddress = keepAliveAddress('sourceAddress', localResolved, 'local');
  keepAlive.destinationAddress = keepAliveAddress('destinationAddress', remoteResolved, 'remote');
  if (keepAlive.enabled && (keepAlive.renegotiateAfterLost ?? 0) > 0 && remote.canonical === 'none') {
    issues.error(
      childPath(at('keepAlive'), 'renegotiateAfterLost'),
      'needs a remote endpoint: a roaming tunnel ("none") cannot be negotiated again from this side; set it to 0 (report only)',
    );
  }

  const xauth = input.xauth ?? TUNNEL_DEFAULTS.xauth;
  if (xauth !== 'off') {
    if (ikeVersion === 2) issues.warn(at('xauth'), 'XAuth is an IKEv1 feature; it is ignored for IKEv2 tunnels');
    if (xauth === 'XAuthPSK' && auth.method !== 'psk') issues.error(at('xauth'), 'XAuthPSK needs pre-shared key authentication');
    if (xauth === 'XAuthCert' && auth.method !== 'certificate') issues.error(at('xauth'), 'XAuthCert needs certificate authentication');
  }
  const xauthPassword =
    input.xauthPassword === undefined ? TUNNEL_DEFAULTS.xauthPassword : secretText(input.xauthPassword, at('xauthPassword'), issues);

  return {
    name: input.name,
    enabled: input.enabled ?? TUNNEL_DEFAULTS.enabled,
    remotePort: input.remotePort ?? TUNNEL_DEFAULTS.remotePort,
    localNetworks,
    remoteNetworks,
    perHost: input.perHost ?? TUNNEL_DEFAULTS.perHost,
    localEndpoint: local.canonical,
    remoteEndpoint: remote.canonical,
    localId,
    remoteId,
    auth,
    ikeProposals,
    ipsecProposals,
    ikeLifetimeSeconds: input.ikeLifetimeSeconds ?? TUNNEL_DEFAULTS.ikeLifetimeSeconds,
    ipsecLifetimeSeconds: input.ipsecLifetimeSeconds ?? TUNNEL_DEFAULTS.ipsecLifetimeSeconds,
    ipsecLifetimeKilobytes: input.ipsecLifetimeKilobytes ?? TUNNEL_DEFAULTS.ipsecLifetimeKilobytes,
    ikeVersion,
    dpd,
    keepAlive,
    responderPolicy: input.responderPolicy ?? TUNNEL_DEFAULTS.responderPolicy,
    crlChecking: input.crlChecking ?? TUNNEL_DEFAULTS.crlChecking,
    xauth,
    xauthClient: input.xauthClient ?? TUNNEL_DEFAULTS.xauthClient,
    xauthUsername: input.xauthUsername ?? TUNNEL_DEFAULTS.xauthUsername,
    xauthPassword,
    ...normaliseRoamingFields(input, path, { addressBook, issues, remoteNetworks: remoteResolved, roaming: remote.canonical === 'none' }),
  };
}
