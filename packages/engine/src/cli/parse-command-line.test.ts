import { describe, expect, it } from 'vitest';
import { parseCommandLine, tokenizeCommandLine } from './parse-command-line.ts';

const ok = (line: string) => {
  const result = parseCommandLine(line);
  if (!result.ok) throw new Error(result.error);
  return result.command;
};
const error = (line: string) => {
  const result = parseCommandLine(line);
  if (result.ok) throw new Error(`parsed: ${JSON.stringify(result.command)}`);
  return result.error;
};

describe('parseCommandLine', () => {
  it('parses the seed\'s commands', () => {
    expect(ok('ike -stat')).toEqual({ kind: 'ike-stat' });
    expect(ok('ike -snoop -brief')).toEqual({ kind: 'ike-snoop', mode: 'brief' });
    expect(ok('ike -snoop -full -peer=172.22.53.23')).toEqual({ kind: 'ike-snoop', mode: 'full', peer: '172.22.53.23' });
    expect(ok('ike -snoop -off')).toEqual({ kind: 'ike-snoop', mode: 'off' });
    expect(ok('ike -certshow')).toEqual({ kind: 'ike-certshow', verbose: false });
    expect(ok('ike -certshow -verbose')).toEqual({ kind: 'ike-certshow', verbose: true });
    expect(ok('ike -certflush')).toEqual({ kind: 'ike-certflush' });
    expect(ok('flow -show')).toEqual({ kind: 'flow-show', verbose: false, filter: {} });
    expect(ok('flow -show -destiface=my_tunnel')).toEqual({ kind: 'flow-show', verbose: false, filter: { destinationInterface: 'my_tunnel' } });
    expect(ok('ping 192.168.10.1 -count=2')).toEqual({ kind: 'ping', address: '192.168.10.1', count: 2 });
    expect(ok('help')).toEqual({ kind: 'help' });
    expect(ok('help flow')).toEqual({ kind: 'help', topic: 'flow' });
    expect(ok('   ')).toBeNull();
  });

  it('parses every flow filter with typed values', () => {
    expect(ok('flow -show -verbose -srciface=core -proto=esp -srcip=53.0.0.1 -destip=53.0.1.2 -srcport=500 -destport=4500')).toEqual({
      kind: 'flow-show',
      verbose: true,
      filter: {
        sourceInterface: 'core',
        protocol: 50,
        sourceAddress: '53.0.0.1',
        destinationAddress: '53.0.1.2',
        sourcePort: 500,
        destinationPort: 4500,
      },
    });
    expect(ok('flow -show -proto=17')).toMatchObject({ filter: { protocol: 17 } });
  });

  it('accepts options before the action and in upper case', () => {
    expect(ok('IKE -verbose -certshow')).toEqual({ kind: 'ike-certshow', verbose: true });
  });

  it('gives clear errors', () => {
    expect(error('ike -foo')).toBe('unknown option -foo for ike; expected one of -stat, -snoop, -certshow, -certflush');
    expect(error('ike -stats')).toBe('unknown option -stats for ike (did you mean -stat?); expected one of -stat, -snoop, -certshow, -certflush');
    expect(error('ike')).toBe('ike needs one of -stat, -snoop, -certshow, -certflush');
    expect(error('ike -stat -snoop')).toBe('-stat and -snoop cannot be combined; ike takes one of -stat, -snoop, -certshow, -certflush');
    expect(error('ike -snoop')).toBe('ike -snoop needs one of -brief, -full, -off');
    expect(error('ike -snoop -brief -off')).toBe('-brief and -off cannot be combined');
    expect(error('ike -snoop -brief -verbose')).toBe('unknown option -verbose for ike -snoop; expected one of -brief, -full, -off, -peer=<address>');
    expect(error('ike -stat -verbose')).toBe('ike -stat takes no options; got -verbose');
    expect(error('ike -snoop -brief -peer')).toBe('-peer needs a value: -peer=<address>');
    expect(error('ike -snoop -brief -peer=gw')).toBe('-peer=gw: not an address or address:port');
    expect(error('ike -certshow -verbose=yes')).toBe('-verbose takes no value');
    expect(error('ike -certshow -verbose -verbose')).toBe('-verbose given twice');
    expect(error('flow -show -srcport=99999')).toBe('-srcport=99999: a port is 0-65535');
    expect(error('flow -show -proto=gre')).toBe('-proto=gre: expected icmp, tcp, udp, esp, ah, icmpv6 or a protocol number 0-255');
    expect(error('flow -show extra')).toBe('unexpected argument "extra" for flow -show');
    expect(error('flwo -show')).toBe('unknown command "flwo" (did you mean flow?); expected one of ike, flow, ping, help');
    expect(error('ping')).toBe('ping needs <address>');
    expect(error('ping gateway')).toBe('ping: "gateway" is not an IP address');
    expect(error('help nope')).toBe('help: unknown command "nope"; expected one of ike, flow, ping, help');
    expect(error('ike -snoop "-brief')).toBe('unterminated double quote at column 12');
  });
});

describe('tokenizeCommandLine', () => {
  it('splits on blanks and keeps quoted blanks', () => {
    const result = tokenizeCommandLine('flow  -show -destiface="my tunnel"');
    expect(result.ok && result.tokens.map((token) => token.text)).toEqual(['flow', '-show', '-destiface=my tunnel']);
    expect(result.ok && result.tokens.map((token) => token.start)).toEqual([0, 6, 12]);
  });
});
