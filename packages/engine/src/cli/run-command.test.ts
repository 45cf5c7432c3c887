import { describe, expect, it } from 'vitest';
import { emptyIkeStatCounters } from '../stats/ike-stat-counters.ts';
import { runCommand, type CliContext } from './run-command.ts';
import type { SnoopCommandMode } from './parse-command-line.ts';

describe('runCommand', () => {
  it('says honestly when a subsystem is not in this build', async () => {
    const empty: CliContext = {};
    expect(await runCommand('ike -stat', empty)).toEqual({ ok: false, output: 'ike -stat: the IKE statistics source is not available in this build' });
    expect((await runCommand('ike -certshow', empty)).output).toBe('ike -certshow: the certificate cache is not available in this build');
    expect((await runCommand('flow -show', empty)).output).toBe('flow -show: the flow table is not available in this build');
    expect((await runCommand('ping 10.0.0.1', empty)).output).toBe('ping: the ping service (ESP data plane) is not available in this build');
    expect((await runCommand('ike -snoop -brief', empty)).ok).toBe(false);
    expect(await runCommand('trace -srciface=int -proto=icmp -srcip=10.0.0.1 -destip=10.0.0.2', empty)).toEqual({
      ok: false,
      output: 'trace: the packet trace (data plane) is not available in this build',
    });
  });

  it('prints ike -stat from the counters', async () => {
    const result = await runCommand('ike -stat', { ikeStats: () => ({ ...emptyIkeStatCounters(), ikeSasActive: 2 }) });
    expect(result.ok).toBe(true);
    expect(result.output.split('\n')[4]).toBe('IKE SAs active                2');
  });

  it('drives the snoop control', async () => {
    const calls: [SnoopCommandMode, { peer?: string }][] = [];
    const context: CliContext = { snoop: { setMode: (mode, options) => calls.push([mode, options]) } };
    expect(await runCommand('ike -snoop -brief', context)).toEqual({ ok: true, output: 'IKE snoop brief for all peers' });
    expect(await runCommand('ike -snoop -full -peer=172.22.53.23:500', context)).toEqual({ ok: true, output: 'IKE snoop full for peer 172.22.53.23:500' });
    expect(await runCommand('ike -snoop -off', context)).toEqual({ ok: true, output: 'IKE snoop off' });
    expect(calls).toEqual([
      ['brief', {}],
      ['full', { peer: '172.22.53.23:500' }],
      ['off', {}],
    ]);
  });

  it('shows and flushes the certificate cache', async () => {
    let flushed = false;
    const context: CliContext = {
      certificates: {
        list: () => [{ subject: 'C=SE, CN=gw', issuer: 'CN=ca', validFrom: 0, validTo: 1, status: 'Valid' }],
        flush: () => {
          flushed = true;
          return 1;
        },
      },
    };
    expect((await runCommand('ike -certshow', context)).output).toContain('1  C=SE, CN=gw');
    expect(await runCommand('ike -certflush', context)).toEqual({ ok: true, output: 'IKE certificate cache flushed (1 certificate removed)' });
    expect(flushed).toBe(true);
  });

  it('filters the flow table', async () => {
    const context: CliContext = {
      flows: {
        list: () => [
          { protocol: 'ESP', source: { interface: 'core', address: '53.0.0.1' }, destination: { interface: 'ext', address: '53.0.1.2', spi: 1 }, timeoutSeconds: 5 },
          { protocol: 'UDP', source: { interface: 'core', address: '53.10.0.2', port: 1 }, destination: { interface: 'my_tunnel', address: '53.10.0.1', port: 2 }, timeoutSeconds: 5 },
        ],
      },
    };
    const output = (await runCommand('flow -show -destiface=my_tunnel', context)).output.split('\n');
    expect(output).toHaveLength(3);
    expect(output[2]).toMatch(/^UDP {5}core:53\.10\.0\.2:1/);
  });

  it('filters list()-only flow sources by CIDR -srcip=/-destip= too', async () => {
    const flow = (source: string, destination: string) => ({
      protocol: 'ICMP',
      source: { interface: 'int', address: source, port: 2048 },
      destination: { interface: 'vpn_tunnel', address: destination, port: 7 },
      timeoutSeconds: 5,
    });
    const context: CliContext = { flows: { list: () => [flow('10.1.2.3', '192.168.10.1'), flow('11.0.0.1', '192.168.10.1'), flow('10.9.9.9', '192.168.11.1')] } };
    const rows = async (line: string) => (await runCommand(line, context)).output.split('\n').slice(2);
    expect(await rows('flow -show -srcip=10.0.0.0/8')).toEqual([expect.stringContaining('int:10.1.2.3:2048'), expect.stringContaining('int:10.9.9.9:2048')]);
    expect(await rows('flow -show -srcip=10.0.0.0/8 -destip=192.168.10.0/24')).toEqual([expect.stringContaining('int:10.1.2.3:2048')]);
    expect(await rows('flow -show -destip=192.168.11.1')).toEqual([expect.stringContaining('int:10.9.9.9:2048')]);
  });

  it('passes the parsed filter to a flow source that filters itself', async () => {
    const seen: unknown[] = [];
    const context: CliContext = {
      flows: {
        list: () => {
          throw new Error('list() must not be called when entries() exists');
        },
        entries: (filter) => {
          seen.push(filter);
          return [];
        },
      },
    };
    expect((await runCommand('flow -show -srcip=10.0.0.0/8 -destip=192.168.10.1', context)).ok).toBe(true);
    expect(seen).toEqual([{ sourceAddress: '10.0.0.0/8', destinationAddress: '192.168.10.1' }]);
  });

  it('prints a data source error that names the command as it is', async () => {
    const context: CliContext = {
      ping: async () => {
        throw new Error('ping: no route to 10.9.9.9');
      },
    };
    expect(await runCommand('ping 10.9.9.9', context)).toEqual({ ok: false, output: 'ping: no route to 10.9.9.9' });
  });

  it('runs ping through the context with the default count', async () => {
    const result = await runCommand('ping 192.168.10.1 -srcip=10.10.10.1', { ping: async (request) => JSON.stringify(request) });
    expect(result).toEqual({ ok: true, output: '{"address":"192.168.10.1","count":4,"sourceAddress":"10.10.10.1"}' });
  });

  it('returns parse errors and data source failures as text', async () => {
    expect(await runCommand('ike -foo', {})).toEqual({
      ok: false,
      output: 'unknown option -foo for ike; expected one of -stat, -snoop, -certshow, -certflush',
    });
    const failing: CliContext = {
      ikeStats: () => {
        throw new Error('engine stopped');
      },
    };
    expect(await runCommand('ike -stat', failing)).toEqual({ ok: false, output: 'ike -stat: failed: engine stopped' });
    expect(await runCommand('', {})).toEqual({ ok: true, output: '' });
  });

  it('prints help from the command table', async () => {
    const all = (await runCommand('help', {})).output;
    expect(all).toContain('  ike    IKE statistics, negotiation snooping and the certificate cache.');
    expect(all).toContain('  trace  Show which flow, route, rule, traffic selector and SA a packet would hit, or why it is dropped.');
    const trace = (await runCommand('help trace', {})).output;
    expect(trace).toContain('  -srciface=<interface>   Where the packet arrives: an interface or tunnel name. (required)');
    expect(trace).toContain('  -destport=<port>        Destination port (required for udp and tcp; for icmp the echo identifier).');
    const flow = (await runCommand('help flow', {})).output;
    expect(flow).toContain('      -srcip=<address>[/<prefix>]   Only flows from this address or CIDR network.');
    const ike = (await runCommand('help ike', {})).output;
    expect(ike).toContain('-snoop  Show IKE negotiations as they happen.');
    expect(ike).toContain('-peer=<address>');
  });
});
