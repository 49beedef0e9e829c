// Preloaded into a measured process (node --import ./bench/probe.mjs …): on exit, writes the peak
// resident memory and every module URL that mentions the AWS SDK to the file named by
// TRUSTSPEC_PROBE_OUT, as JSON.
import { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const out = process.env.TRUSTSPEC_PROBE_OUT;
const sdk = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => sdk.push(url));
port1.unref();
register('./probe-hooks.mjs', {
  parentURL: import.meta.url,
  data: { port: port2 },
  transferList: [port2],
});
process.on('exit', () => {
  if (out)
    writeFileSync(
      out,
      JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, awsSdkModules: sdk }),
    );
});
