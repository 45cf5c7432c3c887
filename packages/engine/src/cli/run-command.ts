/**
 * The CLI interpreter: a command line in, text out. Pure apart from the
 * data sources the caller hands in (counters, snoop control, certificate
 * cache, flow table, ping). A command whose subsystem is not wired in says
 * so; it never prints made-up output.
 */
import type { IkeStatCounters } from '@tunnelscope/api';
import { formatIkeStatTable } from '../stats/format-ike-stat-table.ts';
import { COMMAND_TABLE, findCommand, optionUsage, type CommandSpec } from './command-table.ts';
import { formatCertShowTable, type CertShowEntry } from './format-cert-show-table.ts';
import { formatFlowTable, matchesFlowFilter, type FlowTableEntry } from './format-flow-table.ts';
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
  for (const action of spec.actions) {
    lines.push('', `  ${action.name}  ${action.description}`);
    for (const option of action.options) lines.push(`      ${optionUsage(option).padEnd(22)}${option.description}`);
  }
  for (const option of spec.options) lines.push(`  ${optionUsage(option).padEnd(24)}${option.description}`);
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
      const flows = source.entries !== undefined ? source.entries(command.filter) : source.list().filter((flow) => matchesFlowFilter(flow, command.filter));
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
    return { ok: false, output: `${line.trim().split(/\s+/).slice(0, 2).join(' ')}: failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
