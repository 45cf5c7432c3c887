import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandRole } from '../../../../src/services/operations.ts';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1/cli', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
  });
  afterAll(async () => t.close());

  it('runs ike -stat for a viewer and returns the table text', async () => {
    const r = await t.request('POST', '/api/v1/cli', { token: t.tokens.viewer, body: { command: 'ike -stat' } });
    expect(r.status).toBe(200);
    expect(r.json.exitCode).toBe(0);
    expect(r.json.output).toContain('IKE SA negotiations done');
  });

  it('runs state-changing commands for operators only, audited', async () => {
    const r = await t.request('POST', '/api/v1/cli', { token: t.tokens.operator, body: { command: 'ike -snoop -brief' } });
    expect(r.json).toMatchObject({ exitCode: 0, output: 'snoop brief\n' });
    expect(t.gateway.getSnoopMode().mode).toBe('brief');
    const audit = await t.request('GET', '/api/v1/audit?action=cli.run', { token: t.tokens.admin });
    expect(audit.json.items[0].detail).toEqual({ command: 'ike -snoop -brief', exitCode: 0 });
  });

  it('reports unknown commands with a non-zero exit code and rejects empty ones', async () => {
    const r = await t.request('POST', '/api/v1/cli', { token: t.tokens.operator, body: { command: 'frobnicate' } });
    expect(r.json.exitCode).toBe(1);
    expect((await t.request('POST', '/api/v1/cli', { token: t.tokens.operator, body: { command: '' } })).status).toBe(400);
  });

  it('completes a console line for a viewer: commands, options, and tunnel names as interfaces', async () => {
    const commands = await t.request('POST', '/api/v1/cli/complete', { token: t.tokens.viewer, body: { line: 'ik' } });
    expect(commands.status).toBe(200);
    expect(commands.json).toEqual({ replaceFrom: 0, candidates: ['ike'] });
    const options = await t.request('POST', '/api/v1/cli/complete', { token: t.tokens.viewer, body: { line: 'ike -s' } });
    expect(options.json.replaceFrom).toBe(4);
    expect(options.json.candidates).toEqual(expect.arrayContaining(['-stat', '-snoop']));
    const iface = await t.request('POST', '/api/v1/cli/complete', { token: t.tokens.viewer, body: { line: 'flow -show -destiface=bra' } });
    expect(iface.json.candidates).toContain('-destiface=branch-a');
    expect((await t.request('POST', '/api/v1/cli/complete', { body: { line: 'ike' } })).status).toBe(401);
  });

  it('classifies commands', () => {
    expect(commandRole('ike -stat')).toBe('viewer');
    expect(commandRole('  ike   -certshow -verbose')).toBe('viewer');
    expect(commandRole('flow -show -destiface=my_tunnel')).toBe('viewer');
    expect(commandRole('ike -certflush')).toBe('operator');
    expect(commandRole('ike -snoop -off')).toBe('operator');
    expect(commandRole('ike -stat -certflush')).toBe('operator');
    expect(commandRole('ping 10.0.0.1')).toBe('operator');
  });
});
