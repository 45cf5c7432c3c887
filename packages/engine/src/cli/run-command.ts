/**
 * The CLI interpreter: a command line in, text out. Pure apart from the
 * data sources the caller hands in (counters, snoop control, certificate
 * cache, flow table, ping, packet trace). A command whose subsystem is not
 * wired in says so; it never prints made-up output.
 */
import type { IkeStatCounters, TraceRequest, TraceResult } from '@tunnelscope/api';
import { formatIkeStatTable } from '../stats/format-ike-stat-table.ts';
import { COMMAND_TABLE, findCommand, optionUsage, type CommandSpec } from './command-table.ts';
import { formatCertShowTable, type CertShowEntry } from './format-cert-show-table.ts';
import { flowFilterMatcher, formatFlowTable, type FlowTableEntry } from './format-flow-table.ts';
import { parseCommandLine, type FlowFilter, type ParsedCommand, type SnoopCommandMode } from './parse-command-line.ts';

export interface PingRequest {
  readonly address: string;
  readonly count: number;
  readonly sourceAddress?: string;
}

/** What the interpreter may read or drive; absent members mean "not in this build". */
export interface CliContext {
  /** The gateway's time zone for printed times; UTC if absent. */
  readonly timeZone?: string;
  readonly ikeStats?: () => IkeStatCounters;
  /** Same shape as the engine's SnoopFilter. */
  readonly snoop?: { setMode(mode: SnoopCommandMode, options: { peer?: string }): void };
  readonly certificates?: { list(): readonly CertShowEntry[]; flush(): number };
  /** `entries(filter)` lets the flow table filter itself (CIDR -srcip/-destip, no full copy); otherwise `list()` is filtered here. */
  readonly flows?: { list(): readonly FlowTableEntry[]; entries?(filter: FlowFilter): readonly FlowTableEntry[] };
  /** Runs the pings and returns their report text. */
  readonly ping?: (request: PingRequest) => Promise<string>;
  /** The data plane's packet trace (`DataPlane.trace`): reads the tables only, never sends. */
  trace?(request: TraceRequest): TraceResult;
}

export interface CommandResult {
  readonly ok: boolean;
  readonly output: string;
}

export const DEFAULT_PING_COUNT = 4;

const notAvailable = (what: string, subsystem: string): CommandResult => ({
  ok: false,
  output: `${what}: ${subsystem} is not available in this build`,
});

function commandHelp(spec: CommandSpec): string {
  const lines = [`${spec.synopsis}`, '', `  ${spec.description}`];
  const describe = (option: CommandSpec['options'][number]) => `${option.description}${option.required === true ? ' (required)' : ''}`;
  const usageWidth = (options: CommandSpec['options'], minimum: number) => Math.max(minimum, ...options.map((option) => optionUsage(option).length + 2));
  for (const action of spec.actions) {
    lines.push('', `  ${action.name}  ${action.description}`);
    const width = usageWidth(action.options, 22);
    for (const option of action.options) lines.push(`      ${optionUsage(option).padEnd(width)}${describe(option)}`);
  }
  const width = usageWidth(spec.options, 24);
  if (spec.options.length > 0) lines.push('');
  for (const option of spec.options) lines.push(`  ${optionUsage(option).padEnd(width)}${describe(option)}`);
  return lines.join('\n');
}

function helpText(topic: string | undefined): string {
  const spec = topic === undefined ? undefined : findCommand(topic);
  if (spec !== undefined) return commandHelp(spec);
  const width = Math.max(...COMMAND_TABLE.map((command) => command.name.length)) + 2;
  return [
    'Commands:',
    ...COMMAND_TABLE.map((command) => `  ${command.name.padEnd(width)}${command.description}`),
    '',
    'Type "help <command>" for its options.',
  ].join('\n');
}

async function execute(command: ParsedCommand, context: CliContext): Promise<CommandResult> {
  switch (command.kind) {
    case 'ike-stat':
      if (context.ikeStats === undefined) return notAvailable('ike -stat', 'the IKE statistics source');
      return { ok: true, output: formatIkeStatTable(context.ikeStats()) };
    case 'ike-snoop': {
      if (context.snoop === undefined) return notAvailable('ike -snoop', 'the IKE snoop control');
      context.snoop.setMode(command.mode, command.peer === undefined ? {} : { peer: command.peer });
      if (command.mode === 'off') return { ok: true, output: 'IKE snoop off' };
      return { ok: true, output: `IKE snoop ${command.mode} for ${command.peer === undefined ? 'all peers' : `peer ${command.peer}`}` };
    }
    case 'ike-certshow':
      if (context.certificates === undefined) return notAvailable('ike -certshow', 'the certificate cache');
      return {
        ok: true,
        output: formatCertShowTable(context.certificates.list(), {
          verbose: command.verbose,
          timeZone: context.timeZone ?? 'UTC',
        }),
      };
    case 'ike-certflush': {
      if (context.certificates === undefined) return notAvailable('ike -certflush', 'the certificate cache');
      const removed = context.certificates.flush();
      return { ok: true, output: `IKE certificate cache flushed (${removed} certificate${removed === 1 ? '' : 's'} removed)` };
    }
    case 'flow-show': {
      if (context.flows === undefined) return notAvailable('flow -show', 'the flow table');
      const source = context.flows;
      const flows = source.entries !== undefined ? source.entries(command.filter) : source.list().filter(flowFilterMatcher(command.filter));
      return { ok: true, output: formatFlowTable(flows, { verbose: command.verbose }) };
    }
    case 'ping': {
      if (context.ping === undefined) return notAvailable('ping', 'the ping service (ESP data plane)');
      const request: PingRequest = {
        address: command.address,
        count: command.count ?? DEFAULT_PING_COUNT,
        ...(command.sourceAddress === undefined ? {} : { sourceAddress: command.sourceAddress }),
      };
      return { ok: true, output: await context.ping(request) };
    }
    case 'trace': {
      if (context.trace === undefined) return notAvailable('trace', 'the packet trace (data plane)');
      const result = context.trace(command.request);
      // A drop is a finding, not a failure; an interface or address the data plane does not know is bad input.
      const badInput = result.dropReason === 'no_interface' || result.dropReason === 'bad_request';
      return { ok: !badInput, output: result.text };
    }
    case 'help':
      return { ok: true, output: helpText(command.topic) };
  }
}

/** Parses and runs one command line. Never throws: failures come back as `ok: false` text. */
export async function runCommand(line: string, context: CliContext): Promise<CommandResult> {
  const parsed = parseCommandLine(line);
  if (!parsed.ok) return { ok: false, output: parsed.error };
  if (parsed.command === null) return { ok: true, output: '' };
  try {
    return await execute(parsed.command, context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const commandName = line.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    // Data sources that already name the command ("ping: no route to 10.9.9.9") are printed as they are.
    if (message.startsWith(`${commandName}: `)) return { ok: false, output: message };
    return { ok: false, output: `${line.trim().split(/\s+/).slice(0, 2).join(' ')}: failed: ${message}` };
  }
}
