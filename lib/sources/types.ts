/**
 * Where a role lives: a CloudFormation template, a CDK cloud assembly, a Terraform plan or state
 * (as `terraform show -json` writes it), or the live account. Each reader resolves its source to
 * the same shape: the role's facts, its trust policy as plain data with positions back into the
 * source file, the OIDC providers the source defines, and where every value came from.
 *
 * A value that cannot be known before deployment is an error finding that names the file, the
 * place, the unresolved construct and the exact key with which to supply it: never a guess.
 */
import type { Finding, Span } from '../diagnostics.js';
import type { ValueSpanOptions } from '../policy/value.js';
import type { ProviderEntry } from '../providers/types.js';

/** What a scenario file's `role:` (or the command line) names. */
export type SourceSpec =
  | {
      kind: 'cloudformation';
      /** The template (JSON or YAML), resolved against the scenario file's folder. */
      file: string;
      logicalId?: string;
      parameters?: Readonly<Record<string, string | readonly string[]>>;
      parametersFile?: string;
      account?: string;
      region?: string;
      /** `aws`, `aws-cn`, `aws-us-gov`, …; derived from `region` when not given. */
      partition?: string;
      /** `AWS::StackName`, when the template refers to it. */
      stackName?: string;
      /** Values known only after deployment: `LogicalId.Attribute` → value. */
      resources?: Readonly<Record<string, unknown>>;
      /** `Fn::ImportValue` export name → value. */
      imports?: Readonly<Record<string, unknown>>;
    }
  | {
      kind: 'cdk';
      /** The cloud assembly folder (`cdk.out`). */
      dir: string;
      stack?: string;
      construct?: string;
      logicalId?: string;
      parameters?: Readonly<Record<string, string | readonly string[]>>;
      parametersFile?: string;
      /** Default: the stack's environment in the assembly, when it is not environment-agnostic. */
      account?: string;
      region?: string;
      partition?: string;
      resources?: Readonly<Record<string, unknown>>;
      imports?: Readonly<Record<string, unknown>>;
    }
  | {
      kind: 'terraform';
      /** `terraform show -json` of a plan file, or of the state. */
      file: string;
      /** The resource address, e.g. `module.ci.aws_iam_role.this[0]`; optional with one role. */
      address?: string;
      /** Values known only after apply: `ADDRESS.attribute` → value. */
      resources?: Readonly<Record<string, unknown>>;
    }
  | {
      kind: 'live';
      /** The role ARN (GetRole by its name). */
      arn: string;
      profile?: string;
      region?: string;
    };

/** Where one value came from. */
export interface Provenance {
  /** `file`: written in the source; `parameter`/`parameter-default`: a template parameter;
   * `supplied`: given by the user (`resources`, `imports`, `--param`); `derived`: computed
   * (e.g. a provider ARN from its URL); `api`: an AWS API answer; `override`: the scenario file. */
  kind: 'file' | 'parameter' | 'parameter-default' | 'supplied' | 'derived' | 'api' | 'override';
  /** The file, for file-based kinds (as given, relative to the working folder when it can be). */
  file?: string;
  span?: Span;
  /** JSON pointer into a JSON source (RFC 6901). */
  pointer?: string;
  /** The AWS API call, e.g. `iam:GetRole`. */
  api?: string;
  /** A short human phrase, e.g. `parameter RepoPattern (default)`. */
  note?: string;
}

/** A source's finding: a `Finding` that also names the file it is about. */
export interface SourceFinding extends Finding {
  file?: string;
}

export interface ResolvedRole {
  /** arn:PARTITION:iam::ACCOUNT:role[/PATH]/NAME, when the source determines it. */
  arn?: string;
  maxSessionDuration?: number;
  tags?: Readonly<Record<string, string>>;
  /**
   * The trust policy as plain data (intrinsics resolved), for `parsePolicy(document, {spanOf})`:
   * `spanOf` places each node in `file` where the source has positions.
   */
  trustPolicy: {
    document: unknown;
    file: string;
    spanOf?: ValueSpanOptions['spanOf'];
    /** Where the whole document sits in `file` (spans of nodes without their own). */
    at?: Span;
  };
}

export type SourceResult =
  | {
      ok: true;
      role: ResolvedRole;
      /** OIDC providers the source defines (undefined: the source says nothing about them). */
      providers?: ProviderEntry[];
      /** By field: `arn`, `maxSessionDuration`, `tags`, `trustPolicy`, `providers[0]`, … */
      provenance: Record<string, Provenance>;
      /** Warnings and notes (an error finding makes the result not ok). */
      findings: SourceFinding[];
    }
  | { ok: false; findings: SourceFinding[] };

/** What a reader may use: the folder relative paths start from, and (tests) a file reader. */
export interface SourceOptions {
  /** Relative paths in the spec are resolved against it. */
  baseDir: string;
  /** Environment for live sources (credentials, AWS_ENDPOINT_URL, AWS_PROFILE, …). */
  env?: NodeJS.ProcessEnv;
}
