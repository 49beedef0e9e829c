/**
 * The source of a child process that records every module Node resolves: `hookedChild(body)` puts
 * BODY (ES module code; `pathToFileURL` is in scope) between a resolve hook, registered first, and
 * the end that waits for the hook's last message and prints the resolved URLs as JSON (or, when
 * BODY sets `globalThis.result`, `{result, seen}`). Run it with `node --input-type=module -e`.
 */
export function hookedChild(body: string): string {
  return `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
const { port1, port2 } = new MessageChannel();
const seen = [];
const done = new Promise((resolve) =>
  port1.on('message', (m) => (m === 'sentinel:end' ? resolve() : seen.push(m))),
);
const hook = \`let port;
export async function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  if (specifier === 'sentinel:end') {
    port.postMessage(specifier);
    return { url: 'data:text/javascript,', shortCircuit: true };
  }
  const r = await next(specifier, context);
  port.postMessage(r.url);
  return r;
}\`;
register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
${body}
// Messages of one port arrive in order: once the sentinel is here, every earlier one is.
await import('sentinel:end');
await done;
port1.close();
process.stdout.write(JSON.stringify('result' in globalThis ? { result: globalThis.result, seen } : seen));
`;
}
