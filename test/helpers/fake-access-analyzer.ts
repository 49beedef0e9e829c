/**
 * A loopback stand-in for IAM Access Analyzer's REST-JSON API (restJson1, 2019-11-01), for
 * driving the real SDK client in tests: `node:http` on 127.0.0.1, port chosen by the system.
 *
 * It speaks the protocol as the service does: `POST /policy/validation` with the page as query
 * parameters (`maxResults`, `nextToken`) and the rest as a JSON body; `POST
 * /policy/check-no-public-access` with a JSON body; JSON answers; errors carry the error's name
 * in the `x-amzn-errortype` header (the only way the SDK can name them) and `{message}` in the
 * body. It refuses what the service refuses before any check runs: an unsigned request, a body
 * that is not JSON, a missing required member (ValidationException, reason
 * `fieldValidationFailed`). Tests queue the answers, including faults (hang, dropped connection),
 * and read the request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Operation = 'ValidatePolicy' | 'CheckNoPublicAccess';

export type FakeReply =
  /** A 200 answer with this JSON body. */
  | { body: unknown }
  /** An error as the service sends it: status, `x-amzn-errortype`, `{message, …extra}`. */
  | {
      error: string;
      status: number;
      message?: string;
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
    }
  /** A body that is not the protocol's (e.g. a load balancer's HTML page). */
  | { raw: string; status: number; contentType: string }
  /** Never answer (the connection stays open until the client gives up or the fake closes). */
  | { hang: true }
  /** Drop the connection without answering. */
  | { destroy: true };

export interface FakeRequest {
  operation: Operation | undefined;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The JSON body (undefined if it was not JSON). */
  body: unknown;
}

export interface FakeAccessAnalyzer {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_ACCESSANALYZER. */
  url: string;
  requests: FakeRequest[];
  /** Answers for the next requests of `op`, in order; after them the default answer. */
  queue(op: Operation, ...replies: FakeReply[]): void;
  /**
   * Answers `op` by its request (e.g. by policy text, when calls run concurrently); undefined
   * falls through to the queue. Replaces an earlier route.
   */
  route(op: Operation, answer: (req: FakeRequest) => FakeReply | undefined): void;
  close(): Promise<void>;
}

const ROUTES: Record<string, Operation> = {
  '/policy/validation': 'ValidatePolicy',
  '/policy/check-no-public-access': 'CheckNoPublicAccess',
};

const POLICY_TYPES = ['IDENTITY_POLICY', 'RESOURCE_POLICY', 'SERVICE_CONTROL_POLICY'];

const DEFAULTS: Record<Operation, FakeReply> = {
  ValidatePolicy: { body: { findings: [] } },
  CheckNoPublicAccess: {
    body: {
      result: 'PASS',
      message: 'The resource policy does not grant public access for the given resource type.',
      reasons: [],
    },
  },
};

/** Members the API marks required, per operation (ValidatePolicyRequest, CheckNoPublicAccessRequest). */
function missingMember(op: Operation, body: Record<string, unknown>): string | undefined {
  const required =
    op === 'ValidatePolicy' ? ['policyDocument', 'policyType'] : ['policyDocument', 'resourceType'];
  const missing = required.find((k) => typeof body[k] !== 'string' || body[k] === '');
  if (missing) return missing;
  if (op === 'ValidatePolicy' && !POLICY_TYPES.includes(body.policyType as string)) {
    return 'policyType';
  }
  return undefined;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': 'fake-request-id',
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { message, ...extra }, { 'x-amzn-errortype': type, ...headers });
}

function reply(res: ServerResponse, r: FakeReply): void {
  if ('hang' in r) return;
  if ('destroy' in r) {
    res.socket?.destroy();
    return;
  }
  if ('raw' in r) {
    res.writeHead(r.status, { 'content-type': r.contentType });
    res.end(r.raw);
    return;
  }
  if ('error' in r) {
    sendError(res, r.status, r.error, r.message ?? r.error, r.extra, r.headers);
    return;
  }
  sendJson(res, 200, r.body);
}

export async function startFakeAccessAnalyzer(): Promise<FakeAccessAnalyzer> {
  const requests: FakeRequest[] = [];
  const queues: Record<Operation, FakeReply[]> = { ValidatePolicy: [], CheckNoPublicAccess: [] };
  const routes: Partial<Record<Operation, (req: FakeRequest) => FakeReply | undefined>> = {};
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const operation = ROUTES[url.pathname];
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const logged: FakeRequest = {
        operation,
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
      };
      requests.push(logged);
      if (!operation || req.method !== 'POST') {
        sendError(
          res,
          404,
          'UnknownOperationException',
          `no operation at ${req.method} ${url.pathname}`,
        );
        return;
      }
      if (!/^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization ?? '')) {
        sendError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
        return;
      }
      if (
        !/^application\/json/.test(req.headers['content-type'] ?? '') ||
        typeof body !== 'object' ||
        body === null
      ) {
        sendError(res, 400, 'ValidationException', 'Could not parse the request body', {
          reason: 'cannotParse',
        });
        return;
      }
      const missing = missingMember(operation, body as Record<string, unknown>);
      if (missing) {
        sendError(res, 400, 'ValidationException', `1 validation error detected: ${missing}`, {
          reason: 'fieldValidationFailed',
          fieldList: [{ name: missing, message: 'Member must not be null' }],
        });
        return;
      }
      reply(res, routes[operation]?.(logged) ?? queues[operation].shift() ?? DEFAULTS[operation]);
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
    queue(op, ...replies) {
      queues[op].push(...replies);
    },
    route(op, answer) {
      routes[op] = answer;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
