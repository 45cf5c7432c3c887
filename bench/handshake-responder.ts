/**
 * Our engine as the responder of bench/handshake-bench.ts: one IkeGateway on
 * real UDP sockets (UdpTransport) with one roaming tunnel that accepts every
 * initiator (remote endpoint none, remote identity any, PSK), cookies off
 * (halfOpenThreshold far above the load), DPD off, snoop off, no event
 * listener: the daemon as it runs in production minus the consumers.
 *
 * Runs inside the benchmark's network namespace (the orchestrator starts
 * it). stdout: {"event":"ready"} once bound; stdin: `stats` answers one JSON
 * line with the `ike -stat` counters and process CPU time, `exit` exits.
 *
 *   node --import tsx bench/handshake-responder.ts --address=127.0.0.2 \
 *     --ike=aes128gcm16-prfsha256-x25519 --esp=aes128gcm16 --psk=...
 */
import { createInterface } from 'node:readline';
import { IkeGateway, udpTransportForConfig, validateConfig } from '@tunnelscope/engine';

const args = new Map(process.argv.slice(2).map((a) => {
  const [key, ...rest] = a.replace(/^--/, '').split('=');
  return [key ?? '', rest.join('=')] as const;
}));
const arg = (key: string): string => {
  const value = args.get(key);
  if (value === undefined) throw new Error(`handshake-responder: --${key}= is required`);
  return value;
};

const address = arg('address');
const validation = validateConfig({
  tunnels: [
    {
      name: 'load',
      localNetworks: ['192.168.10.0/24'],
      remoteNetworks: ['10.0.0.0/8'],
      localEndpoint: address,
      remoteEndpoint: 'none',
      ikeProposals: [arg('ike')],
      ipsecProposals: [arg('esp')],
      localId: { type: 'fqdn', value: 'bench-responder' },
      remoteId: { type: 'any' },
      auth: { method: 'psk', psk: { type: 'passphrase', value: arg('psk') } },
      dpd: { enabled: false },
    },
  ],
  engine: { ikePort: 500, natTPort: 4500, listenAddresses: [address], halfOpenThreshold: 1_000_000 },
});
if (!validation.ok) throw new Error(`handshake-responder: invalid config: ${validation.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);

const gateway = new IkeGateway({ config: validation.config, transport: udpTransportForConfig(validation.config) });
await gateway.start();
process.stdout.write(`${JSON.stringify({ event: 'ready', pid: process.pid })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stats') {
    const cpu = process.cpuUsage();
    process.stdout.write(
      `${JSON.stringify({ event: 'stats', stats: gateway.stats(), ikeSas: gateway.listIkeSas().length, drops: gateway.drops(), cpuSeconds: (cpu.user + cpu.system) / 1e6, rssMb: process.memoryUsage().rss / 2 ** 20 })}\n`,
    );
  } else if (line.trim() === 'exit') {
    void gateway.stop().then(() => process.exit(0));
  }
});
