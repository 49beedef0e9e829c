/** `who` and `diff` in words: the human text and the pull-request comment (markdown). */
import { constraintText, type Constraint } from './describe.js';
import type { DiffDetail, DiffEntry, DiffReport } from './diff.js';
import type { ScenarioExample, StatementRef, WhoProvider, WhoResult } from './who.js';

function statementName(s: StatementRef, effect?: string): string {
  const name = s.sid ? `"${s.sid}" (#${s.index + 1})` : `#${s.index + 1}`;
  return `${effect ? `${effect} ` : ''}${name}`;
}

function flowValue(v: unknown): string {
  if (typeof v === 'string')
    return /^[\w./@+=,-][\w./@+=,:-]*$/.test(v) && !/:\s|: *$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(flowValue).join(', ')}]`;
  return JSON.stringify(v);
}

function flow(o: Record<string, unknown>): string {
  return `{ ${Object.entries(o)
    .map(([k, v]) => `${/^[\w-]+$/.test(k) ? k : JSON.stringify(k)}: ${flowValue(v)}`)
    .join(', ')} }`;
}

/** A token and what else the request needs, on one line (the issuer is the provider's). */
export function exampleText(ex: ScenarioExample): string {
  const { iss: _iss, ...claims } = ex.token;
  const parts = [`token ${flow(claims)}`];
  if (ex.request.roleSessionName !== 'trustspec' || ex.request.providerId)
    parts.push(`request ${flow(ex.request)}`);
  if (Object.keys(ex.context).length > 0) parts.push(`context ${flow(ex.context)}`);
  if (ex.now) parts.push(`at ${ex.now}`);
  return parts.join(', ');
}

function conditions(list: readonly Constraint[], hostPath: string): string {
  return list.length === 0
    ? 'any token the provider accepts'
    : list.map((c) => constraintText(c, hostPath)).join(', and ');
}

function providerHead(p: WhoProvider): string {
  const how =
    p.kind === 'oidc'
      ? p.assumed
        ? 'assumed registered: no providers given'
        : p.registered
          ? 'registered'
          : 'not registered'
      : p.kind;
  const aud = p.audiences ? `; aud ∈ {${p.audiences.join(', ')}}` : '';
  return `${p.issuer}  (${how}${aud})`;
}

function whoProviderText(p: WhoProvider): string[] {
  if (p.status === 'nobody') return [`${p.issuer}: nobody — ${p.reasons.join('; ')}`];
  if (p.status === 'unknown') return [`${p.issuer}: unknown — ${p.reasons.join('; ')}`];
  const lines = [providerHead(p)];
  for (const e of p.allowed) {
    lines.push(`  via ${statementName(e.statement)}: ${conditions(e.when, p.issuer)}`);
    for (const x of e.except) {
      const s = x.statement;
      const deny = s.sid ? `"${s.sid}", #${s.index + 1}` : `#${s.index + 1}`;
      lines.push(`      except ${conditions(x.when, p.issuer)}  (Deny ${deny})`);
    }
    lines.push(`      e.g. ${exampleText(e.example)}`);
  }
  for (const b of p.breadth) {
    const by = b.statements.map((s) => statementName(s)).join(', ');
    lines.push(
      `  ${b.severity === 'warning' ? '⚠' : 'ℹ'} ${b.code}: ${b.message}${by ? ` — via ${by}` : ''}`,
    );
    lines.push(`      e.g. ${exampleText(b.example)}`);
  }
  return lines;
}

/** `trustspec who` for people. */
export function whoText(r: WhoResult, source: string): string {
  const lines = [
    `${source} → ${r.role}  (${r.exact ? 'exact' : 'NOT exact: some providers are unknown'})`,
    '',
  ];
  const allowed = r.providers.filter((p) => p.status !== 'nobody');
  const nobody = r.providers.filter((p) => p.status === 'nobody');
  for (const p of allowed) lines.push(...whoProviderText(p), '');
  for (const p of nobody) lines.push(...whoProviderText(p));
  if (allowed.length === 0) lines.push('', 'nobody can assume this role');
  for (const a of r.assumptions) lines.push(`assumption: ${a}`);
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

function verdict(r: DiffReport): string {
  const x = r.result;
  if (x.newlyAllowed.length > 0) return 'ACCESS GAINED';
  if (x.unknown.length > 0) return 'UNKNOWN';
  if (x.newlyDenied.length > 0) return 'ACCESS REMOVED';
  return 'NO CHANGE';
}

function diffEntries(
  title: string,
  sign: string,
  side: string,
  list: readonly DiffEntry[],
  details: readonly DiffDetail[],
): string[] {
  if (list.length === 0) return [`${title}: none`];
  const lines = [`${title} (${list.length} region${list.length === 1 ? '' : 's'})`];
  list.forEach((e, i) => {
    const d = details[i] as DiffDetail;
    lines.push(`  ${sign} ${e.provider}`);
    lines.push(`      ${d.conditions === '' ? 'every token it accepts' : d.conditions}`);
    lines.push(
      `      allowed by ${side} ${d.allowedBy.map((s) => statementName(s)).join(', ')}; ${d.refusal}`,
    );
    lines.push(`      e.g. ${exampleText(e)}`);
  });
  return lines;
}

function proofText(r: DiffReport): string {
  const parts = r.proof.map((p) => {
    const vars = p.variables.map((v) => `${v.regions} of ${v.name}`).join(' × ');
    return `${p.provider}${vars ? ` (${vars})` : ''}`;
  });
  return parts.length === 0 ? 'no provider can present a token to either role' : parts.join('; ');
}

/** `trustspec diff` for people. */
export function diffText(r: DiffReport): string {
  const x = r.result;
  const lines = [`${x.old} → ${x.new}   ${verdict(r)}`, ''];
  lines.push(...diffEntries('newly allowed', '+', 'new', x.newlyAllowed, r.details.newlyAllowed));
  lines.push(...diffEntries('newly denied', '-', 'old', x.newlyDenied, r.details.newlyDenied));
  for (const u of x.unknown) lines.push(`unknown: ${u.provider}: ${u.reason}`);
  if (x.unknown.length === 0) {
    lines.push(
      x.unchanged
        ? 'no token changes: proven over every region of'
        : 'no other token changes: proven over every region of',
      `  ${proofText(r)}`,
    );
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

function mdCode(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${s.replace(/\|/g, '\\|')}${ticks}`;
}

function mdEntries(
  title: string,
  side: string,
  list: readonly DiffEntry[],
  details: readonly DiffDetail[],
): string[] {
  if (list.length === 0) return [];
  const lines = [
    `#### ${title}`,
    '',
    '| provider | which tokens | why | example |',
    '| --- | --- | --- | --- |',
  ];
  list.forEach((e, i) => {
    const d = details[i] as DiffDetail;
    const why = `allowed by ${side} ${d.allowedBy.map((s) => statementName(s)).join(', ')}; ${d.refusal}`;
    lines.push(
      `| ${mdCode(e.provider)} | ${(d.conditions || 'every token').replace(/\|/g, '\\|')} | ${why.replace(/\|/g, '\\|')} | ${mdCode(exampleText(e))} |`,
    );
  });
  lines.push('');
  return lines;
}

/** `trustspec diff --reporter markdown`: a pull-request comment. */
export function diffMarkdown(r: DiffReport): string {
  const x = r.result;
  const icon = x.newlyAllowed.length > 0 ? '🔴' : x.unknown.length > 0 ? '🟡' : '🟢';
  const lines = [
    `### ${icon} trustspec diff: ${mdCode(x.old)} → ${mdCode(x.new)} — ${verdict(r).toLowerCase()}`,
    '',
  ];
  lines.push(...mdEntries('Newly allowed', 'new', x.newlyAllowed, r.details.newlyAllowed));
  lines.push(...mdEntries('Newly denied', 'old', x.newlyDenied, r.details.newlyDenied));
  for (const u of x.unknown) lines.push(`- **unknown** for ${mdCode(u.provider)}: ${u.reason}`);
  if (x.unknown.length === 0) {
    lines.push(
      `${x.unchanged ? 'No token' : 'No other token'} changes its decision — proven over every region of ${proofText(r)}.`,
    );
  }
  for (const n of r.notes) lines.push('', `_Note: ${n}_`);
  return `${lines.join('\n')}\n`;
}
