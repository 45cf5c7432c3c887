/**
 * Scenario-by-finding accuracy on real engine event streams: each seed
 * scenario runs between our gateway and peer gateways (the real engine, in
 * memory); diagnosis gets only our config, our events, our SA table and
 * `now` — never the peer's config or the scenario's name. Every variant
 * must put the expected finding on top for the scenario's tunnels, and
 * raise no error or warning on the healthy tunnels.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose.ts';
import type { Finding } from './model/finding.ts';
import { SCENARIOS, seededRng, type ScenarioRun } from './__tests__/scenarios.ts';

const VARIANTS = Number(process.env.DIAGNOSIS_VARIANTS ?? 4);
const VERBOSE = process.env.DIAGNOSIS_VERBOSE === '1';
/** Run only the scenarios whose name contains this text (case-insensitive), e.g. DIAGNOSIS_SCENARIO="keep-alive". */
const ONLY = process.env.DIAGNOSIS_SCENARIO?.toLowerCase();

interface Row {
  scenario: string;
  variants: number;
  topCorrect: number;
  falseFindings: number;
  misses: string[];
}

function topFindingFor(findings: readonly Finding[], run: ScenarioRun): Finding | undefined {
  return findings.find((f) => f.tunnel !== null && run.involvedTunnels.includes(f.tunnel));
}

function falseFindings(findings: readonly Finding[], run: ScenarioRun): Finding[] {
  return findings.filter((f) => f.severity !== 'info' && (f.tunnel === null || !run.involvedTunnels.includes(f.tunnel)));
}

function evidenceProblems(findings: readonly Finding[], run: ScenarioRun): string[] {
  const ids = new Set(run.events.map((e) => e.id));
  const datagrams = new Set<number>();
  for (const { event } of run.events) {
    if (event.type === 'snoop.message') event.datagramIds.forEach((id) => datagrams.add(id));
    if (event.type === 'log.event') event.evidence.datagramIds.forEach((id) => datagrams.add(id));
    if (event.type === 'ike.datagram.dropped' && event.datagramId !== undefined) datagrams.add(event.datagramId);
  }
  const problems: string[] = [];
  for (const finding of findings) {
    for (const item of [...finding.evidence.events, ...finding.evidence.snoopLines]) if (!ids.has(item.eventId)) problems.push(`${finding.id}: event ${item.eventId} not in the input`);
    for (const id of finding.evidence.datagramIds) if (!datagrams.has(id)) problems.push(`${finding.id}: datagram ${id} named by no input event`);
  }
  return problems;
}

describe('diagnosis accuracy on real engine event streams', () => {
  it('puts the expected finding on top for every scenario variant, with no false findings on healthy tunnels', { timeout: 240_000 }, async () => {
    const rows: Row[] = [];
    const problems: string[] = [];
    for (const [scenarioIndex, scenario] of SCENARIOS.entries()) {
      if (ONLY && !scenario.name.toLowerCase().includes(ONLY)) continue;
      const row: Row = { scenario: scenario.name, variants: 0, topCorrect: 0, falseFindings: 0, misses: [] };
      for (let v = 0; v < VARIANTS; v++) {
        const seed = 1000 * (scenarioIndex + 1) + v;
        const run = await scenario.run(seededRng(seed), `scenario-${seed}`);
        const findings = diagnose({ config: run.config, events: run.events, saState: run.saState, now: run.now });
        const top = topFindingFor(findings, run);
        const wrong = falseFindings(findings, run);
        const correct = run.expected === null ? findings.every((f) => f.severity === 'info') : top?.code === run.expected;
        if (VERBOSE) {
          console.log(`${scenario.name} | seed ${seed} | ${run.variant} | top ${top?.code ?? '-'} ${top?.confidence.score ?? ''} side=${top?.side ?? ''} fixes=[${top?.fixes.map((f) => f.id).join(',') ?? ''}] | all: ${findings.map((f) => `${f.code}@${f.tunnel}:${f.confidence.score}${f.resolvedSince ? '(resolved)' : ''}`).join(', ')}`);
        }
        row.variants++;
        if (correct) row.topCorrect++;
        else row.misses.push(`seed ${seed} (${run.variant}): expected ${run.expected ?? 'nothing'}, got ${top ? `${top.code} ${top.confidence.score}` : 'nothing'} [${findings.map((f) => `${f.code}@${f.tunnel}:${f.confidence.score}`).join(', ')}]`);
        row.falseFindings += wrong.length;
        for (const f of wrong) row.misses.push(`seed ${seed} (${run.variant}): false ${f.code} on ${f.tunnel}: ${f.explanation}`);
        problems.push(...evidenceProblems(findings, run));
      }
      rows.push(row);
    }
    const header = ['scenario', 'variants', 'top finding correct', 'false findings'];
    const table = [header, ...rows.map((r) => [r.scenario, String(r.variants), `${r.topCorrect}/${r.variants}`, String(r.falseFindings)])];
    const widths = header.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
    const lines = table.map((line) => line.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
    lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
    console.log(`\nDiagnosis accuracy (real engine streams, ${VARIANTS} randomized variants each)\n${lines.join('\n')}\n`);
    const misses = rows.flatMap((r) => r.misses);
    if (misses.length > 0) console.log(misses.join('\n'));
    expect(problems).toEqual([]);
    expect(misses).toEqual([]);
  });
});
