import { describe, expect, it } from 'vitest';
import { completeCommandLine } from './complete-command-line.ts';

describe('completeCommandLine', () => {
  it('completes command names', () => {
    expect(completeCommandLine('')).toEqual({ replaceFrom: 0, candidates: ['flow', 'help', 'ike', 'ping', 'trace'] });
    expect(completeCommandLine('i')).toEqual({ replaceFrom: 0, candidates: ['ike'] });
  });

  it('offers the actions, then the chosen action\'s options', () => {
    expect(completeCommandLine('ike ').candidates).toEqual(['-certflush', '-certshow', '-snoop', '-stat']);
    expect(completeCommandLine('ike -c')).toEqual({ replaceFrom: 4, candidates: ['-certflush', '-certshow'] });
    expect(completeCommandLine('ike -snoop ').candidates).toEqual(['-brief', '-full', '-off', '-peer=']);
    expect(completeCommandLine('ike -snoop -brief ').candidates).toEqual(['-peer=']);
    expect(completeCommandLine('flow -show -verbose -dest').candidates).toEqual(['-destiface=', '-destip=', '-destport=']);
  });

  it('completes option values from the sources', () => {
    expect(completeCommandLine('flow -show -destiface=', { interfaces: ['core', 'ext', 'vpn_tunnel'] })).toEqual({
      replaceFrom: 11,
      candidates: ['-destiface=core', '-destiface=ext', '-destiface=vpn_tunnel'],
    });
    expect(completeCommandLine('flow -show -proto=u').candidates).toEqual(['-proto=udp']);
    expect(completeCommandLine('ike -snoop -brief -peer=172', { peers: ['172.22.53.23', '10.0.0.1'] }).candidates).toEqual(['-peer=172.22.53.23']);
  });

  it('completes trace options and their values', () => {
    expect(completeCommandLine('tr')).toEqual({ replaceFrom: 0, candidates: ['trace'] });
    expect(completeCommandLine('trace ').candidates).toEqual(['-destip=', '-destport=', '-proto=', '-srciface=', '-srcip=', '-srcport=']);
    expect(completeCommandLine('trace -srciface=vpn_tunnel -proto=icmp -src').candidates).toEqual(['-srcip=', '-srcport=']);
    expect(completeCommandLine('trace -srciface=v', { interfaces: ['core', 'int', 'vpn_tunnel'] })).toEqual({ replaceFrom: 6, candidates: ['-srciface=vpn_tunnel'] });
    expect(completeCommandLine('trace -srciface=int -proto=i').candidates).toEqual(['-proto=icmp', '-proto=icmpv6']);
  });

  it('completes help topics and gives nothing for unknown commands', () => {
    expect(completeCommandLine('help f').candidates).toEqual(['flow']);
    expect(completeCommandLine('nope -').candidates).toEqual([]);
  });
});
