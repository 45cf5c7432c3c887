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
    expect(error('flwo -show')).toBe('unknown command "flwo" (did you mean flow?); expected one of ike, flow, ping, trace, help');
    expect(error('ping')).toBe('ping needs <address>');
    expect(error('ping gateway')).toBe('ping: "gateway" is not an IP address');
    expect(error('help nope')).toBe('help: unknown command "nope"; expected one of ike, flow, ping, trace, help');
    expect(error('ike -snoop "-brief')).toBe('unterminated double quote at column 12');
  });
});

describe('flow -show -srcip= / -destip=', () => {
  it('take an address or a CIDR network, canonical, and pass them on in the filter', () => {
    expect(ok('flow -show -srcip=10.0.0.0/8 -destip=192.168.10.1')).toEqual({
      kind: 'flow-show',
      verbose: false,
      filter: { sourceAddress: '10.0.0.0/8', destinationAddress: '192.168.10.1' },
    });
    expect(ok('flow -show -destip=192.168.10.0/24 -proto=icmp')).toMatchObject({ filter: { destinationAddress: '192.168.10.0/24', protocol: 1 } });
    expect(ok('flow -show -srcip=0.0.0.0/0')).toMatchObject({ filter: { sourceAddress: '0.0.0.0/0' } });
    expect(ok('flow -show -srcip=2001:DB8::/32')).toMatchObject({ filter: { sourceAddress: '2001:db8::/32' } });
  });

  it('reject what is not an address or network, naming the option', () => {
    expect(error('flow -show -srcip=10.0.0.0/33')).toBe('-srcip=10.0.0.0/33: not an IP address or CIDR network (e.g. 10.0.0.0/8)');
    expect(error('flow -show -destip=300.1.1.1')).toBe('-destip=300.1.1.1: not an IP address or CIDR network (e.g. 10.0.0.0/8)');
    expect(error('flow -show -destip=10.0.0.0/')).toBe('-destip=10.0.0.0/: not an IP address or CIDR network (e.g. 10.0.0.0/8)');
    expect(error('flow -show -srcip=gateway')).toBe('-srcip=gateway: not an IP address or CIDR network (e.g. 10.0.0.0/8)');
    expect(error('flow -show -srcip=10.1.2.3/8')).toBe('-srcip=10.1.2.3/8: host bits are set; the network is 10.0.0.0/8');
    expect(error('flow -show -srcip=')).toBe('-srcip needs a value: -srcip=<address>[/<prefix>]');
  });
});

describe('trace', () => {
  it('parses the 5-tuple into a TraceRequest', () => {
    expect(ok('trace -srciface=vpn_tunnel -proto=icmp -srcip=10.10.10.5 -destip=192.168.10.1')).toEqual({
      kind: 'trace',
      request: { sourceInterface: 'vpn_tunnel', protocol: 'icmp', source: '10.10.10.5', destination: '192.168.10.1' },
    });
    expect(ok('trace -proto=UDP -srciface=int -srcip=192.168.1.10 -destip=192.168.2.20 -srcport=4000 -destport=53')).toEqual({
      kind: 'trace',
      request: { sourceInterface: 'int', protocol: 'udp', source: '192.168.1.10', destination: '192.168.2.20', sourcePort: 4000, destinationPort: 53 },
    });
    expect(ok('trace -srciface=int -proto=6 -srcip=192.168.1.10 -destip=192.168.2.20 -destport=22')).toMatchObject({ request: { protocol: 'tcp', destinationPort: 22 } });
    expect(ok('trace -srciface=int -proto=47 -srcip=192.168.1.10 -destip=192.168.2.20')).toMatchObject({ request: { protocol: '47' } });
    // ICMP "ports" as in the flow table: type<<8|code and the echo identifier.
    expect(ok('trace -srciface=int -proto=icmp -srcip=192.168.1.10 -destip=192.168.2.20 -srcport=2048 -destport=7')).toMatchObject({
      request: { protocol: 'icmp', sourcePort: 2048, destinationPort: 7 },
    });
  });

  it('names every missing required option', () => {
    expect(error('trace')).toBe('trace needs -srciface=<interface>, -proto=<protocol>, -srcip=<address>, -destip=<address>');
    expect(error('trace -srciface=int -proto=icmp -srcip=10.0.0.1')).toBe('trace needs -destip=<address>');
  });

  it('rejects bad values and ports where the protocol has none, naming the option', () => {
    const base = 'trace -srciface=int -srcip=192.168.1.10 -destip=192.168.2.20';
    expect(error(`${base} -proto=esp -srcport=1`)).toBe('-srcport applies to -proto=udp, tcp or icmp only, not -proto=esp');
    expect(error(`${base} -proto=47 -destport=1`)).toBe('-destport applies to -proto=udp, tcp or icmp only, not -proto=47');
    expect(error(`${base} -proto=tcp`)).toBe('trace -proto=tcp needs -destport=<port>');
    expect(error(`${base} -proto=udp -destport=65536`)).toBe('-destport=65536: a port is 0-65535');
    expect(error(`${base} -proto=gre`)).toBe('-proto=gre: expected icmp, tcp, udp, esp, ah, icmpv6 or a protocol number 0-255');
    expect(error('trace -srciface=int -proto=icmp -srcip=10.0.0.0/8 -destip=192.168.2.20')).toBe('-srcip=10.0.0.0/8: takes one address, not a network');
    expect(error('trace -srciface=int -proto=icmp -srcip=10.0.0.1 -destip=2001:db8::1')).toBe('-destip=2001:db8::1: trace takes an IPv4 address (the data plane is IPv4)');
    expect(error('trace -srciface=in/t -proto=icmp -srcip=10.0.0.1 -destip=10.0.0.2')).toBe('-srciface=in/t: not an interface or tunnel name');
    expect(error(`${base} -proto=icmp -verbose`)).toBe('unknown option -verbose for trace; expected one of -srciface=<interface>, -proto=<protocol>, -srcip=<address>, -destip=<address>, -srcport=<port>, -destport=<port>');
    expect(error(`${base} -proto=icmp extra`)).toBe('unexpected argument "extra" for trace');
  });
});

describe('ping', () => {
  it('takes -count= (1-100, the API\'s limit) and -srcip=, naming the option when wrong', () => {
    expect(ok('ping 192.168.2.1 -count=100 -srcip=192.168.1.10')).toEqual({ kind: 'ping', address: '192.168.2.1', count: 100, sourceAddress: '192.168.1.10' });
    expect(error('ping 192.168.2.1 -count=101')).toBe('-count=101: a count is 1-100');
    expect(error('ping 192.168.2.1 -count=0')).toBe('-count=0: a count is 1-100');
    expect(error('ping 192.168.2.1 -srcip=host')).toBe('-srcip=host: not an IP address');
    expect(error('ping 192.168.2.1 -source=192.168.1.10')).toBe('unknown option -source for ping; expected one of -count=<number>, -srcip=<address>');
  });
});

describe('tokenizeCommandLine', () => {
  it('splits on blanks and keeps quoted blanks', () => {
    const result = tokenizeCommandLine('flow  -show -destiface="my tunnel"');
    expect(result.ok && result.tokens.map((token) => token.text)).toEqual(['flow', '-show', '-destiface=my tunnel']);
    expect(result.ok && result.tokens.map((token) => token.start)).toEqual([0, 6, 12]);
  });
});
