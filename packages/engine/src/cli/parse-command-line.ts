/**
 * Tokenizer and parser for the CLI (seed 13.6 commands), driven by
 * `COMMAND_TABLE`. Errors say what was wrong and what is allowed, and
 * name the option:
 *
 *   unknown option -foo for ike; expected one of -stat, -snoop, -certshow, -certflush
 *   -srcip=10.0.0.5/8: host bits are set; the network is 10.0.0.0/8
 */
import { closestName, type TraceRequest } from '@tunnelscope/api';
import { formatIpAddress, formatNetwork, parseAddressWithOptionalPort, parseCidr, parseIpAddress } from '../config/ip-address.ts';
import {
  COMMAND_TABLE,
  MAX_PING_COUNT,
  PROTOCOL_NAMES,
  findCommand,
  optionUsage,
  type ActionSpec,
  type CommandSpec,
  type OptionSpec,
  type OptionValueKind,
} from './command-table.ts';

export interface Token {
  readonly text: string;
  /** Offset of the token's first character in the line (its quote, if quoted). */
  readonly start: number;
  readonly end: number;
}

export type TokenizeResult = { readonly ok: true; readonly tokens: Token[] } | { readonly ok: false; readonly error: string };

/** Splits on blanks; "double" or 'single' quotes keep blanks inside a token. */
export function tokenizeCommandLine(line: string): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i] ?? '')) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    while (i < line.length && !/\s/.test(line[i] ?? '')) {
      const char = line[i] ?? '';
      if (char === '"' || char === "'") {
        const close = line.indexOf(char, i + 1);
        if (close < 0) return { ok: false, error: `unterminated ${char === '"' ? 'double' : 'single'} quote at column ${i + 1}` };
        text += line.slice(i + 1, close);
        i = close + 1;
      } else {
        text += char;
        i++;
      }
    }
    tokens.push({ text, start, end: i });
  }
  return { ok: true, tokens };
}

export interface FlowFilter {
  readonly destinationInterface?: string;
  readonly sourceInterface?: string;
  /** IP protocol number. */
  readonly protocol?: number;
  /** An address ("10.0.0.1") or a CIDR network with host bits clear ("10.0.0.0/8"). */
  readonly sourceAddress?: string;
  /** An address or a CIDR network, as `sourceAddress`. */
  readonly destinationAddress?: string;
  readonly sourcePort?: number;
  readonly destinationPort?: number;
}

export type SnoopCommandMode = 'brief' | 'full' | 'off';

export type ParsedCommand =
  | { readonly kind: 'ike-stat' }
  | { readonly kind: 'ike-snoop'; readonly mode: SnoopCommandMode; readonly peer?: string }
  | { readonly kind: 'ike-certshow'; readonly verbose: boolean }
  | { readonly kind: 'ike-certflush' }
  | { readonly kind: 'flow-show'; readonly verbose: boolean; readonly filter: FlowFilter }
  | { readonly kind: 'ping'; readonly address: string; readonly count?: number; readonly sourceAddress?: string }
  | { readonly kind: 'trace'; readonly request: TraceRequest }
  | { readonly kind: 'help'; readonly topic?: string };

export type ParseResult =
  | { readonly ok: true; /** null for an empty line. */ readonly command: ParsedCommand | null }
  | { readonly ok: false; readonly error: string };

type OptionValue = string | number | true;

function fail(error: string): ParseResult {
  return { ok: false, error };
}

function expectedList(options: readonly { name: string; value?: OptionValueKind }[]): string {
  return options.map((option) => optionUsage(option)).join(', ');
}

function suggestion(word: string, candidates: readonly string[]): string {
  const close = closestName(word, candidates);
  return close === undefined ? '' : ` (did you mean ${close}?)`;
}

/** The typed value of `-name=text`, or an error message. */
export function parseOptionValue(option: OptionSpec, text: string): OptionValue | { error: string } {
  const kind = option.value;
  if (kind === undefined) return true;
  const bad = (why: string) => ({ error: `${option.name}=${text}: ${why}` });
  switch (kind) {
    case 'interface':
      return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(text) ? text : bad('not an interface or tunnel name');
    case 'protocol': {
      const named = PROTOCOL_NAMES[text.toLowerCase()];
      if (named !== undefined) return named;
      if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return Number(text);
      return bad(`expected ${Object.keys(PROTOCOL_NAMES).join(', ')} or a protocol number 0-255`);
    }
    case 'address': {
      const address = parseIpAddress(text);
      return address === undefined ? bad(text.includes('/') ? 'takes one address, not a network' : 'not an IP address') : formatIpAddress(address);
    }
    case 'network': {
      const cidr = parseCidr(text);
      if (cidr === undefined) return bad('not an IP address or CIDR network (e.g. 10.0.0.0/8)');
      if (!text.includes('/')) return formatIpAddress(cidr.writtenAddress);
      if (cidr.hostBitsSet) return bad(`host bits are set; the network is ${formatNetwork(cidr.network)}`);
      return formatNetwork(cidr.network);
    }
    case 'port':
      return /^\d{1,5}$/.test(text) && Number(text) <= 65_535 ? Number(text) : bad('a port is 0-65535');
    case 'count':
      return /^\d{1,4}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_PING_COUNT ? Number(text) : bad(`a count is 1-${MAX_PING_COUNT}`);
    case 'peer': {
      const peer = parseAddressWithOptionalPort(text);
      if (peer === undefined) return bad('not an address or address:port');
      return peer.port === undefined ? peer.address : `${peer.address}:${peer.port}`;
    }
  }
}

interface GenericParse {
  readonly spec: CommandSpec;
  readonly action: ActionSpec | undefined;
  readonly values: ReadonlyMap<string, OptionValue>;
  readonly argument: string | undefined;
}

function parseGeneric(tokens: readonly Token[]): GenericParse | { error: string } {
  const [first, ...rest] = tokens;
  if (first === undefined) return { error: 'empty command' };
  const spec = findCommand(first.text);
  const commandNames = COMMAND_TABLE.map((command) => command.name);
  if (spec === undefined) {
    return { error: `unknown command "${first.text}"${suggestion(first.text, commandNames)}; expected one of ${commandNames.join(', ')}` };
  }
  const optionTokens = rest.filter((token) => token.text.startsWith('-') && token.text.length > 1);
  const argumentTokens = rest.filter((token) => !(token.text.startsWith('-') && token.text.length > 1));
  const nameOf = (token: Token) => token.text.split('=')[0]?.toLowerCase() ?? '';

  let action: ActionSpec | undefined;
  let allowed: readonly OptionSpec[] = spec.options;
  let scope = spec.name;
  if (spec.actions.length > 0) {
    const given = optionTokens.filter((token) => spec.actions.some((candidate) => candidate.name === nameOf(token)));
    if (given.length === 0) {
      const unknown = optionTokens[0];
      if (unknown !== undefined && !spec.actions.some((candidate) => candidate.options.some((option) => option.name === nameOf(unknown)))) {
        return {
          error: `unknown option ${nameOf(unknown)} for ${spec.name}${suggestion(nameOf(unknown), spec.actions.map((a) => a.name))}; expected one of ${expectedList(spec.actions)}`,
        };
      }
      return { error: `${spec.name} needs one of ${expectedList(spec.actions)}` };
    }
    if (given.length > 1) {
      return { error: `${given.map(nameOf).join(' and ')} cannot be combined; ${spec.name} takes one of ${expectedList(spec.actions)}` };
    }
    action = spec.actions.find((candidate) => candidate.name === nameOf(given[0] as Token));
    allowed = action?.options ?? [];
    scope = `${spec.name} ${action?.name ?? ''}`;
  }

  const values = new Map<string, OptionValue>();
  for (const token of optionTokens) {
    const name = nameOf(token);
    if (action !== undefined && name === action.name) {
      if (token.text.includes('=')) return { error: `${name} takes no value` };
      continue;
    }
    const option = allowed.find((candidate) => candidate.name === name);
    if (option === undefined) {
      if (allowed.length === 0) return { error: `${scope} takes no options; got ${name}` };
      return {
        error: `unknown option ${name} for ${scope}${suggestion(name, allowed.map((o) => o.name))}; expected one of ${expectedList(allowed)}`,
      };
    }
    if (values.has(option.name)) return { error: `${option.name} given twice` };
    const equals = token.text.indexOf('=');
    if (option.value === undefined) {
      if (equals >= 0) return { error: `${option.name} takes no value` };
      values.set(option.name, true);
      continue;
    }
    const text = equals < 0 ? '' : token.text.slice(equals + 1);
    if (text === '') return { error: `${option.name} needs a value: ${optionUsage(option)}` };
    const value = parseOptionValue(option, text);
    if (typeof value === 'object') return { error: value.error };
    values.set(option.name, value);
  }

  const missing = allowed.filter((option) => option.required === true && !values.has(option.name));
  if (missing.length > 0) return { error: `${scope} needs ${missing.map((option) => optionUsage(option)).join(', ')}` };

  const required = action?.requiresOneOf;
  if (required !== undefined) {
    const chosen = required.filter((name) => values.has(name));
    if (chosen.length === 0) return { error: `${scope} needs one of ${required.join(', ')}` };
    if (chosen.length > 1) return { error: `${chosen.join(' and ')} cannot be combined` };
  }

  if (argumentTokens.length > (spec.argument === undefined ? 0 : 1)) {
    const extra = argumentTokens[spec.argument === undefined ? 0 : 1];
    return { error: `unexpected argument "${extra?.text ?? ''}" for ${scope}` };
  }
  const argument = argumentTokens[0]?.text;
  if (spec.argument?.required === true && argument === undefined) return { error: `${spec.name} needs <${spec.argument.name}>` };
  return { spec, action, values, argument };
}

/** Parses one command line against the command table. */
export function parseCommandLine(line: string): ParseResult {
  const tokenized = tokenizeCommandLine(line);
  if (!tokenized.ok) return fail(tokenized.error);
  if (tokenized.tokens.length === 0) return { ok: true, command: null };
  const parsed = parseGeneric(tokenized.tokens);
  if ('error' in parsed) return fail(parsed.error);
  const { spec, action, values, argument } = parsed;
  const flag = (name: string) => values.get(name) === true;
  const text = (name: string) => {
    const value = values.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const number = (name: string) => {
    const value = values.get(name);
    return typeof value === 'number' ? value : undefined;
  };
  switch (`${spec.name} ${action?.name ?? ''}`.trim()) {
    case 'ike -stat':
      return { ok: true, command: { kind: 'ike-stat' } };
    case 'ike -snoop': {
      const mode: SnoopCommandMode = flag('-brief') ? 'brief' : flag('-full') ? 'full' : 'off';
      const peer = text('-peer');
      return { ok: true, command: peer === undefined ? { kind: 'ike-snoop', mode } : { kind: 'ike-snoop', mode, peer } };
    }
    case 'ike -certshow':
      return { ok: true, command: { kind: 'ike-certshow', verbose: flag('-verbose') } };
    case 'ike -certflush':
      return { ok: true, command: { kind: 'ike-certflush' } };
    case 'flow -show': {
      const filter: Record<string, string | number> = {};
      const set = (key: keyof FlowFilter, value: string | number | undefined) => {
        if (value !== undefined) filter[key] = value;
      };
      set('destinationInterface', text('-destiface'));
      set('sourceInterface', text('-srciface'));
      set('protocol', number('-proto'));
      set('sourceAddress', text('-srcip'));
      set('destinationAddress', text('-destip'));
      set('sourcePort', number('-srcport'));
      set('destinationPort', number('-destport'));
      return { ok: true, command: { kind: 'flow-show', verbose: flag('-verbose'), filter: filter as FlowFilter } };
    }
    case 'ping': {
      const address = parseIpAddress(argument ?? '');
      if (address === undefined) return fail(`ping: "${argument ?? ''}" is not an IP address`);
      const count = number('-count');
      const sourceAddress = text('-srcip');
      return {
        ok: true,
        command: {
          kind: 'ping',
          address: formatIpAddress(address),
          ...(count === undefined ? {} : { count }),
          ...(sourceAddress === undefined ? {} : { sourceAddress }),
        },
      };
    }
    case 'trace':
      return parseTrace(text, number);
    case 'help': {
      if (argument !== undefined && findCommand(argument) === undefined) {
        const names = COMMAND_TABLE.map((command) => command.name);
        return fail(`help: unknown command "${argument}"${suggestion(argument, names)}; expected one of ${names.join(', ')}`);
      }
      return { ok: true, command: argument === undefined ? { kind: 'help' } : { kind: 'help', topic: argument.toLowerCase() } };
    }
    default:
      return fail(`${spec.name}: no interpreter for this form`);
  }
}

const PROTOCOL_NAME_BY_NUMBER = new Map(Object.entries(PROTOCOL_NAMES).map(([name, value]) => [value, name]));
/** TCP and UDP: their IP rules' services match on the destination port, so trace needs one. */
const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17]);
/** ICMP's "ports" are the flow table's: type<<8|code as source, the echo identifier as destination (seed 13.6.3). */
const ICMP = 1;

/**
 * `trace`: the parser has checked that the four required options are
 * present and typed; here the 5-tuple is checked as a whole: IPv4 only
 * (the data plane's family), ports only for udp, tcp and icmp, and a
 * destination port for udp and tcp.
 */
function parseTrace(text: (name: string) => string | undefined, number: (name: string) => number | undefined): ParseResult {
  const sourceInterface = text('-srciface') ?? '';
  const protocol = number('-proto') ?? 0;
  const source = text('-srcip') ?? '';
  const destination = text('-destip') ?? '';
  for (const [name, address] of [['-srcip', source], ['-destip', destination]] as const) {
    if (address.includes(':')) return fail(`${name}=${address}: trace takes an IPv4 address (the data plane is IPv4)`);
  }
  const sourcePort = number('-srcport');
  const destinationPort = number('-destport');
  const protocolText = PROTOCOL_NAME_BY_NUMBER.get(protocol) ?? String(protocol);
  if (PORT_PROTOCOLS.has(protocol)) {
    if (destinationPort === undefined) return fail(`trace -proto=${protocolText} needs -destport=<port>`);
  } else if (protocol !== ICMP) {
    const given = sourcePort !== undefined ? '-srcport' : destinationPort !== undefined ? '-destport' : undefined;
    if (given !== undefined) return fail(`${given} applies to -proto=udp, tcp or icmp only, not -proto=${protocolText}`);
  }
  return {
    ok: true,
    command: {
      kind: 'trace',
      request: {
        sourceInterface,
        protocol: protocolText,
        source,
        destination,
        ...(sourcePort === undefined ? {} : { sourcePort }),
        ...(destinationPort === undefined ? {} : { destinationPort }),
      },
    },
  };
}
