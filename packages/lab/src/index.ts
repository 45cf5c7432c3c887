/** Public entry of @tunnelscope/lab: the demo lab's scenario peers and the local gateway's demo config. */
export { createLab, LabScenarioError } from './lab.ts';
export type { Lab, LabScenario, LabScenarioStatus, PeerSaState, PeerTunnelSettings } from './lab.ts';
export { DEFAULT_LAB_ADDRESSING, DEFAULT_LAB_TIMING, LabOptionsError } from './lab-options.ts';
export type { LabOptions, LabTiming } from './lab-options.ts';
export { LAB_SCENARIO_IDS, LAB_SCENARIOS } from './scenario-catalogue.ts';
export type { LabFindingCode, LabScenarioId, LabScenarioMetadata, ScenarioKind } from './scenario-catalogue.ts';
export type { LabAction, LabEvent, LabListener, LocalGatewayControl } from './lab-events.ts';
export type { ScenarioRunStatus } from './scenario-run.ts';
export { labHostPort } from './lab-port.ts';
export type { LabHostActivity, LabHostControl, LabHostPort, LabHostScenarioView } from './lab-port.ts';
