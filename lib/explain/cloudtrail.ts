/**
 * CloudTrail records of `AssumeRoleWithWebIdentity`, read back into the call STS saw.
 *
 * Three inputs: one event; a trail's log file `{"Records": [...]}` (or a bare list of events); and
 * the output of `aws cloudtrail lookup-events`, `{"Events": [{..., "CloudTrailEvent": "<JSON>"}]}`,
 * where each event is a JSON string. Every position is in the file as given: a problem inside an
 * embedded `CloudTrailEvent` string is placed at the character of the file that holds it.
 *
 * Event shape (IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail", example
 * AssumeRoleWithWebIdentity event; CloudTrail User Guide, "CloudTrail userIdentity element"):
 * `userIdentity` `{type: WebIdentityUser, principalId: PROVIDER:AUD:SUB, userName: SUB,
 * identityProvider: PROVIDER}`; `requestParameters` `{roleArn, roleSessionName, durationSeconds,
 * sourceIdentity, principalTags, transitiveTagKeys, providerId}`; on success `responseElements`
 * `{subjectFromWebIdentityToken, audience, provider, assumedRoleUser, sourceIdentity}`; on failure
 * `errorCode` and `errorMessage` and `responseElements: null`.
 */
import type { Position } from '../diagnostics.js';
import { getMember, type AstNode, type AstObject } from '../policy/index.js';
import { parseJson } from '../policy/json.js';
import {
  parsePrincipalId,
  readProvider,
  type PrincipalReading,
  type RecordedProvider,
} from './cloudtrail-principal.js';

export const WEB_IDENTITY_EVENT = 'AssumeRoleWithWebIdentity';

/** A problem with the input, at its place in the file. */
export interface CloudTrailProblem {
  line: number;
  column: number;
  message: string;
  hint?: string;
}

/** What CloudTrail recorded as the call's result. */
export type RecordedOutcome = { kind: 'allow' } | { kind: 'error'; code: string; message?: string };

/** One `AssumeRoleWithWebIdentity` call as STS saw it. */
export interface RecordedCall {
  /** 1-based place of the event among the file's events. */
  index: number;
  /** Where the event starts in the file. */
  line: number;
  column: number;
  eventId?: string;
  eventTime?: string;
  /** `eventTime` in epoch milliseconds, when it is a date. */
  time?: number;
  region?: string;
  roleArn: string;
  roleSessionName?: string;
  durationSeconds?: number;
  providerId?: string;
  sourceIdentity?: string;
  principalTags?: Record<string, string>;
  transitiveTagKeys?: string[];
  provider: RecordedProvider;
  aud: string;
  sub: string;
  /** How the principal id was split, and the other readings that fit as well (ambiguous). */
  principalBasis: string;
  ambiguous: PrincipalReading[];
  outcome: RecordedOutcome;
  /** Cross-partition federation (IAM's outbound identity federation): who asked for the token. */
  crossPartition?: { sourcePrincipalArn?: string; sourceRegion?: string };
}

/** An event of another API, named so that nothing is dropped unseen. */
export interface SkippedEvent {
  index: number;
  line: number;
  column: number;
  eventName: string;
  eventSource?: string;
}

export interface CloudTrailRead {
  /** Which of the three inputs the file is. */
  shape: 'event' | 'records' | 'list' | 'lookup-events';
  calls: RecordedCall[];
  skipped: SkippedEvent[];
  /** Problems that make the input unusable; `calls` is then not to be used. */
  errors: CloudTrailProblem[];
}

/** Maps a position of a parsed text to the file's line and column. */
type Place = (offset: number) => { line: number; column: number };

class Bad {
  constructor(readonly problem: CloudTrailProblem) {}
}

function fail(
  place: Place,
  node: { span: { start: Position } },
  message: string,
  hint?: string,
): never {
  throw new Bad({ ...place(node.span.start.offset), message, ...(hint ? { hint } : {}) });
}

function asObject(place: Place, node: AstNode, what: string): AstObject {
  if (node.kind !== 'object') fail(place, node, `${what} must be an object`);
  return node;
}

function str(o: AstObject, key: string): string | undefined {
  const v = getMember(o, key)?.value;
  return v?.kind === 'string' ? v.value : undefined;
}

function obj(o: AstObject, key: string): AstObject | undefined {
  const v = getMember(o, key)?.value;
  return v?.kind === 'object' ? v : undefined;
}

/** A string field that must be there; else an error at the object naming the field. */
function need(place: Place, o: AstObject, key: string, where: string): string {
  const m = getMember(o, key);
  if (m === undefined)
    fail(
      place,
      o,
      `${where} has no "${key}"`,
      'an AssumeRoleWithWebIdentity event as CloudTrail records it has it',
    );
  if (m.value.kind !== 'string' || m.value.value === '')
    fail(place, m.value, `${where}.${key} must be a non-empty string`);
  return m.value.value;
}

/**
 * The offset in the file of character `index` of a decoded JSON string node (its end past the
 * last): each escape is one character written with 2 (or, `\uXXXX`, 6) characters of the file.
 * Asked once or twice an event (its start, a problem), so walked on demand.
 */
function rawOffset(text: string, node: AstNode, index: number): number {
  const end = node.span.end.offset - 1;
  let i = node.span.start.offset + 1;
  for (let n = 0; n < index && i < end; n++)
    i += text.charCodeAt(i) !== 0x5c ? 1 : text.charCodeAt(i + 1) === 0x75 ? 6 : 2;
  return Math.min(i, end);
}

function tagsOf(
  place: Place,
  params: AstObject,
): Pick<RecordedCall, 'principalTags' | 'transitiveTagKeys'> {
  const out: Pick<RecordedCall, 'principalTags' | 'transitiveTagKeys'> = {};
  const tags = getMember(params, 'principalTags')?.value;
  if (tags && tags.kind !== 'null') {
    const o = asObject(place, tags, 'requestParameters.principalTags');
    out.principalTags = {};
    for (const m of o.members) {
      if (m.value.kind !== 'string')
        fail(place, m.value, `principal tag "${m.key}" must be a string`);
      out.principalTags[m.key] = m.value.value;
    }
  }
  const keys = getMember(params, 'transitiveTagKeys')?.value;
  if (keys && keys.kind !== 'null') {
    if (keys.kind !== 'array' || keys.items.some((k) => k.kind !== 'string'))
      fail(place, keys, 'requestParameters.transitiveTagKeys must be a list of strings');
    out.transitiveTagKeys = keys.items.map((k) => (k.kind === 'string' ? k.value : ''));
  }
  return out;
}

function outcomeOf(place: Place, event: AstObject): RecordedOutcome {
  const code = getMember(event, 'errorCode')?.value;
  if (code === undefined || code.kind === 'null') return { kind: 'allow' };
  if (code.kind !== 'string' || code.value === '')
    fail(place, code, 'errorCode must be a non-empty string');
  const message = str(event, 'errorMessage');
  return { kind: 'error', code: code.value, ...(message !== undefined ? { message } : {}) };
}

/** The provider, audience and subject: from the response when the call succeeded, else the principal id. */
function identityOf(
  place: Place,
  event: AstObject,
): Pick<RecordedCall, 'provider' | 'aud' | 'sub' | 'principalBasis' | 'ambiguous'> {
  const who = getMember(event, 'userIdentity');
  if (!who)
    fail(place, event, 'the event has no "userIdentity"', 'CloudTrail records the caller there');
  const user = asObject(place, who.value, 'userIdentity');
  const type = str(user, 'type');
  if (type !== 'WebIdentityUser') {
    fail(
      place,
      getMember(user, 'type')?.value ?? user,
      `userIdentity.type is ${JSON.stringify(type ?? null)}, not "WebIdentityUser"`,
      'an AssumeRoleWithWebIdentity call is recorded with type WebIdentityUser',
    );
  }
  const principalId = need(place, user, 'principalId', 'userIdentity');
  const response = obj(event, 'responseElements');
  const sub = str(user, 'userName') ?? (response && str(response, 'subjectFromWebIdentityToken'));
  const aud = response && str(response, 'audience');
  const read = parsePrincipalId(principalId, {
    ...(sub !== undefined ? { sub } : {}),
    ...(aud !== undefined ? { aud } : {}),
  });
  const pid = getMember(user, 'principalId')?.value as AstNode;
  if (!read.ok) fail(place, pid, `userIdentity.principalId: ${read.message}`, read.hint);
  const named = str(user, 'identityProvider');
  if (named !== undefined) {
    const p = readProvider(named);
    if ('message' in p || p.rest !== '' || p.provider.value !== read.provider.value) {
      fail(
        place,
        getMember(user, 'identityProvider')?.value as AstNode,
        `userIdentity.identityProvider ${JSON.stringify(named)} is not the provider the principal id starts with (${read.provider.value})`,
      );
    }
  }
  return {
    provider: read.provider,
    aud: read.aud,
    sub: read.sub,
    principalBasis: read.basis,
    ambiguous: read.ambiguous,
  };
}

function callOf(place: Place, event: AstObject, index: number): RecordedCall {
  const at = place(event.span.start.offset);
  const paramsNode = getMember(event, 'requestParameters')?.value;
  if (!paramsNode || paramsNode.kind === 'null')
    fail(
      place,
      event,
      'the event has no "requestParameters"',
      'the role ARN is read from requestParameters.roleArn',
    );
  const params = asObject(place, paramsNode, 'requestParameters');
  const roleArn = need(place, params, 'roleArn', 'requestParameters');
  const duration = getMember(params, 'durationSeconds')?.value;
  if (duration && duration.kind !== 'number' && duration.kind !== 'null')
    fail(place, duration, 'requestParameters.durationSeconds must be a number');
  const eventTime = str(event, 'eventTime');
  const time = eventTime !== undefined ? Date.parse(eventTime) : NaN;
  const extra = obj(event, 'additionalEventData');
  const cross = extra && obj(extra, 'crossPartitionData');
  const optional: Partial<RecordedCall> = {};
  const set = <K extends keyof RecordedCall>(k: K, v: RecordedCall[K] | undefined): void => {
    if (v !== undefined) optional[k] = v;
  };
  set('eventId', str(event, 'eventID'));
  set('eventTime', eventTime);
  set('region', str(event, 'awsRegion'));
  set('roleSessionName', str(params, 'roleSessionName'));
  set('providerId', str(params, 'providerId'));
  set('sourceIdentity', str(params, 'sourceIdentity'));
  if (duration?.kind === 'number') set('durationSeconds', duration.value);
  if (Number.isFinite(time)) set('time', time);
  if (cross) {
    const c: NonNullable<RecordedCall['crossPartition']> = {};
    const arn = str(cross, 'sourcePrincipalArn');
    const region = str(cross, 'sourceRegion');
    if (arn !== undefined) c.sourcePrincipalArn = arn;
    if (region !== undefined) c.sourceRegion = region;
    set('crossPartition', c);
  }
  return {
    index,
    line: at.line,
    column: at.column,
    ...optional,
    ...tagsOf(place, params),
    roleArn,
    ...identityOf(place, event),
    outcome: outcomeOf(place, event),
  };
}

/** One event: a call, a skipped event of another API, or an error. */
function readEvent(
  place: Place,
  node: AstNode,
  index: number,
  out: { calls: RecordedCall[]; skipped: SkippedEvent[] },
): void {
  const event = asObject(place, node, `event ${index}`);
  const name = getMember(event, 'eventName')?.value;
  if (!name || name.kind !== 'string')
    fail(
      place,
      name ?? event,
      `event ${index} has no "eventName" string`,
      'a CloudTrail event names its API in eventName',
    );
  if (name.value !== WEB_IDENTITY_EVENT) {
    const at = place(event.span.start.offset);
    const source = str(event, 'eventSource');
    out.skipped.push({
      index,
      ...at,
      eventName: name.value,
      ...(source ? { eventSource: source } : {}),
    });
    return;
  }
  out.calls.push(callOf(place, event, index));
}

/** The events of `lookup-events` output: each `CloudTrailEvent` is parsed, positions mapped back. */
function readLookup(
  text: string,
  place: Place,
  events: AstNode,
  out: { calls: RecordedCall[]; skipped: SkippedEvent[] },
): void {
  if (events.kind !== 'array') fail(place, events, '"Events" must be a list');
  events.items.forEach((item, i) => {
    const entry = asObject(place, item, `Events[${i}]`);
    const embedded = getMember(entry, 'CloudTrailEvent')?.value;
    if (!embedded)
      fail(
        place,
        entry,
        `Events[${i}] has no "CloudTrailEvent"`,
        'aws cloudtrail lookup-events gives each event as a JSON string there',
      );
    if (embedded.kind === 'object') return readEvent(place, embedded, i + 1, out);
    if (embedded.kind !== 'string')
      fail(place, embedded, `Events[${i}].CloudTrailEvent must be a JSON string`);
    const inner = parseJson(embedded.value);
    const innerPlace: Place = (offset) => place(rawOffset(text, embedded, offset));
    const bad = inner.findings.find((f) => f.severity === 'error');
    if (bad || !inner.ast)
      throw new Bad({
        ...innerPlace(bad?.span?.start.offset ?? 0),
        message: `Events[${i}].CloudTrailEvent is not valid JSON: ${bad?.message ?? 'unreadable'}`,
      });
    readEvent(innerPlace, inner.ast, i + 1, out);
  });
}

/** Reads a CloudTrail file's text. Never throws. */
export function readCloudTrail(text: string): CloudTrailRead {
  const parsed = parseJson(text);
  const lines = parsed.lines;
  const place: Place = (offset) => {
    const p = lines.position(offset);
    return { line: p.line, column: p.column };
  };
  const out = { calls: [] as RecordedCall[], skipped: [] as SkippedEvent[] };
  const bad = parsed.findings.find((f) => f.severity === 'error');
  if (bad || !parsed.ast) {
    const at = bad?.span ? place(bad.span.start.offset) : { line: 1, column: 1 };
    return {
      shape: 'event',
      ...out,
      errors: [{ ...at, message: `not valid JSON: ${bad?.message ?? 'empty'}` }],
    };
  }
  const root = parsed.ast;
  let shape: CloudTrailRead['shape'] = 'event';
  try {
    if (root.kind === 'array') {
      shape = 'list';
      root.items.forEach((e, i) => readEvent(place, e, i + 1, out));
    } else if (root.kind === 'object' && getMember(root, 'Records')) {
      shape = 'records';
      const records = getMember(root, 'Records')?.value as AstNode;
      if (records.kind !== 'array') fail(place, records, '"Records" must be a list of events');
      records.items.forEach((e, i) => readEvent(place, e, i + 1, out));
    } else if (root.kind === 'object' && getMember(root, 'Events')) {
      shape = 'lookup-events';
      readLookup(text, place, getMember(root, 'Events')?.value as AstNode, out);
    } else if (root.kind === 'object' && getMember(root, 'eventName')) {
      readEvent(place, root, 1, out);
    } else {
      fail(
        place,
        root,
        'not a CloudTrail event, a trail file ({"Records": [...]}) or the output of aws cloudtrail lookup-events ({"Events": [...]})',
        'give one event (with eventName), a log file of a trail, or lookup-events output',
      );
    }
  } catch (e) {
    if (e instanceof Bad) return { shape, ...out, errors: [e.problem] };
    throw e;
  }
  if (out.calls.length === 0) {
    const names = [...new Set(out.skipped.map((s) => s.eventName))];
    const first = out.skipped[0];
    return {
      shape,
      ...out,
      errors: [
        {
          line: first?.line ?? 1,
          column: first?.column ?? 1,
          message: first
            ? `no ${WEB_IDENTITY_EVENT} event: ${out.skipped.length === 1 ? 'the event is' : `the ${out.skipped.length} events are`} of ${names.join(', ')}`
            : `no ${WEB_IDENTITY_EVENT} event: the list is empty`,
          hint: `trustspec reads the ${WEB_IDENTITY_EVENT} events of sts.amazonaws.com, e.g. aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=${WEB_IDENTITY_EVENT}`,
        },
      ],
    };
  }
  return { shape, ...out, errors: [] };
}
