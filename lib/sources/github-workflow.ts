/**
 * A GitHub Actions workflow file → the OIDC subjects one of its jobs can present to
 * AssumeRoleWithWebIdentity, with the `aud`, role and session parameters its
 * `aws-actions/configure-aws-credentials` step asks for.
 *
 * Rules (GitHub's OIDC reference, "Example subject claims" and "Customizing the subject claims";
 * configure-aws-credentials' action.yml):
 * - a job with an `environment` presents `repo:O/R:environment:E` whatever the event;
 * - otherwise a `pull_request` event presents `repo:O/R:pull_request`, any other event
 *   `repo:O/R:ref:REF` with the ref the event runs on (a pushed branch or tag, the default branch
 *   for `schedule` and `workflow_dispatch`, the release's tag for `release`);
 * - a customisation template (`include_claim_keys`) replaces that format by `key:value` pairs,
 *   `repo` and `context` standing for the two parts of the default subject;
 * - `:` inside a value is written `%3A`.
 *
 * Trigger filters are GitHub glob patterns; a pattern's subject uses one representative name
 * (see `representative`), and says so. Pure but for reading files; never throws for bad input.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Span } from '../diagnostics.js';
import { readText } from '../files.js';
import {
  githubClaims,
  githubSub,
  PULL_REQUEST_TARGET_NOTE,
  type GithubClaimsInput,
} from '../providers/builders.js';
import { get, member, readTemplate, type TNode } from './template.js';
import type { SourceFinding } from './types.js';

/** What a scenario (or the command line) says about the job. */
export interface WorkflowSpec {
  /** The workflow file, absolute. */
  file: string;
  /** How the file is named in findings (as given, relative to the working folder). */
  shown: string;
  /** The working folder other files read (a called workflow) are named relative to. */
  cwd?: string;
  /** The job id (the key under `jobs:`). */
  job: string;
  /** OWNER/REPO the workflow runs in. */
  repository: string;
  secrets?: Readonly<Record<string, string>>;
  vars?: Readonly<Record<string, string>>;
  inputs?: Readonly<Record<string, string>>;
  /** The repository's OIDC subject customisation (`include_claim_keys`). */
  subTemplate?: readonly string[];
  /** Default `main`: the ref of scheduled and manually run workflows. */
  defaultBranch?: string;
  /** Overrides the job's environment (e.g. one written as an expression). */
  environment?: string;
  /** A local copy of a reusable workflow called from another repository (absolute). */
  calledWorkflow?: string;
  /** The job of the called workflow that requests credentials (when it has several). */
  calledJob?: string;
  /** Other fields of the github shorthand, used to build the claims a template names. */
  claims?: Omit<GithubClaimsInput, 'repository'>;
  /**
   * The role under test: of several configure-aws-credentials steps, the one whose
   * role-to-assume names it (an ARN, or the role's name as the action also takes) is read.
   */
  roleArn?: string;
}

/** One token the job can present. */
export interface WorkflowSubject {
  /** `event_name`. */
  event: string;
  /** A short name: `push refs/heads/main`, `pull_request`, `environment prod (push …)`. */
  label: string;
  ref: string;
  environment?: string;
  jobWorkflowRef: string;
  workflow: string;
  /** The subject as GitHub writes it (default or customised). */
  sub: string;
  /** The same, kept for readers of the table. */
  subject: string;
  /** Representatives and unconfirmed rules behind this subject. */
  notes: string[];
}

export interface WorkflowRequest {
  audience: string;
  /** `role-to-assume` resolved; undefined when the job names none or it could not be resolved. */
  roleToAssume?: string;
  /** `role-to-assume` as written, and where. */
  roleWritten?: { text: string; span: Span; file: string };
  roleSessionName: string;
  durationSeconds: number;
  /** Whether the job's permissions let it request an OIDC token (`id-token: write`). */
  idToken: boolean;
}

export interface WorkflowJob {
  ok: boolean;
  subjects: WorkflowSubject[];
  request: WorkflowRequest;
  findings: SourceFinding[];
  /** The texts of the files read, by `shown` name (for code frames). */
  texts: Map<string, string>;
}

export const CONFIGURE_AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials';
const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
const DEFAULT_SESSION_NAME = 'GitHubActions';
const DEFAULT_DURATION = 3600;
/** The tag name a release or a `tags:` filter without a pattern stands for. */
const REPRESENTATIVE_TAG = 'v1.0.0';

type Lookup = (kind: string, name: string) => string | undefined;

interface Doc {
  file: string;
  shown: string;
  root: TNode;
}

class Reader {
  readonly findings: SourceFinding[] = [];
  readonly texts = new Map<string, string>();

  constructor(private readonly spec: WorkflowSpec) {}

  finding(
    doc: { shown: string } | string,
    severity: 'error' | 'warning',
    code: string,
    message: string,
    span: Span | undefined,
    hint?: string,
  ): void {
    this.findings.push({
      file: typeof doc === 'string' ? doc : doc.shown,
      severity,
      code,
      message,
      ...(span ? { span } : {}),
      ...(hint ? { hint } : {}),
    });
  }

  /** A workflow file read and parsed, or undefined after an error finding. */
  read(file: string, shown: string, what: string): Doc | undefined {
    const text = readText(file);
    if (!text.ok) {
      this.finding(
        shown,
        'error',
        text.code === 'file-not-found' ? 'workflow-not-found' : `workflow-${text.code}`,
        text.code === 'file-not-found'
          ? `the ${what} "${shown}" does not exist (looked for ${file})`
          : `the ${what} "${shown}" ${text.message}`,
        undefined,
        text.hint ?? 'give the path of the workflow file, relative to the scenario file',
      );
      return undefined;
    }
    this.texts.set(shown, text.text);
    const t = readTemplate(text.text, shown.replace(/\.json$/i, '.yml'));
    for (const f of t.findings) {
      if (f.code === 'empty-template' || f.code === 'template-not-mapping') continue;
      this.findings.push({ ...f, file: shown });
    }
    if (t.findings.some((f) => f.severity === 'error' && f.code.startsWith('yaml')))
      return undefined;
    const root = t.root;
    const on = member(root, 'on');
    const jobs = get(root, 'jobs');
    if (!root || !on || !jobs || jobs.kind !== 'object') {
      this.finding(
        shown,
        'error',
        'not-a-workflow',
        `${shown} is not a GitHub Actions workflow: it has no ${!on ? '"on:"' : '"jobs:" mapping'}`,
        on ? (member(root, 'jobs')?.keySpan ?? on.keySpan) : (root?.span ?? START),
        'a workflow file (.github/workflows/*.yml) has on: (its triggers) and jobs:',
      );
      return undefined;
    }
    return { file, shown, root };
  }
}

// ── values and expressions ──────────────────────────────────────────────────────────────

function scalarText(node: TNode | undefined): string | undefined {
  if (!node || node.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

const START: Span = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;
const CONTEXT_REF =
  /^(secrets|vars|inputs|matrix|github\.event\.inputs|github)\.([A-Za-z_][\w-]*)$/;

/** `github.*` values that do not change what the token says: a representative stands for each. */
const RUN_VALUES: Readonly<Record<string, string>> = {
  run_id: '1234567890',
  run_number: '42',
  run_attempt: '1',
  sha: '0123456789abcdef0123456789abcdef01234567',
  actor: 'octocat',
};

/**
 * The values a string can take: each `${{ secrets.X }}`, `${{ vars.X }}`, `${{ inputs.X }}` and
 * `${{ matrix.X }}` replaced (a matrix value gives one result per value). An expression of any
 * other kind, or one whose value is not supplied, is returned as `unresolved`.
 */
export function resolveText(
  text: string,
  lookup: Lookup,
  matrix: (name: string) => string[] | undefined,
): { values: string[] } | { unresolved: string } {
  let results = [''];
  let last = 0;
  for (const m of text.matchAll(EXPRESSION)) {
    const literal = text.slice(last, m.index);
    last = (m.index ?? 0) + m[0].length;
    const ref = CONTEXT_REF.exec(m[1] ?? '');
    let options: string[] | undefined;
    if (ref?.[1] === 'matrix') options = matrix(ref[2] as string);
    else if (ref?.[1] === 'github') {
      const v = RUN_VALUES[ref[2] as string];
      options = v === undefined ? undefined : [v];
    } else if (ref) {
      const kind = ref[1] === 'github.event.inputs' ? 'inputs' : (ref[1] as string);
      const v = lookup(kind, ref[2] as string);
      options = v === undefined ? undefined : [v];
    }
    if (options === undefined) return { unresolved: m[0] };
    results = results.flatMap((r) => options.map((o) => `${r}${literal}${o}`));
  }
  return { values: results.map((r) => `${r}${text.slice(last)}`) };
}

/**
 * A name matching a GitHub filter pattern, to stand for all of them: `**` and `*` become
 * `example`, `?` becomes `x`, `+` repeats nothing, a `[…]` class gives its first character, and
 * `\` takes the next character as it is.
 */
export function representative(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      out += pattern[i + 1] ?? '';
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') i++;
      // A version tag (`v*`, `v*.*`) reads better with a number.
      out += /(^|[v.\d])$/.test(out) && out !== '' ? '1' : 'example';
    } else if (c === '?') out += 'x';
    else if (c === '+') continue;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      out += end > i + 1 ? (pattern[i + 1] as string) : '[';
      if (end > i + 1) i = end;
    } else out += c;
  }
  return out;
}

function isPattern(text: string): boolean {
  return /[*?+[\\]/.test(text);
}

// ── triggers ─────────────────────────────────────────────────────────────────────────────

interface Trigger {
  event: string;
  ref: string;
  label: string;
  notes: string[];
}

function stringList(node: TNode | undefined): string[] | undefined {
  if (!node) return undefined;
  if (node.kind === 'array') return node.items.map(scalarText).filter((s) => s !== undefined);
  const s = scalarText(node);
  return s === undefined ? undefined : [s];
}

/** The refs a `push` trigger runs for, one per positive filter pattern (or the defaults). */
function pushTriggers(config: TNode | undefined, defaultBranch: string): Trigger[] {
  const branches = stringList(get(config, 'branches'));
  const tags = stringList(get(config, 'tags'));
  const branchesIgnore = get(config, 'branches-ignore') !== undefined;
  const tagsIgnore = get(config, 'tags-ignore') !== undefined;
  const anyBranchFilter = branches !== undefined || branchesIgnore;
  const anyTagFilter = tags !== undefined || tagsIgnore;
  const out: Trigger[] = [];
  const add = (kind: 'heads' | 'tags', list: string[] | undefined, fallback: string): void => {
    const what = kind === 'heads' ? 'branch' : 'tag';
    if (list === undefined) {
      out.push({
        event: 'push',
        ref: `refs/${kind}/${fallback}`,
        label: `push refs/${kind}/${fallback}`,
        notes: [`push runs for any ${what}: refs/${kind}/${fallback} stands for them`],
      });
      return;
    }
    for (const p of list) {
      if (p.startsWith('!')) continue;
      const name = representative(p);
      const ref = `refs/${kind}/${name}`;
      out.push({
        event: 'push',
        ref,
        label: isPattern(p) ? `push ${ref} (${what} pattern ${p})` : `push ${ref}`,
        notes: isPattern(p)
          ? [
              `"${p}" is a ${what} pattern: ${ref} stands for every ${what} it matches; the policy is checked for this one name`,
            ]
          : [],
      });
    }
  };
  // Only branches filtered: tags do not trigger the workflow, and the other way round.
  if (anyBranchFilter || !anyTagFilter) add('heads', branches, defaultBranch);
  if (anyTagFilter || !anyBranchFilter) add('tags', tags, REPRESENTATIVE_TAG);
  return out;
}

const ON_DEFAULT_BRANCH = 'runs on the default branch';

function eventTriggers(event: string, config: TNode | undefined, defaultBranch: string): Trigger[] {
  const head = `refs/heads/${defaultBranch}`;
  switch (event) {
    case 'push':
      return pushTriggers(config, defaultBranch);
    case 'pull_request':
      return [
        {
          event,
          ref: 'refs/pull/1/merge',
          label: 'pull_request',
          notes: ['pull requests from forks get no OIDC token (id-token is at most read for them)'],
        },
      ];
    case 'pull_request_target':
      return [
        {
          event,
          ref: head,
          label: 'pull_request_target',
          notes: [PULL_REQUEST_TARGET_NOTE],
        },
      ];
    case 'release':
      return [
        {
          event,
          ref: `refs/tags/${REPRESENTATIVE_TAG}`,
          label: `release refs/tags/${REPRESENTATIVE_TAG}`,
          notes: [`a release runs on its tag: refs/tags/${REPRESENTATIVE_TAG} stands for them`],
        },
      ];
    case 'workflow_dispatch':
      return [
        {
          event,
          ref: head,
          label: `workflow_dispatch ${head}`,
          notes: [`run by hand on the default branch (any branch or tag can be chosen)`],
        },
      ];
    case 'workflow_call':
      return [
        {
          event,
          ref: head,
          label: `workflow_call ${head}`,
          notes: [
            "a reusable workflow presents its caller's subject: the default branch stands for it",
          ],
        },
      ];
    default:
      return [
        { event, ref: head, label: `${event} ${head}`, notes: [`${event} ${ON_DEFAULT_BRANCH}`] },
      ];
  }
}

function triggers(on: TNode, defaultBranch: string): Trigger[] {
  if (on.kind === 'scalar') {
    const e = scalarText(on);
    return e ? eventTriggers(e, undefined, defaultBranch) : [];
  }
  if (on.kind === 'array')
    return on.items.flatMap((n) => {
      const e = scalarText(n);
      return e ? eventTriggers(e, undefined, defaultBranch) : [];
    });
  return on.members.flatMap((m) => eventTriggers(m.key, m.value, defaultBranch));
}

// ── the job ──────────────────────────────────────────────────────────────────────────────

/** Whether `permissions` (of a job, else of the workflow) grants `id-token: write`. */
function grantsIdToken(job: TNode, root: TNode): boolean {
  const p = get(job, 'permissions') ?? get(root, 'permissions');
  if (!p) return false;
  if (p.kind === 'scalar') return scalarText(p) === 'write-all';
  return scalarText(get(p, 'id-token')) === 'write';
}

/**
 * Does `role-to-assume` as written (an ARN, or a role name) name the role `arn`? The action turns
 * a name into `arn:aws:iam::ACCOUNT:role/NAME`, so a name may carry the role's path
 * (`deploy/gha-deploy`); the name alone is taken too.
 */
export function roleMatches(written: string, arn: string): boolean {
  if (written.startsWith('arn:')) return written === arn;
  const at = arn.indexOf(':role/');
  if (at >= 0 && arn.slice(at + ':role/'.length) === written) return true;
  return arn.slice(arn.lastIndexOf('/') + 1) === written;
}

/**
 * The configure-aws-credentials step to read: the only one; of several, the one whose
 * role-to-assume names the role under test, else the first (with a warning saying so).
 */
function chooseStep(
  r: Reader,
  req: Requester,
  steps: TNode[],
  roleArn: string | undefined,
): TNode | undefined {
  if (steps.length <= 1) return steps[0];
  const roles = steps.map((s) => {
    const text = scalarText(get(get(s, 'with'), 'role-to-assume'));
    if (text === undefined) return undefined;
    const resolved = resolveText(text, req.lookup, () => undefined);
    return 'values' in resolved ? resolved.values[0] : undefined;
  });
  const named =
    roleArn === undefined
      ? []
      : steps.filter((_, i) => roles[i] !== undefined && roleMatches(roles[i], roleArn));
  if (named.length === 1) return named[0];
  r.finding(
    req.doc,
    'warning',
    'workflow-several-credentials-steps',
    named.length > 1
      ? `the job has ${named.length} ${CONFIGURE_AWS_CREDENTIALS} steps for this role: the first is used`
      : `the job has ${steps.length} ${CONFIGURE_AWS_CREDENTIALS} steps${roleArn !== undefined ? ` and none names ${roleArn}` : ''}: the first is used`,
    (named.length > 1 ? named[1] : steps[1])?.span,
    'split the job, or test each role in a scenario of its own (the step whose role-to-assume names the scenario’s role is read)',
  );
  return named[0] ?? steps[0];
}

function configureSteps(job: TNode): TNode[] {
  const steps = get(job, 'steps');
  if (!steps || steps.kind !== 'array') return [];
  return steps.items.filter((s) =>
    (scalarText(get(s, 'uses')) ?? '').toLowerCase().startsWith(`${CONFIGURE_AWS_CREDENTIALS}@`),
  );
}

/** The job `jobs.<id>` of a workflow, or an error finding listing the jobs it has. */
function findJob(r: Reader, doc: Doc, id: string, what: string): TNode | undefined {
  const jobs = get(doc.root, 'jobs') as TNode;
  const job = get(jobs, id);
  if (job && job.kind === 'object') return job;
  const ids = jobs.kind === 'object' ? jobs.members.map((m) => m.key) : [];
  r.finding(
    doc,
    'error',
    'workflow-job-not-found',
    `${what} ${doc.shown} has no job "${id}"`,
    member(doc.root, 'jobs')?.keySpan,
    ids.length > 0 ? `its jobs: ${ids.join(', ')} (the key under jobs:, not its name:)` : undefined,
  );
  return undefined;
}

/** The repository-relative path of a workflow file (`.github/workflows/NAME`). */
function workflowPath(file: string): string {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('.github');
  if (at >= 0 && parts[at + 1] === 'workflows') return parts.slice(at).join('/');
  return `.github/workflows/${parts[parts.length - 1] ?? ''}`;
}

/** The repository's root folder, when the file sits in its `.github/workflows`. */
function repositoryRoot(file: string): string | undefined {
  const dir = dirname(file);
  return dir.endsWith(`${sep}.github${sep}workflows`) ? resolve(dir, '..', '..') : undefined;
}

/** `@main` → `refs/heads/main`; a full ref or a commit SHA as it is. */
function refOf(at: string): string {
  return at.startsWith('refs/') || /^[0-9a-f]{40}$/i.test(at) ? at : `refs/heads/${at}`;
}

interface Credentials {
  audience: string;
  roleToAssume?: string;
  roleWritten?: { text: string; span: Span; file: string };
  roleSessionName: string;
  durationSeconds: number;
}

/** The inputs of the configure-aws-credentials step, resolved. */
function credentials(r: Reader, doc: Doc, step: TNode | undefined, lookup: Lookup): Credentials {
  const out: Credentials = {
    audience: DEFAULT_AUDIENCE,
    roleSessionName: DEFAULT_SESSION_NAME,
    durationSeconds: DEFAULT_DURATION,
  };
  const withNode = get(step, 'with');
  const input = (name: string): { text: string; span: Span } | undefined => {
    const n = get(withNode, name);
    const text = scalarText(n);
    if (text === undefined || !n) return undefined;
    const resolved = resolveText(text, lookup, () => undefined);
    if ('values' in resolved) return { text: resolved.values[0] as string, span: n.span };
    const supply = /secrets\.|vars\.|inputs\./.test(resolved.unresolved);
    r.finding(
      doc,
      name === 'role-to-assume' ? 'warning' : 'error',
      'workflow-unresolved-input',
      `${name}: ${resolved.unresolved} cannot be resolved${name === 'role-to-assume' ? ': the role the job assumes is not known' : ''}`,
      n.span,
      supply
        ? 'supply its value: in a scenario github: {secrets: {NAME: …}, vars: {…}, inputs: {…}}; on the command line --secret NAME=VALUE (--var, --input)'
        : 'only ${{ secrets.X }}, ${{ vars.X }}, ${{ inputs.X }} and ${{ matrix.X }} are resolved',
    );
    return undefined;
  };
  const aud = input('audience');
  if (aud) out.audience = aud.text;
  const written = scalarText(get(withNode, 'role-to-assume'));
  const role = input('role-to-assume');
  if (role) out.roleToAssume = role.text;
  const roleNode = get(withNode, 'role-to-assume');
  if (written !== undefined && roleNode)
    out.roleWritten = { text: written, span: roleNode.span, file: doc.shown };
  const session = input('role-session-name');
  if (session) out.roleSessionName = session.text;
  const duration = input('role-duration-seconds');
  if (duration) {
    // What the action does (src/index.ts): Number.parseInt(input) || DEFAULT_ROLE_DURATION. So
    // "3600s" is 3600, "1e3" is 1, "0" and "an hour" are the default; said, never silent.
    const parsed = Number.parseInt(duration.text);
    out.durationSeconds = parsed || DEFAULT_DURATION;
    if (!/^\d+$/.test(duration.text) || parsed === 0)
      r.finding(
        doc,
        'warning',
        'workflow-odd-duration',
        parsed
          ? `role-duration-seconds "${duration.text}" is not plain digits: ${CONFIGURE_AWS_CREDENTIALS} reads it with parseInt, as ${parsed} seconds`
          : `role-duration-seconds "${duration.text}" is no number of seconds: ${CONFIGURE_AWS_CREDENTIALS} reads it with parseInt and takes its default, ${DEFAULT_DURATION}`,
        duration.span,
        'write the number of seconds the session should last, e.g. 3600',
      );
  }
  if (step && roleNode === undefined) {
    r.finding(
      doc,
      'warning',
      'workflow-no-role',
      `the ${CONFIGURE_AWS_CREDENTIALS} step names no role-to-assume: it does not call AssumeRoleWithWebIdentity`,
      step.span,
      'with OIDC, the step needs role-to-assume (and the job id-token: write)',
    );
  }
  if (step && get(withNode, 'aws-access-key-id') !== undefined) {
    r.finding(
      doc,
      'warning',
      'workflow-static-keys',
      `the ${CONFIGURE_AWS_CREDENTIALS} step gives aws-access-key-id: it assumes the role with AssumeRole, not with a web identity`,
      get(withNode, 'aws-access-key-id')?.span,
      'remove the access keys to use the OIDC token',
    );
  }
  return out;
}

/** The values a job's `strategy.matrix.NAME` takes (its list, plus `include` entries). */
function matrixValues(job: TNode, name: string): string[] | undefined {
  const matrix = get(get(job, 'strategy'), 'matrix');
  const listed = stringList(get(matrix, name)) ?? [];
  const include = get(matrix, 'include');
  const extra =
    include?.kind === 'array'
      ? include.items.map((i) => scalarText(get(i, name))).filter((s) => s !== undefined)
      : [];
  const all = [...new Set([...listed, ...extra])];
  return all.length > 0 ? all : undefined;
}

/** The job's environment names (several with a matrix), none, or undefined after an error. */
function environments(
  r: Reader,
  doc: Doc,
  job: TNode,
  lookup: Lookup,
  override: string | undefined,
): string[] | undefined {
  if (override !== undefined) return [override];
  const env = get(job, 'environment');
  if (!env) return [];
  const node = env.kind === 'object' ? get(env, 'name') : env;
  const text = scalarText(node);
  if (text === undefined || !node) {
    r.finding(
      doc,
      'error',
      'workflow-bad-environment',
      'the job\'s environment is neither a name nor a mapping with "name"',
      env.span,
      'environment: production, or environment: {name: production, url: …}',
    );
    return undefined;
  }
  const resolved = resolveText(text, lookup, (n) => matrixValues(job, n));
  if ('values' in resolved) return resolved.values;
  r.finding(
    doc,
    'error',
    'workflow-unresolved-environment',
    `the job's environment ${JSON.stringify(text)} cannot be resolved: ${resolved.unresolved} is known only when the job runs`,
    node.span,
    'give the environment in the scenario (github: {environment: NAME}), or on the command line (--environment NAME)',
  );
  return undefined;
}

/** `include_claim_keys` applied: `key:value` pairs, `repo` and `context` from the default subject. */
function templatedSub(
  template: readonly string[],
  defaultSub: string,
  claims: Record<string, unknown>,
): { sub: string } | { missing: string } {
  const rest = defaultSub.slice('repo:'.length);
  const colon = rest.indexOf(':');
  const parts: string[] = [];
  for (const key of template) {
    if (key === 'repo') parts.push(`repo:${rest.slice(0, colon)}`);
    else if (key === 'context') parts.push(rest.slice(colon + 1));
    else {
      const v = claims[key];
      if (v === undefined || v === null) return { missing: key };
      parts.push(`${key}:${String(v).replaceAll(':', '%3A')}`);
    }
  }
  return { sub: parts.join(':') };
}

/** Where the job's credentials are requested: the job itself, or the reusable workflow it calls. */
interface Requester {
  doc: Doc;
  job: TNode;
  lookup: Lookup;
  /** job_workflow_ref for a ref: the called workflow's, or the workflow's own. */
  jobWorkflowRef: (ref: string) => string;
}

function callerLookup(spec: WorkflowSpec): Lookup {
  return (kind, name) => {
    const map = kind === 'secrets' ? spec.secrets : kind === 'vars' ? spec.vars : spec.inputs;
    return map && Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
  };
}

/** The values a caller passes to a reusable workflow (`with:` and `secrets:`), resolved. */
function calledLookup(callerJob: TNode, outer: Lookup): Lookup {
  return (kind, name) => {
    if (kind === 'vars') return outer(kind, name);
    const block = get(callerJob, kind === 'secrets' ? 'secrets' : 'with');
    if (kind === 'secrets' && scalarText(block) === 'inherit') return outer(kind, name);
    const text = scalarText(get(block, name));
    if (text === undefined) return undefined;
    const r = resolveText(text, outer, () => undefined);
    return 'values' in r ? r.values[0] : undefined;
  };
}

/** The job that requests credentials in a called workflow (`calledJob`, or the only one that does). */
function calledJob(r: Reader, doc: Doc, wanted: string | undefined): TNode | undefined {
  if (
    !member(get(doc.root, 'on'), 'workflow_call') &&
    scalarText(get(doc.root, 'on')) !== 'workflow_call'
  ) {
    const on = get(doc.root, 'on');
    const listed = on?.kind === 'array' && on.items.some((i) => scalarText(i) === 'workflow_call');
    if (!listed) {
      r.finding(
        doc,
        'error',
        'workflow-not-reusable',
        `${doc.shown} is called with uses:, but it has no workflow_call trigger`,
        member(doc.root, 'on')?.keySpan,
        'a reusable workflow has on: workflow_call',
      );
      return undefined;
    }
  }
  if (wanted !== undefined) return findJob(r, doc, wanted, 'the called workflow');
  const jobs = get(doc.root, 'jobs') as TNode;
  const members = jobs.kind === 'object' ? jobs.members : [];
  const requesting = members.filter((m) => configureSteps(m.value).length > 0);
  if (requesting.length === 1) return (requesting[0] as { value: TNode }).value;
  if (requesting.length === 0 && members.length === 1)
    return (members[0] as { value: TNode }).value;
  r.finding(
    doc,
    'error',
    'workflow-called-job-ambiguous',
    `the called workflow ${doc.shown} has ${requesting.length || members.length} jobs that could request credentials: say which`,
    member(doc.root, 'jobs')?.keySpan,
    `give github: {calledJob: ID} (jobs: ${(requesting.length ? requesting : members).map((m) => m.key).join(', ')})`,
  );
  return undefined;
}

/** The job that requests credentials: the job itself, or the job of the workflow it calls. */
function requester(r: Reader, spec: WorkflowSpec, doc: Doc, job: TNode): Requester | undefined {
  const lookup = callerLookup(spec);
  const own = `${spec.repository}/${workflowPath(doc.file)}`;
  const uses = scalarText(get(job, 'uses'));
  if (uses === undefined) return { doc, job, lookup, jobWorkflowRef: (ref) => `${own}@${ref}` };
  const local = uses.startsWith('./');
  const remote = /^([^/@\s]+\/[^/@\s]+)\/(\.github\/workflows\/[^@\s]+)@(\S+)$/.exec(uses);
  if (!local && !remote) {
    r.finding(
      doc,
      'error',
      'workflow-bad-uses',
      `uses: "${uses}" is neither ./.github/workflows/FILE nor OWNER/REPO/.github/workflows/FILE@REF`,
      get(job, 'uses')?.span,
    );
    return undefined;
  }
  const jobWorkflowRef = local
    ? (ref: string) => `${spec.repository}/${uses.slice(2)}@${ref}`
    : () => `${remote?.[1]}/${remote?.[2]}@${refOf(remote?.[3] as string)}`;
  let calledFile: string | undefined;
  if (spec.calledWorkflow !== undefined)
    calledFile = resolve(dirname(spec.file), spec.calledWorkflow);
  else if (local) {
    const root = repositoryRoot(doc.file);
    calledFile =
      root !== undefined
        ? join(root, uses.slice(2))
        : resolve(dirname(doc.file), '..', '..', uses.slice(2));
  }
  if (calledFile === undefined) {
    r.finding(
      doc,
      'warning',
      'workflow-called-not-read',
      `the job calls ${uses}, which is not read: aud and role are taken as configure-aws-credentials' defaults`,
      get(job, 'uses')?.span,
      'give a local copy of the called workflow: github: {calledWorkflow: PATH}',
    );
    return { doc, job: { kind: 'object', members: [], span: job.span }, lookup, jobWorkflowRef };
  }
  const shown = relative(spec.cwd ?? dirname(spec.file), calledFile)
    .split(sep)
    .join('/');
  const called = r.read(calledFile, shown, 'called workflow');
  if (!called) return undefined;
  const cj = calledJob(r, called, spec.calledJob);
  if (!cj) return undefined;
  return { doc: called, job: cj, lookup: calledLookup(job, lookup), jobWorkflowRef };
}

/** Reads the job of a workflow and derives the subjects it can present. */
export function readWorkflowJob(spec: WorkflowSpec): WorkflowJob {
  const r = new Reader(spec);
  const fail = (): WorkflowJob => ({
    ok: false,
    subjects: [],
    request: {
      audience: DEFAULT_AUDIENCE,
      roleSessionName: DEFAULT_SESSION_NAME,
      durationSeconds: DEFAULT_DURATION,
      idToken: false,
    },
    findings: r.findings,
    texts: r.texts,
  });
  const doc = r.read(spec.file, spec.shown, 'workflow');
  if (!doc) return fail();
  const job = findJob(r, doc, spec.job, 'the workflow');
  if (!job) return fail();
  const req = requester(r, spec, doc, job);
  if (!req) return fail();
  const steps = configureSteps(req.job);
  if (steps.length === 0 && req.job.kind === 'object' && req.job.members.length > 0) {
    r.finding(
      req.doc,
      'warning',
      'workflow-no-credentials-step',
      `job "${req.doc === doc ? spec.job : 'called'}" has no ${CONFIGURE_AWS_CREDENTIALS} step: aud is taken as its default (sts.amazonaws.com) and the role as the scenario's`,
      req.job.span,
      'the subjects still hold for any step that requests a token with that audience',
    );
  }
  const step = chooseStep(r, req, steps, spec.roleArn);
  const creds = credentials(r, req.doc, step, req.lookup);
  const idToken =
    grantsIdToken(job, doc.root) &&
    (req.doc === doc || !get(req.job, 'permissions') || grantsIdToken(req.job, req.doc.root));
  if (!idToken) {
    r.finding(
      doc,
      'warning',
      'workflow-no-id-token',
      `job "${spec.job}" cannot request an OIDC token: its permissions do not grant id-token: write`,
      (member(job, 'permissions') ?? member(doc.root, 'permissions'))?.keySpan ??
        member(doc.root, 'jobs')?.keySpan,
      'add permissions: {id-token: write, contents: read} to the job (the default token permissions leave id-token at none)',
    );
  }
  const envs = environments(r, req.doc, req.job, req.lookup, spec.environment);
  if (!envs || r.findings.some((f) => f.severity === 'error')) return fail();
  const subjects = deriveSubjects(r, spec, doc, req, envs);
  if (!subjects) return fail();
  return {
    ok: true,
    subjects,
    request: { ...creds, idToken },
    findings: r.findings,
    texts: r.texts,
  };
}

function deriveSubjects(
  r: Reader,
  spec: WorkflowSpec,
  doc: Doc,
  req: Requester,
  envs: string[],
): WorkflowSubject[] | undefined {
  const name = scalarText(get(doc.root, 'name')) ?? workflowPath(doc.file);
  const all = triggers(get(doc.root, 'on') as TNode, spec.defaultBranch ?? 'main');
  const caller = get(get(doc.root, 'jobs'), spec.job) as TNode;
  const conditions: Array<[Doc, TNode]> = [[doc, caller]];
  if (req.job !== caller) conditions.push([req.doc, req.job]);
  const list = conditions.reduce((kept, [d, j]) => jobCondition(r, d, j, kept), all);
  if (all.length > 0 && list.length === 0) {
    r.finding(
      doc,
      'error',
      'workflow-no-subjects',
      `job "${spec.job}" runs for none of the workflow's triggers: its if: excludes them all`,
      (get(caller, 'if') ?? get(req.job, 'if'))?.span,
      'check the job condition against on:',
    );
    return undefined;
  }
  if (all.length === 0) {
    r.finding(
      doc,
      'error',
      'workflow-no-triggers',
      `${doc.shown} has no trigger under on:`,
      member(doc.root, 'on')?.keySpan,
      'e.g. on: {push: {branches: [main]}}',
    );
    return undefined;
  }
  const out: WorkflowSubject[] = [];
  const seen = new Set<string>();
  for (const env of envs.length > 0 ? envs : [undefined]) {
    for (const t of list) {
      const input: GithubClaimsInput = {
        ...(spec.claims ?? {}),
        repository: spec.repository,
        ref: t.ref,
        event: t.event,
        ...(env !== undefined ? { environment: env } : {}),
      };
      const subject = githubSub(input);
      const jobWorkflowRef = req.jobWorkflowRef(t.ref);
      let sub: string | undefined;
      if (spec.subTemplate) {
        const claims = githubClaims({ ...input, workflow: name, jobWorkflowRef });
        const built = templatedSub(spec.subTemplate, subject, claims);
        if ('missing' in built) {
          r.finding(
            '',
            'error',
            'workflow-template-claim-unknown',
            `subTemplate names "${built.missing}", a claim the token's other fields do not give`,
            undefined,
            'include_claim_keys names claims of the token (repo, context, job_workflow_ref, repository_owner, …); give the claim in the github shorthand',
          );
          return undefined;
        }
        sub = built.sub;
      }
      const label = env !== undefined ? `environment ${env}, ${t.label}` : t.label;
      const key = `${sub ?? subject}|${t.ref}|${t.event}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        event: t.event,
        label,
        ref: t.ref,
        ...(env !== undefined ? { environment: env } : {}),
        jobWorkflowRef,
        workflow: name,
        sub: sub ?? subject,
        subject: sub ?? subject,
        notes: t.notes,
      });
    }
  }
  return out;
}

/** One comparison of a job's `if:` that is understood: `github.event_name` or `github.ref`. */
const IF_TERM = /^\s*(github\.event_name|github\.ref)\s*(==|!=)\s*'([^']*)'\s*$/;

/**
 * The triggers a job's `if:` lets run, when it is made of `github.event_name` / `github.ref`
 * comparisons joined by one of `&&` and `||`; any other condition is a warning, and every
 * trigger is kept.
 */
function jobCondition(r: Reader, doc: Doc, job: TNode | undefined, list: Trigger[]): Trigger[] {
  const node = get(job, 'if');
  const text = scalarText(node);
  if (text === undefined || !node) return list;
  const bare = text
    .trim()
    .replace(/^\$\{\{([^]*)\}\}$/, '$1')
    .trim();
  const or = bare.includes('||');
  const parts = bare.split(or ? '||' : '&&');
  const terms = parts.map((p) => IF_TERM.exec(p));
  if ((or && bare.includes('&&')) || terms.some((m) => m === null)) {
    r.finding(
      doc,
      'warning',
      'workflow-if-not-evaluated',
      `the job's condition ${JSON.stringify(text)} is not evaluated: a subject is derived for every trigger`,
      node.span,
      'only github.event_name and github.ref compared with == or != (joined by && or by ||) are read',
    );
    return list;
  }
  // GitHub "ignores case when comparing strings" (Evaluate expressions, Operators).
  const holds = (t: Trigger, m: RegExpExecArray): boolean => {
    const value = m[1] === 'github.ref' ? t.ref : t.event;
    return (value.toLowerCase() === (m[3] as string).toLowerCase()) === (m[2] === '==');
  };
  return list.filter((t) =>
    or
      ? terms.some((m) => holds(t, m as RegExpExecArray))
      : terms.every((m) => holds(t, m as RegExpExecArray)),
  );
}
