/**
 * A loopback stand-in for IAM's query protocol, for tests that drive the real
 * `@aws-sdk/client-iam` client: form-encoded `POST /` with `Action=…&Version=2010-05-08`, XML
 * answers, and IAM's XML error document. The shapes follow the IAM API Reference
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html,
 * API_ListRoles.html, API_ListOpenIDConnectProviders.html, API_GetOpenIDConnectProvider.html,
 * CommonErrors.html): every answer sits in `<ActionResponse xmlns=…><ActionResult>`, lists are
 * `<member>` elements, policy documents are percent-encoded, and an error is
 * `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…`.
 *
 * Each test scripts the answers: a function from the request (and its number) to a reply, which
 * may also be "never answer" (a hung server) or "drop the connection". Bound to 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface FakeRequest {
  /** 1-based, in arrival order. */
  n: number;
  method: string;
  path: string;
  contentType: string;
  /** Form fields of the body. */
  params: Record<string, string>;
  action: string;
  /** The SigV4 `Authorization` header, when the request was signed. */
  authorization?: string;
  /** `X-Amz-Security-Token`, sent with temporary credentials. */
  securityToken?: string;
}

export type FakeReply =
  | { status: number; body: string; headers?: Record<string, string> }
  | { hang: true }
  | { drop: true };

export interface FakeIam {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export type FakeScript = (req: FakeRequest) => FakeReply;

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

let requestCounter = 0;
function requestId(): string {
  requestCounter++;
  return `4a93ceee-9966-11e1-b624-${String(requestCounter).padStart(12, '0')}`;
}

/** `<XResponse><XResult>inner</XResult><ResponseMetadata>…` with status 200. */
export function okXml(action: string, inner: string): FakeReply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      `<${action}Response xmlns="${IAM_XMLNS}">\n  <${action}Result>${inner}</${action}Result>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId()}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
  };
}

/** IAM's error document. */
export function errorXml(
  status: number,
  code: string,
  message: string,
  type: 'Sender' | 'Receiver' = 'Sender',
): FakeReply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="${IAM_XMLNS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n` +
      `    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId()}</RequestId>\n</ErrorResponse>\n`,
  };
}

export interface FakeRole {
  name: string;
  path?: string;
  account?: string;
  partition?: string;
  /** The document as JSON text; sent percent-encoded, as IAM does. */
  document: string;
  maxSessionDuration?: number;
  tags?: Record<string, string>;
}

export function roleArn(r: FakeRole): string {
  return `arn:${r.partition ?? 'aws'}:iam::${r.account ?? '111122223333'}:role${r.path ?? '/'}${r.name}`;
}

/** RFC 3986 percent-encoding: everything but unreserved characters (what IAM sends). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function roleXml(r: FakeRole, withTags: boolean): string {
  const tags = Object.entries(r.tags ?? {});
  return (
    `<Path>${xmlEscape(r.path ?? '/')}</Path><Arn>${xmlEscape(roleArn(r))}</Arn>` +
    `<RoleName>${xmlEscape(r.name)}</RoleName>` +
    `<AssumeRolePolicyDocument>${rfc3986(r.document)}</AssumeRolePolicyDocument>` +
    `<CreateDate>2026-05-08T23:34:01Z</CreateDate><RoleId>AROADBQP57FF2AEXAMPLE</RoleId>` +
    (r.maxSessionDuration !== undefined
      ? `<MaxSessionDuration>${r.maxSessionDuration}</MaxSessionDuration>`
      : '') +
    (withTags && tags.length > 0
      ? `<Tags>${tags.map(([k, v]) => `<member><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></member>`).join('')}</Tags>`
      : '')
  );
}

export function getRoleXml(r: FakeRole): FakeReply {
  return okXml('GetRole', `<Role>${roleXml(r, true)}</Role>`);
}

export function listRolesXml(roles: FakeRole[], marker?: string): FakeReply {
  const members = roles.map((r) => `<member>${roleXml(r, false)}</member>`).join('');
  return okXml(
    'ListRoles',
    `<IsTruncated>${marker ? 'true' : 'false'}</IsTruncated>` +
      (marker ? `<Marker>${marker}</Marker>` : '') +
      `<Roles>${members}</Roles>`,
  );
}

export function listProvidersXml(arns: string[]): FakeReply {
  return okXml(
    'ListOpenIDConnectProviders',
    `<OpenIDConnectProviderList>${arns.map((a) => `<member><Arn>${xmlEscape(a)}</Arn></member>`).join('')}</OpenIDConnectProviderList>`,
  );
}

export interface FakeProvider {
  /** As IAM returns it: without `https://`. */
  url: string;
  clientIds: string[];
  thumbprints?: string[];
}

export function getProviderXml(p: FakeProvider): FakeReply {
  const members = (xs: string[]) => xs.map((x) => `<member>${xmlEscape(x)}</member>`).join('');
  return okXml(
    'GetOpenIDConnectProvider',
    `<ThumbprintList>${members(p.thumbprints ?? [])}</ThumbprintList>` +
      `<CreateDate>2026-10-09T03:32:51.398Z</CreateDate>` +
      `<ClientIDList>${members(p.clientIds)}</ClientIDList><Url>${xmlEscape(p.url)}</Url>`,
  );
}

/** What a load balancer in front of a service sends when the service is down: HTML, not XML. */
export function html503(): FakeReply {
  return {
    status: 503,
    headers: { 'content-type': 'text/html' },
    body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n',
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the fake on 127.0.0.1 (a free port). */
export async function startFakeIam(script: FakeScript): Promise<FakeIam> {
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((body) => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const auth = req.headers['authorization'];
      const token = req.headers['x-amz-security-token'];
      const request: FakeRequest = {
        n: requests.length + 1,
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: String(req.headers['content-type'] ?? ''),
        params,
        action: params['Action'] ?? '',
        ...(typeof auth === 'string' ? { authorization: auth } : {}),
        ...(typeof token === 'string' ? { securityToken: token } : {}),
      };
      requests.push(request);
      let reply: FakeReply;
      if (request.method !== 'POST' || params['Version'] !== '2010-05-08') {
        reply = errorXml(400, 'InvalidAction', 'not an IAM query request');
      } else reply = script(request);
      if ('hang' in reply) return;
      if ('drop' in reply) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, {
        'x-amzn-requestid': requestId(),
        ...reply.headers,
        'content-length': Buffer.byteLength(reply.body),
      });
      res.end(reply.body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An environment for the SDK that can only reach the fake: static test keys, the endpoint
 * override, no profile, no shared config files, and no instance-metadata probe.
 */
export function fakeEnv(
  url: string,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    AWS_ACCESS_KEY_ID: 'testAKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'testwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_ENDPOINT_URL_IAM: url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/trustspec-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/trustspec-test/credentials',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Makes this process's environment the same closed one (the SDK's credential chain reads
 * `process.env`): every AWS variable that could lead elsewhere is removed first.
 */
export function isolateProcessEnv(env: NodeJS.ProcessEnv): void {
  for (const k of Object.keys(process.env)) {
    if (k.startsWith('AWS_') || k === 'HTTP_PROXY' || k === 'HTTPS_PROXY') delete process.env[k];
  }
  Object.assign(process.env, env);
}
