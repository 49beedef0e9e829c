/** `trustspec diff --reporter github`: workflow annotations at the statements that changed access. */
import { escapeData, escapeProperty } from '../report/github.js';
import type { DiffDetail, DiffEntry, DiffReport } from '../symbolic/diff.js';
import { exampleText } from '../symbolic/render.js';
import type { CrossCheckView } from './diff-output.js';

function command(
  kind: 'error' | 'warning' | 'notice',
  file: string | undefined,
  line: number | undefined,
  title: string,
  message: string,
): string {
  const props: string[] = [];
  if (file !== undefined) props.push(`file=${escapeProperty(file)}`);
  if (line !== undefined && line > 0) props.push(`line=${line}`);
  props.push(`title=${escapeProperty(title)}`);
  return `::${kind} ${props.join(',')}::${escapeData(message)}`;
}

function annotate(
  kind: 'error' | 'notice',
  title: string,
  file: string,
  e: DiffEntry,
  d: DiffDetail,
): string {
  const line = d.allowedBy[0]?.line;
  const message = `${e.provider}: ${d.conditions || 'every token it accepts'}\n${d.refusal}\ne.g. ${exampleText(e)}`;
  return command(kind, file, line, title, message);
}

/**
 * `oldInTree`: the old policy is a file of the work tree (false under `--base`, where the old
 * text is a commit's, and its line numbers would point into the new file on a pull request: a
 * newly denied token is then annotated in the new policy, at the Deny that refuses it).
 */
export function githubDiff(
  report: DiffReport,
  oldPolicy: string,
  newPolicy: string,
  crossCheck?: CrossCheckView,
  oldInTree = true,
): string {
  const r = report.result;
  const out: string[] = [];
  r.newlyAllowed.forEach((e, i) =>
    out.push(
      annotate(
        'error',
        'trustspec diff: newly allowed',
        newPolicy,
        e,
        report.details.newlyAllowed[i] as DiffDetail,
      ),
    ),
  );
  r.newlyDenied.forEach((e, i) => {
    const d = report.details.newlyDenied[i] as DiffDetail;
    out.push(
      oldInTree
        ? annotate('notice', 'trustspec diff: newly denied', oldPolicy, e, d)
        : annotate('notice', 'trustspec diff: newly denied', newPolicy, e, {
            ...d,
            allowedBy: d.refusedBy,
          }),
    );
  });
  for (const u of r.unknown)
    out.push(
      command(
        'error',
        newPolicy,
        undefined,
        'trustspec diff: unknown',
        `${u.provider}: ${u.reason}`,
      ),
    );
  const summary = `${r.newlyAllowed.length} newly allowed, ${r.newlyDenied.length} newly denied, ${r.unknown.length} unknown region(s)${r.unchanged ? ': no token changes' : ''}`;
  out.push(command('notice', undefined, undefined, 'trustspec diff', summary));
  if (crossCheck) {
    const answered = crossCheck.status === 'PASS' || crossCheck.status === 'FAIL';
    const kind = answered && crossCheck.agrees ? 'notice' : 'warning';
    const text = `${crossCheck.status}${crossCheck.agrees === false ? ' (disagrees with trustspec)' : ''}${crossCheck.message ? `: ${crossCheck.message}` : ''}`;
    out.push(command(kind, newPolicy, undefined, 'Access Analyzer CheckNoNewAccess', text));
  }
  return `${out.join('\n')}\n`;
}
