/**
 * The CLI's commands as data (seed 13.6): the parser, the completer and
 * `help` all read this table; none of them knows a command by name.
 *
 * A command has at most one "action" option (`ike -stat`, `flow -show`);
 * an action has its own options, some of them mutually exclusive groups of
 * which exactly one is required (`-brief | -full | -off`). Options with a
 * value are written `-name=value`; options marked `required` must all be
 * given (`trace -srciface= -proto= -srcip= -destip=`).
 */

/** `address`: one IP address; `network`: an address or a CIDR network (`10.0.0.0/8`). */
export type OptionValueKind = 'interface' | 'protocol' | 'address' | 'network' | 'port' | 'count' | 'peer';

export interface OptionSpec {
  /** With the leading dash: "-verbose", "-destiface". */
  readonly name: string;
  /** Present for `-name=value` options. */
  readonly value?: OptionValueKind;
  readonly description: string;
  /** The command cannot run without it (`trace -srciface=`). */
  readonly required?: boolean;
}

export interface ActionSpec {
  /** "-stat" */
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Exactly one of these options must be given. */
  readonly requiresOneOf?: readonly string[];
}

export interface ArgumentSpec {
  readonly name: string;
  readonly required: boolean;
  readonly kind: 'address' | 'command';
}

export interface CommandSpec {
  readonly name: string;
  readonly synopsis: string;
  readonly description: string;
  /** Action options; exactly one must be given when non-empty. */
  readonly actions: readonly ActionSpec[];
  /** Options of a command without actions. */
  readonly options: readonly OptionSpec[];
  readonly argument?: ArgumentSpec;
}

export const VALUE_PLACEHOLDER: Readonly<Record<OptionValueKind, string>> = {
  interface: '<interface>',
  protocol: '<protocol>',
  address: '<address>',
  network: '<address>[/<prefix>]',
  port: '<port>',
  count: '<number>',
  peer: '<address>',
};

/** The API's PingRequest allows at most 100 echo requests; one is sent per second. */
export const MAX_PING_COUNT = 100;

/** Protocol names `-proto=` accepts (or an IP protocol number). */
export const PROTOCOL_NAMES: Readonly<Record<string, number>> = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  esp: 50,
  ah: 51,
  icmpv6: 58,
};

const flowFilterOptions: readonly OptionSpec[] = [
  { name: '-verbose', description: 'Show the reverse flow of each flow ("...rev:").' },
  { name: '-destiface', value: 'interface', description: 'Only flows to this interface or tunnel.' },
  { name: '-srciface', value: 'interface', description: 'Only flows from this interface or tunnel.' },
  { name: '-proto', value: 'protocol', description: 'Only flows of this protocol (esp, udp, tcp, icmp or a number).' },
  { name: '-srcip', value: 'network', description: 'Only flows from this address or CIDR network.' },
  { name: '-destip', value: 'network', description: 'Only flows to this address or CIDR network.' },
  { name: '-srcport', value: 'port', description: 'Only flows from this port.' },
  { name: '-destport', value: 'port', description: 'Only flows to this port.' },
];

export const COMMAND_TABLE: readonly CommandSpec[] = [
  {
    name: 'ike',
    synopsis: 'ike -stat | -snoop -brief|-full|-off [-peer=<address>] | -certshow [-verbose] | -certflush',
    description: 'IKE statistics, negotiation snooping and the certificate cache.',
    actions: [
      { name: '-stat', description: 'Show the IKE and IPsec SA counters.', options: [] },
      {
        name: '-snoop',
        description: 'Show IKE negotiations as they happen.',
        options: [
          { name: '-brief', description: 'One summary line per IKE message.' },
          { name: '-full', description: 'The summary plus the decoded payloads (proposals, identities, selectors).' },
          { name: '-off', description: 'Stop snooping.' },
          { name: '-peer', value: 'peer', description: 'Only messages exchanged with this peer address (or address:port).' },
        ],
        requiresOneOf: ['-brief', '-full', '-off'],
      },
      {
        name: '-certshow',
        description: 'Show the certificates in the IKE certificate cache.',
        options: [{ name: '-verbose', description: 'Also show issuer, validity and status.' }],
      },
      { name: '-certflush', description: 'Empty the IKE certificate cache.', options: [] },
    ],
    options: [],
  },
  {
    name: 'flow',
    synopsis: 'flow -show [-verbose] [-destiface=] [-srciface=] [-proto=] [-srcip=] [-destip=] [-srcport=] [-destport=]',
    description: 'Show the flow table (ESP flows show SPIs in hexadecimal where ports would be).',
    actions: [{ name: '-show', description: 'List flows, optionally filtered.', options: flowFilterOptions }],
    options: [],
  },
  {
    name: 'ping',
    synopsis: 'ping <address> [-count=<number>] [-srcip=<address>]',
    description: 'Send ICMP echo requests, e.g. through a tunnel to confirm it works.',
    actions: [],
    options: [
      { name: '-count', value: 'count', description: `Number of echo requests, 1-${MAX_PING_COUNT} (default 4).` },
      { name: '-srcip', value: 'address', description: 'Source address (e.g. inside a tunnel\'s local network).' },
    ],
    argument: { name: 'address', required: true, kind: 'address' },
  },
  {
    name: 'trace',
    synopsis: 'trace -srciface=<interface> -proto=<protocol> -srcip=<address> -destip=<address> [-srcport=<port>] [-destport=<port>]',
    description: 'Show which flow, route, rule, traffic selector and SA a packet would hit, or why it is dropped.',
    actions: [],
    options: [
      { name: '-srciface', value: 'interface', required: true, description: 'Where the packet arrives: an interface or tunnel name.' },
      { name: '-proto', value: 'protocol', required: true, description: 'icmp, udp, tcp, esp or a protocol number.' },
      { name: '-srcip', value: 'address', required: true, description: 'Source address of the packet.' },
      { name: '-destip', value: 'address', required: true, description: 'Destination address of the packet.' },
      { name: '-srcport', value: 'port', description: 'Source port (udp, tcp; for icmp the flow table\'s type<<8|code, default 2048 = echo request).' },
      { name: '-destport', value: 'port', description: 'Destination port (required for udp and tcp; for icmp the echo identifier).' },
    ],
  },
  {
    name: 'help',
    synopsis: 'help [<command>]',
    description: 'List the commands, or describe one.',
    actions: [],
    options: [],
    argument: { name: 'command', required: false, kind: 'command' },
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMAND_TABLE.find((command) => command.name === name.toLowerCase());
}

/** "-peer=<address>" for valued options, "-verbose" for flags. */
export function optionUsage(option: { readonly name: string; readonly value?: OptionValueKind }): string {
  return option.value === undefined ? option.name : `${option.name}=${VALUE_PLACEHOLDER[option.value]}`;
}
