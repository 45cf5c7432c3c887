/**
 * The troubleshooting services beside the app services: diagnosis (findings,
 * fixes, PSK tests, swanctl.conf), the wizard runs, and the demo lab when
 * the server hosts one with scenario control. Decorated once, for the
 * /diagnose and /lab routes; they follow events from the start (the lab's
 * activity, new evidence for live wizard steps) and let go on close.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { DiagnosisService } from '../../services/diagnosis-service.ts';
import { LabService } from '../../services/lab-service.ts';
import { WizardRuns } from '../../services/wizard-runs.ts';

export interface TroubleshootingServices {
  diagnosis: DiagnosisService;
  wizards: WizardRuns;
  /** Undefined when the server runs without the lab (or with one it cannot drive). */
  lab: LabService | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    troubleshooting: TroubleshootingServices;
  }
}

export default fp(
  async function troubleshootingPlugin(app: FastifyInstance) {
    const s = app.services;
    const onError = (err: unknown, where: string) => app.log.warn({ err, where }, 'troubleshooting task failed');
    const diagnosis = new DiagnosisService({
      gateway: s.gateway,
      store: s.store,
      recorder: s.recorder,
      configService: s.configService,
      operations: s.operations,
      auditLog: s.auditLog,
      onError,
    });
    const control = s.lab?.control;
    const wizards = new WizardRuns({
      diagnosis,
      gateway: s.gateway,
      operations: s.operations,
      recorder: s.recorder,
      auditLog: s.auditLog,
      lab: control,
      onError,
    });
    const lab = control ? new LabService(control, s.recorder, s.auditLog, s.guard) : undefined;
    s.recorder.observe((event) => wizards.observe(event));
    lab?.start();
    app.decorate('troubleshooting', { diagnosis, wizards, lab });
    app.addHook('onClose', async () => {
      wizards.close();
      lab?.close();
    });
  },
  { name: 'troubleshooting', dependencies: ['app-services'] },
);
