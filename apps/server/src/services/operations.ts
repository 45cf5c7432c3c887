/**
 * Operator actions on the engine, each audited: tunnel initiate, SA rekey and
 * delete, snoop mode, CLI commands, PSK tests. Read-only CLI commands are
 * open to viewers; every other command needs the operator role.
 */
import type { ActionResponse, CliResponse, UserRole, SnoopSettings, TestPskResponse } from '../contract.ts';
import { forbidden } from '../errors.ts';
import type { GatewayPort } from '../plugins/app/gateway-port.ts';
import { roleAtLeast, type Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import type { SecretGuard } from './secret-guard.ts';

/** Commands (by leading words) that only read state. Anything else changes something. */
const READ_ONLY_COMMANDS: ReadonlyArray<readonly string[]> = [['ike', '-stat'], ['ike', '-certshow'], ['flow', '-show'], ['help']];
const MUTATING_FLAGS = new Set(['-certflush', '-snoop', '-flush', '-delete', '-kill', '-reset', '-initiate', '-rekey']);

export function commandRole(line: string): UserRole {
  const words = line.trim().split(/\s+/);
  const readOnly =
    READ_ONLY_COMMANDS.some((prefix) => prefix.every((w, i) => words[i] === w)) && !words.some((w) => MUTATING_FLAGS.has(w.split('=')[0]!));
  return readOnly ? 'viewer' : 'operator';
}

export class Operations {
  constructor(
    private readonly gateway: GatewayPort,
    private readonly audit: AuditLog,
    private readonly guard: SecretGuard,
  ) {}

  async initiate(actor: Actor, tunnel: string): Promise<ActionResponse> {
    const message = await this.gateway.initiate(tunnel);
    this.audit.record(actor, 'tunnel.initiate', `tunnel:${tunnel}`);
    return { accepted: true, message };
  }

  async rekeyIkeSa(actor: Actor, id: string): Promise<ActionResponse> {
    const message = await this.gateway.rekeyIkeSa(id);
    this.audit.record(actor, 'ike_sa.rekey', `ike_sa:${id}`);
    return { accepted: true, message };
  }

  async deleteIkeSa(actor: Actor, id: string): Promise<ActionResponse> {
    const message = await this.gateway.deleteIkeSa(id);
    this.audit.record(actor, 'ike_sa.delete', `ike_sa:${id}`);
    return { accepted: true, message };
  }

  async rekeyChildSa(actor: Actor, id: string): Promise<ActionResponse> {
    const message = await this.gateway.rekeyChildSa(id);
    this.audit.record(actor, 'child_sa.rekey', `child_sa:${id}`);
    return { accepted: true, message };
  }

  async deleteChildSa(actor: Actor, id: string): Promise<ActionResponse> {
    const message = await this.gateway.deleteChildSa(id);
    this.audit.record(actor, 'child_sa.delete', `child_sa:${id}`);
    return { accepted: true, message };
  }

  snoopMode(): SnoopSettings {
    return this.gateway.getSnoopMode();
  }

  setSnoopMode(actor: Actor, mode: SnoopSettings): SnoopSettings {
    this.gateway.setSnoopMode(mode);
    this.audit.record(actor, 'snoop.mode', 'snoop', { mode: mode.mode, peer: mode.peer ?? null });
    return this.gateway.getSnoopMode();
  }

  async runCommand(actor: Actor, command: string): Promise<CliResponse> {
    const needed = commandRole(command);
    if (!roleAtLeast(actor.role, needed)) {
      throw forbidden(`"${command.trim().split(/\s+/).slice(0, 2).join(' ')}" changes state and needs the operator role`);
    }
    const result = await this.gateway.runCommand(command);
    if (needed !== 'viewer') this.audit.record(actor, 'cli.run', 'cli', { command: this.guard.scrub(command.trim()).slice(0, 500), exitCode: result.exitCode });
    return { command, output: result.output, exitCode: result.exitCode };
  }

  async testPsk(actor: Actor, tunnel: string, psk: { kind: 'passphrase' | 'hex'; value: string }): Promise<TestPskResponse> {
    const result = await this.gateway.testPsk(tunnel, psk);
    this.audit.record(actor, 'diagnose.test_psk', `tunnel:${tunnel}`, { result: result.result });
    return { tunnel, result: result.result, detail: result.detail };
  }
}
