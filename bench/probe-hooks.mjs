// Module hooks for bench/probe.mjs: report every resolved URL that belongs to the AWS SDK.
let port;
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/@aws-sdk|@smithy/.test(result.url)) port.postMessage(result.url);
  return result;
}
