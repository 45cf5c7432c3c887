/**
 * The server in one process: services around the gateway engine, then the
 * Fastify app (external plugins, app services, routes).
 *
 *   createServer --> open store --> services --> gateway.start --> config.initialize
 *                --> gateway.subscribe(recorder) --> hub/housekeeping/lab start
 *   close       --> lab.stop --> unsubscribe --> app.close (stream clients) --> gateway.stop
 *                --> recorder.stop (final flush) --> store.close
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Writable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AlertService } from './services/alerts.ts';
import { AuditLog } from './services/audit-log.ts';
import { AuthService } from './services/auth-service.ts';
import { CertificateExpiryWatch } from './services/certificate-expiry.ts';
import { CertificateOperations } from './services/certificate-operations.ts';
import { ConfigService } from './services/config-service.ts';
import { DataPlaneService } from './services/data-plane-service.ts';
import { DEFAULT_RECORDER_OPTIONS, EventRecorder, type RecorderOptions } from './services/event-recorder.ts';
import { DEFAULT_RETENTION, Housekeeping } from './services/housekeeping.ts';
import { KeyCaptureService } from './services/key-capture.ts';
import { Metrics } from './services/metrics.ts';
import { Operations } from './services/operations.ts';
import { SecretGuard } from './services/secret-guard.ts';
import { SnoopHistory } from './services/snoop-history.ts';
import { DEFAULT_STREAM_OPTIONS, StreamHub, type StreamHubOptions } from './services/stream-hub.ts';
import type { RetentionLimits } from './store/event-repo.ts';
import { Store } from './store/store.ts';
import type { GatewayPort } from './plugins/app/gateway-port.ts';
import type { LabPort } from './plugins/app/lab-port.ts';
import secretScrub from './plugins/app/secret-scrub.ts';
import servicesPlugin, { type AppServices } from './plugins/app/services.ts';
import authPlugin from './plugins/external/auth.ts';
import errorHandler from './plugins/external/error-handler.ts';
import staticPlugin from './plugins/external/static.ts';
import swaggerPlugin from './plugins/external/swagger.ts';
import websocketPlugin from './plugins/external/websocket.ts';
import apiV1 from './routes/api/v1/index.ts';
import metricsRoute from './routes/metrics.ts';

export const SERVER_VERSION = '0.1.0';

export interface ServerOptions {
  gateway: GatewayPort;
  /** Directory of the SQLite file, or ':memory:'. */
  dataDir: string;
  lab?: LabPort | undefined;
  /** apps/web/dist; served when it holds an index.html. */
  webDist?: string | undefined;
  /** A config file given at start (already parsed). */
  fileConfig?: { config: unknown; path: string } | undefined;
  /** Log level (default info); 'silent' for none. */
  logLevel?: string;
  /** Where JSON logs go (default stdout). */
  logStream?: Writable;
  sessionTtlMs?: number;
  statsIntervalMs?: number;
  secureCookies?: boolean;
  stream?: Partial<StreamHubOptions>;
  recorder?: Partial<RecorderOptions>;
  retention?: Partial<RetentionLimits>;
}

export interface TunnelscopeServer {
  app: FastifyInstance;
  services: AppServices;
  /** Set on a first start (no user yet): the single-use setup token. */
  setupToken: string | undefined;
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export async function createServer(options: ServerOptions): Promise<TunnelscopeServer> {
  const sessionTtlMs = options.sessionTtlMs ?? 12 * 3_600_000;
  const statsIntervalMs = options.statsIntervalMs ?? 10_000;
  const guard = new SecretGuard();
  const store = Store.open(options.dataDir);
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logStream ? { stream: options.logStream } : {}),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'body.password', 'body.psk', 'body.privateKey'], censor: '[redacted]' },
      hooks: { streamWrite: (line: string) => guard.scrub(line) },
    },
    bodyLimit: 4 * 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const log = app.log;
  const gateway = options.gateway;
  const auditLog = new AuditLog(store);
  const recorder = new EventRecorder(store, guard, { ...DEFAULT_RECORDER_OPTIONS, ...options.recorder }, (err) =>
    log.error({ err }, 'event history write failed'),
  );
  const hub = new StreamHub(recorder, () => gateway.stats(), { ...DEFAULT_STREAM_OPTIONS, ...options.stream });
  const alerts = new AlertService(store, recorder, auditLog, (err, where) => log.warn({ err, where }, 'alert delivery failed'));
  const services: AppServices = {
    gateway,
    store,
    guard,
    auditLog,
    authService: new AuthService(store, auditLog, { sessionTtlMs }),
    configService: new ConfigService(gateway, store, guard, auditLog, recorder),
    recorder,
    hub,
    alerts,
    keyCapture: new KeyCaptureService(store, gateway, auditLog),
    metrics: new Metrics(gateway, hub, recorder),
    operations: new Operations(gateway, auditLog, guard),
    dataPlane: new DataPlaneService(gateway, auditLog),
    certificates: new CertificateOperations(gateway, auditLog, guard),
    certificateExpiry: new CertificateExpiryWatch(gateway, alerts, (err) => log.warn({ err }, 'certificate expiry check failed')),
    snoopHistory: new SnoopHistory(store, recorder, gateway, guard),
    lab: options.lab,
    startedAt: Date.now(),
    version: SERVER_VERSION,
  };
  recorder.observe((event) => services.metrics.observe(event));
  recorder.observe((event) => services.alerts.observe(event));
  const certificateExpiry = services.certificateExpiry;
  recorder.observe((event) => certificateExpiry.observe(event));
  const housekeeping = new Housekeeping(
    store,
    recorder,
    () => gateway.stats(),
    { statsIntervalMs, pruneIntervalMs: 60_000, retention: { ...DEFAULT_RETENTION, ...options.retention } },
    (tunnel) => auditLog.record({ kind: 'system', name: 'system', ip: null }, 'keys.capture.expired', `tunnel:${tunnel}`),
    (err) => log.error({ err }, 'housekeeping failed'),
  );

  let unsubscribe: (() => void) | undefined;
  try {
    await app.register(servicesPlugin, services);
    await app.register(secretScrub);
    await app.register(errorHandler);
    await app.register(swaggerPlugin, { version: SERVER_VERSION });
    await app.register(websocketPlugin);
    await app.register(authPlugin, { secureCookies: options.secureCookies ?? false });
    await app.register(staticPlugin, { webDist: options.webDist });
    await app.register(metricsRoute);
    await app.register(apiV1, { prefix: '/api/v1', sessionTtlMs, statsIntervalMs });

    // Recording starts before the engine so its first datagrams are kept.
    unsubscribe = gateway.subscribe({
      event: (e) => recorder.ingestEvent(e),
      datagram: (d) => recorder.ingestDatagram(d),
    });
    await gateway.start();
    await services.configService.initialize(options.fileConfig);
    recorder.start();
    hub.start();
    housekeeping.start();
    services.keyCapture.start();
    certificateExpiry.start();
    if (options.lab) await options.lab.start();
    await app.ready();
  } catch (err) {
    unsubscribe?.();
    await gateway.stop().catch(() => undefined);
    recorder.stop();
    hub.stop();
    housekeeping.stop();
    services.keyCapture.stop();
    certificateExpiry.stop();
    await app.close().catch(() => undefined);
    store.close();
    throw err;
  }

  const setupToken = services.authService.needsSetup() ? services.authService.createSetupToken() : undefined;
  let closed = false;

  return {
    app,
    services,
    setupToken,
    async listen(port: number, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`, port: bound };
    },
    async close() {
      if (closed) return;
      closed = true;
      await options.lab?.stop().catch((err: unknown) => log.warn({ err }, 'lab stop failed'));
      unsubscribe?.();
      housekeeping.stop();
      services.keyCapture.stop();
      certificateExpiry.stop();
      hub.stop();
      services.alerts.close();
      await app.close();
      await gateway.stop().catch((err: unknown) => log.warn({ err }, 'engine stop failed'));
      recorder.stop();
      store.close();
    },
  };
}
