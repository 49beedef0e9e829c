/** Scenario files, as loaded, and the results of running them. */
import type { SignatureVerdict } from '../token-verify.js';
import type {
  Decision,
  RequestInput,
  Stage,
  ContextInputValue,
  SimulationInput,
  StsErrorCode,
} from '../sts/types.js';
import type { CompiledPolicy } from '../sts/compile.js';
import type { Claims, ProviderEntry } from '../providers/types.js';
import type { Diagnosis } from '../explain/types.js';
import type { Predicate, PropertyKind } from '../symbolic/predicate.js';
import type { CoverageReport } from './coverage.js';

export type { Diagnosis };

/** An error in an input file, with its place. Exit code 2. */
export interface FileError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** Stable id, e.g. `yaml-syntax`, `unknown-field`, `policy-duplicate-key`. */
  code: string;
  hint?: string;
  /** A few lines of the source around the place, with a caret (plain text, no colors). */
  frame?: string;
  severity?: 'error' | 'warning';
  /** For a finding in a trust policy: the Sid of the statement it is in (what `ignore: {sid}` matches). */
  sid?: string;
}

/**
 * One `ignore:` entry: a finding code to accept, from a scenario file (for that file and the trust
 * policies its scenarios use) or from `trustspec.config.yaml` (for every file of the run).
 */
export interface IgnoreRule {
  /** A finding code, as reports print it; the `policy-` prefix of policy findings is optional. */
  code: string;
  reason?: string;
  /** Only findings inside the policy statement with this Sid. */
  sid?: string;
  /** Where the entry is written. */
  file: string;
  line: number;
  column: number;
  source: 'scenario-file' | 'config';
}

/** A warning the user accepted with `ignore:`: counted as suppressed, never dropped silently. */
export interface SuppressedFinding extends FileError {
  ignoredBy: IgnoreRule;
}

/** A scenario written in a file that could not be run, because of the file error named. */
export interface BlockedScenario {
  file: string;
  line: number;
  column: number;
  name: string;
  /** The first error that stopped it (in the scenario itself, else in its file or policy). */
  error: FileError;
}

export type Expectation =
  | { decision: 'allow' }
  | {
      decision: 'deny';
      stage?: Stage;
      because?: string;
      /** The error code STS must return (`expect: {deny: {code: AccessDenied}}`). */
      code?: StsErrorCode;
    };

/** A role as a scenario uses it: its policy compiled once and shared by every scenario naming it. */
export interface LoadedRole {
  arn: string;
  maxSessionDuration?: number;
  tags?: Record<string, string>;
  policy: CompiledPolicy;
  /** The file the policy came from (the scenario file itself for an inline policy). */
  policyFile: string;
}

export interface Scenario {
  file: string;
  line: number;
  column: number;
  /** Unique in the file; matrix copies are named after their values. */
  name: string;
  role: LoadedRole;
  providers?: ProviderEntry[];
  claims: Claims;
  header?: Readonly<Record<string, unknown>>;
  tokenLength?: number;
  /** The token's signature checked against `token.jwks` (set once the file's keys are verified). */
  signature?: SignatureVerdict;
  request: RequestInput;
  context?: Record<string, ContextInputValue>;
  now: number;
  expect: Expectation;
  skip: boolean;
  only: boolean;
  /** `skip: "reason"`. */
  skipReason?: string;
  description?: string;
  /** For a matrix copy: the values it was made with. */
  matrix?: Record<string, unknown>;
  /** `eks: {serviceAccount: FILE}`: the ServiceAccount the token was built from. */
  serviceAccount?: ServiceAccountFacts;
  /**
   * UNCONFIRMED readings the token was built on that the policy can see (assumptions.ts): the
   * result lists them with its own.
   */
  assumptions?: string[];
  /** The simulation input this scenario describes (computed from the fields above; not enumerable). */
  readonly input: SimulationInput;
}

/** A ServiceAccount read from a manifest (lib/scenarios/k8s-service-account.ts). */
export interface ServiceAccountFacts {
  /** The manifest, as reports name it, and the place of the ServiceAccount in it. */
  file: string;
  line: number;
  column: number;
  name: string;
  namespace: string;
  /** `eks.amazonaws.com/role-arn`, and where it is written. */
  roleArn?: string;
  roleArnAt?: { line: number; column: number };
  audience: string;
  /** Seconds, as the pod identity webhook computes them. */
  tokenExpiration: number;
  regionalSts?: boolean;
  /** Set when the issuer was taken from the trust policy's only EKS provider. */
  issuerFromPolicy?: string;
}

/** A property of the file's role over all tokens (`properties:`), as loaded. */
export interface Property {
  file: string;
  line: number;
  column: number;
  name: string;
  kind: PropertyKind;
  predicate: Predicate;
  role: LoadedRole;
  providers?: ProviderEntry[];
  /** Epoch ms: the clock of a counterexample (the property's `now`, else the file's). */
  now: number;
  skip: boolean;
  skipReason?: string;
  description?: string;
}

/** How a property fared, on its result. */
export interface PropertyVerdict {
  kind: PropertyKind;
  result: 'proven' | 'refuted' | 'unknown';
  /** A refutation: the provider and the token (request, context, clock) that refute it. */
  provider?: string;
  example?: {
    token: Record<string, unknown>;
    request: Record<string, unknown>;
    context: Record<string, string>;
    now?: string;
  };
}

export interface ScenarioResult {
  file: string;
  line: number;
  column: number;
  name: string;
  expected: Expectation;
  skipped: boolean;
  /** Absent when skipped. */
  decision?: Decision;
  ok: boolean;
  /** When not ok: what differed from `expect`, in one sentence. */
  mismatch?: string;
  diagnoses: Diagnosis[];
  policyFile: string;
  /** Why it was skipped: `skip: "reason"`, or that other scenarios are marked `only`. */
  skipReason?: string;
  /**
   * Set when the scenario could not run at all: the file error that stopped it. Such a result is
   * neither passed nor failed (`ok` false, no decision): it counts as an error.
   */
  blockedBy?: FileError;
  /** Set for the result of a property (`properties:`), absent for a scenario. */
  property?: PropertyVerdict;
}

export interface RunReport {
  files: string[];
  /** Every scenario: run, skipped, or blocked by a file error (`blockedBy`). */
  results: ScenarioResult[];
  errors: FileError[];
  /** Findings and warnings still to show: each policy's once. */
  warnings: FileError[];
  /** Warnings accepted with `ignore:` (counted, not shown one by one unless asked). */
  suppressed?: SuppressedFinding[];
  /** `test --coverage`: what the scenarios exercised (lib/scenarios/coverage.ts). */
  coverage?: CoverageReport;
}
