/**
 * The app services attached to the Fastify instance (fastify/demo style:
 * module augmentation, decorated once at start).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { AlertService } from '../../services/alerts.ts';
import type { AuditLog } from '../../services/audit-log.ts';
import type { AuthService } from '../../services/auth-service.ts';
import type { CertificateExpiryWatch } from '../../services/certificate-expiry.ts';
import type { CertificateOperations } from '../../services/certificate-operations.ts';
import type { ConfigService } from '../../services/config-service.ts';
import type { DataPlaneService } from '../../services/data-plane-service.ts';
import type { EventRecorder } from '../../services/event-recorder.ts';
import type { KeyCaptureService } from '../../services/key-capture.ts';
import type { Metrics } from '../../services/metrics.ts';
import type { Operations } from '../../services/operations.ts';
import type { SnoopHistory } from '../../services/snoop-history.ts';
import type { SecretGuard } from '../../services/secret-guard.ts';
import type { StreamHub } from '../../services/stream-hub.ts';
import type { Store } from '../../store/store.ts';
import type { GatewayPort } from './gateway-port.ts';
import type { LabPort } from './lab-port.ts';

export interface AppServices {
  gateway: GatewayPort;
  store: Store;
  guard: SecretGuard;
  auditLog: AuditLog;
  authService: AuthService;
  configService: ConfigService;
  recorder: EventRecorder;
  hub: StreamHub;
  alerts: AlertService;
  keyCapture: KeyCaptureService;
  metrics: Metrics;
  operations: Operations;
  dataPlane: DataPlaneService;
  certificates: CertificateOperations;
  certificateExpiry: CertificateExpiryWatch;
  snoopHistory: SnoopHistory;
  lab: LabPort | undefined;
  startedAt: number;
  version: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

export default fp(
  async function servicesPlugin(app: FastifyInstance, services: AppServices) {
    app.decorate('services', services);
  },
  { name: 'app-services' },
);
