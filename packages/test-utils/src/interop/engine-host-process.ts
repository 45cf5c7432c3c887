/**
 * Child-process entry: one IkeGateway on real UDP sockets, driven over the
 * IPC channel (see engine-host-protocol.ts). Started by engine-host.ts as
 * `ip netns exec <ns> node --import tsx engine-host-process.ts`, so its
 * sockets live in the test's namespace. Exits when the parent goes away.
 * A config with engine.certificateDirectory gets a CertificateService over
 * that directory (loaded before the gateway starts, reloaded on applyConfig).
 */
import { CertificateService, IkeGateway, systemClock, udpTransportForConfig } from '@tunnelscope/engine';
import type { EngineHostCall, EngineHostMessage, EngineHostMethods } from './engine-host-protocol.ts';

let gateway: IkeGateway | undefined;
let certificates: CertificateService | undefined;
let unsubscribe: (() => void) | undefined;
let generation = 0;

function send(message: EngineHostMessage): void {
  process.send?.(message);
}

function current(): IkeGateway {
  if (!gateway) throw new Error('engine host: no gateway running (call start first)');
  return gateway;
}

async function stopGateway(): Promise<void> {
  unsubscribe?.();
  unsubscribe = undefined;
  const old = gateway;
  gateway = undefined;
  certificates = undefined;
  await old?.stop();
}

/**
 * The certificate store for `config` (undefined when it names no certificate
 * directory); its events (store problems, CRL fetches, cache changes) go to
 * the parent as gateway `mine`'s.
 */
async function certificatesFor(config: Parameters<EngineHostMethods['start']>[0], mine: number): Promise<CertificateService | undefined> {
  const directory = config.engine.certificateDirectory ?? '';
  if (directory === '') return undefined;
  const service = new CertificateService({ directory, clock: systemClock, timeZone: config.timeZone, dnsServers: config.dnsServers });
  service.subscribe((event) => send({ kind: 'event', generation: mine, event }));
  service.applyConfig(config);
  await service.load();
  return service;
}

type Handlers = { [K in keyof EngineHostMethods]: (...args: Parameters<EngineHostMethods[K]>) => ReturnType<EngineHostMethods[K]> | Promise<ReturnType<EngineHostMethods[K]>> };

const handlers: Handlers = {
  async start(config, snoop) {
    await stopGateway();
    generation += 1;
    const mine = generation;
    const transport = udpTransportForConfig(config);
    certificates = await certificatesFor(config, mine);
    const next = new IkeGateway({ config, transport, ...(certificates ? { certificates } : {}) });
    next.snoop.setMode(snoop);
    unsubscribe = next.subscribe((event) => send({ kind: 'event', generation: mine, event }));
    await next.start();
    gateway = next;
    return { generation: mine, endpoints: transport.endpoints().map((e) => `${e.address}:${e.port}`) };
  },
  async stop() {
    await stopGateway();
    return null;
  },
  initiate: (tunnel) => current().initiate(tunnel),
  rekeyIkeSa: (id) => current().rekeyIkeSa(id),
  rekeyChildSa: (id) => current().rekeyChildSa(id),
  deleteIkeSa: (id) => current().deleteIkeSa(id),
  deleteChildSa: (id) => current().deleteChildSa(id),
  async applyConfig(config) {
    const result = current().applyConfig(config);
    if (result.ok && certificates) {
      certificates.applyConfig(config);
      await certificates.load();
    }
    return result;
  },
  listIkeSas: () => current().listIkeSas(),
  listChildSas: () => current().listChildSas(),
  stats: () => current().stats(),
  drops: () => current().drops(),
  renderDatagram: (id, mode) => current().renderDatagram(id, mode) ?? null,
  pendingTimers: () => current().pendingTimers(),
};

async function dispatch(call: EngineHostCall): Promise<unknown> {
  const handler = handlers[call.method] as (...args: unknown[]) => unknown;
  return handler(...call.args);
}

process.on('message', (raw: unknown) => {
  const call = raw as EngineHostCall;
  if (call?.kind !== 'call') return;
  dispatch(call).then(
    (value) => send({ kind: 'reply', id: call.id, ok: true, value }),
    (error: unknown) => send({ kind: 'reply', id: call.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

process.on('disconnect', () => {
  void stopGateway().finally(() => process.exit(0));
});

send({ kind: 'ready' });
