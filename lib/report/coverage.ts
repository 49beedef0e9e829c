/**
 * The reports of `trustspec test --coverage`: a table for people (per policy, each statement,
 * condition and value, then the allowed regions no scenario reaches, each with a scenario to
 * paste), the `coverage` object of the JSON report, and lcov (`--coverage-output lcov:FILE`):
 * one record per policy file, a line per statement, condition and value with the scenarios that
 * exercised it (a line holding several of them counts the least exercised), and each condition
 * as a branch with its true and false outcomes.
 */
import { yaml } from '../packages.js';
import type {
  ClauseCoverage,
  CoverageReport,
  Metric,
  PolicyCoverage,
  Ratio,
  RegionCoverage,
  StatementCoverage,
} from '../scenarios/coverage.js';
import { writeToken } from '../scenarios/init-tokens.js';
import { oneLine, paint, type Paint } from './common.js';
import type { Json } from './json.js';

const ratioText = (r: Ratio): string => `${r.covered}/${r.total} (${r.percent}%)`;

function statementName(s: { index: number; sid?: string }): string {
  return s.sid ? `#${s.index + 1} "${s.sid}"` : `#${s.index + 1}`;
}

function mark(p: Paint, ok: boolean): string {
  return ok ? p.ok('✓') : p.fail('✗');
}

function clauseLines(p: Paint, c: ClauseCoverage): string[] {
  const lines = [
    `      ${c.operator} ${oneLine(c.key)} ${p.dim(`:${c.line}`)}  true ${mark(p, c.trueHits > 0)}  false ${mark(p, c.falseHits > 0)}`,
  ];
  for (const v of c.values) {
    lines.push(
      `        ${mark(p, v.hits > 0)} ${JSON.stringify(v.value)}${v.hits > 0 ? p.dim(` (${v.hits})`) : p.dim('  no scenario depends on it')}`,
    );
  }
  return lines;
}

function statementLines(p: Paint, s: StatementCoverage): string[] {
  const applied =
    s.applied > 0
      ? `applied ${mark(p, true)} ${p.dim(`(${s.applied})`)}`
      : `${p.fail('never applied')}${s.evaluated > 0 ? p.dim(` (evaluated ${s.evaluated})`) : ''}`;
  return [
    `    ${statementName(s)} ${s.effect} ${p.dim(`:${s.line}`)}  ${applied}`,
    ...s.clauses.flatMap((c) => clauseLines(p, c)),
  ];
}

/** An uncovered region's example, as the lines of a scenario to paste. */
function scenarioSnippet(r: RegionCoverage): string[] {
  const ex = r.example;
  if (!ex) return [];
  const w = writeToken(r.module, ex.token);
  const flow = (v: unknown): string =>
    yaml().stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim();
  const lines = [`- name: ${flow(`allowed ${r.description.replace(/^via /, 'by ')}`)}`];
  if (w.shorthand) lines.push(`  ${w.shorthand.kind}: ${flow(w.shorthand.fields)}`);
  if (Object.keys(w.token).length > 0) lines.push(`  token: ${flow(w.token)}`);
  if (ex.request['roleSessionName'] !== 'trustspec' || ex.request['providerId'] !== undefined)
    lines.push(`  request: ${flow(ex.request)}`);
  if (Object.keys(ex.context).length > 0) lines.push(`  context: ${flow(ex.context)}`);
  lines.push('  expect: allow');
  return lines;
}

function policyLines(p: Paint, c: PolicyCoverage): string[] {
  const lines = [
    `  ${p.bold(oneLine(c.file))} ${p.dim(`(${c.scenarios} scenario${c.scenarios === 1 ? '' : 's'} reached it)`)}`,
  ];
  for (const s of c.statements) lines.push(...statementLines(p, s));
  if (c.regions.length > 0) {
    lines.push('    allowed regions');
    for (const r of c.regions) {
      lines.push(
        `      ${mark(p, r.hits > 0)} ${r.provider} ${oneLine(r.description)}${r.hits > 0 ? p.dim(` (${r.hits})`) : ''}`,
      );
    }
  }
  const open = c.regions.filter((r) => r.example);
  if (open.length > 0) {
    lines.push('    scenarios that would reach the rest:');
    for (const r of open) lines.push(...scenarioSnippet(r).map((l) => `      ${l}`));
  }
  for (const u of c.unknown) lines.push(`    ${p.warn('regions unknown:')} ${oneLine(u)}`);
  return lines;
}

function totalsLine(c: CoverageReport): string {
  const t = c.totals;
  return `coverage  statements ${ratioText(t.statements)}  clauses ${ratioText(t.clauses)}  values ${ratioText(t.values)}  regions ${ratioText(t.regions)}`;
}

/** The sentence of a missed threshold. */
export function thresholdMessage(x: CoverageReport['thresholds'][number]): string {
  return `coverage of ${x.metric} is ${x.actual}%, below the threshold of ${x.minimum}%`;
}

/** The table for people. */
export function coverageText(c: CoverageReport, color: boolean): string {
  const p = paint(color);
  const lines = ['', p.bold(totalsLine(c))];
  for (const policy of c.policies) lines.push(...policyLines(p, policy));
  for (const x of c.thresholds) {
    lines.push(
      x.met
        ? `${p.ok('✓')} coverage of ${x.metric} ${x.actual}% ≥ ${x.minimum}%`
        : `${p.fail('✗')} ${thresholdMessage(x)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const ratioJson = (r: Ratio): Json => ({ covered: r.covered, total: r.total, percent: r.percent });

/** The `coverage` object of the JSON report. */
export function coverageJson(c: CoverageReport): Json {
  const totals: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(c.totals) as Array<[Metric, Ratio]>) totals[k] = ratioJson(v);
  return {
    totals,
    thresholds: c.thresholds.map((x) => ({ ...x })),
    policies: c.policies.map((p) => ({
      file: p.file,
      scenarios: p.scenarios,
      statements: p.statements.map((s) => ({
        index: s.index,
        sid: s.sid ?? null,
        effect: s.effect,
        line: s.line,
        column: s.column,
        evaluated: s.evaluated,
        applied: s.applied,
        clauses: s.clauses.map((cl) => ({
          operator: cl.operator,
          key: cl.key,
          line: cl.line,
          column: cl.column,
          trueHits: cl.trueHits,
          falseHits: cl.falseHits,
          values: cl.values.map((v) => ({ ...v })),
        })),
      })),
      regions: p.regions.map((r) => ({
        provider: r.provider,
        module: r.module,
        statement: { index: r.statement.index, sid: r.statement.sid ?? null },
        description: r.description,
        hits: r.hits,
        example: (r.example as Json | undefined) ?? null,
      })),
      unknown: [...p.unknown],
    })),
  };
}

/** lcov: per policy file, lines (statements, conditions, values) and branches (conditions). */
export function coverageLcov(c: CoverageReport): string {
  const byFile = new Map<string, PolicyCoverage[]>();
  for (const p of c.policies) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const out: string[] = [];
  for (const [file, list] of byFile) {
    const lines = new Map<number, number>();
    const hit = (line: number, n: number): void => {
      const was = lines.get(line);
      lines.set(line, was === undefined ? n : Math.min(was, n));
    };
    const branches: string[] = [];
    let taken = 0;
    list.forEach((p, pi) => {
      for (const s of p.statements) {
        hit(s.line, s.applied);
        s.clauses.forEach((cl, ci) => {
          hit(cl.line, Math.min(cl.trueHits, cl.falseHits));
          const block = pi * 10_000 + s.index * 100 + ci;
          branches.push(`BRDA:${cl.line},${block},0,${cl.trueHits}`);
          branches.push(`BRDA:${cl.line},${block},1,${cl.falseHits}`);
          taken += (cl.trueHits > 0 ? 1 : 0) + (cl.falseHits > 0 ? 1 : 0);
          for (const v of cl.values) hit(v.line, v.hits);
        });
      }
    });
    out.push('TN:', `SF:${file}`);
    const sorted = [...lines].sort((a, b) => a[0] - b[0]);
    for (const [line, n] of sorted) out.push(`DA:${line},${n}`);
    out.push(...branches, `BRF:${branches.length}`, `BRH:${taken}`);
    out.push(`LF:${sorted.length}`, `LH:${sorted.filter(([, n]) => n > 0).length}`);
    out.push('end_of_record');
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
