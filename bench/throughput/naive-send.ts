// The naive peer of bench/throughput.ts: a plain ews-javascript-api loop with @ewsjs/xhr's NTLM, one
// message after another (SendAndSaveCopy). Run with NODE_EXTRA_CA_CERTS=<sandbox ca.pem>: @ewsjs/xhr makes
// its own https.Agent and drops any `ca` passed to it. Prints {"ok": true, "seconds"} for the timed sends.
import { ConfigurationApi, EmailMessage, EmailAddress, ExchangeService, ExchangeVersion, MessageBody, Uri, WebCredentials, WellKnownFolderName } from 'ews-javascript-api';
import { XhrApi } from '@ewsjs/xhr';

interface Job { url: string; username: string; password: string; to: string; prefix: string; n: number }
const job = JSON.parse(process.argv[2] ?? '{}') as Job;

const service = new ExchangeService(ExchangeVersion.Exchange2016);
service.Credentials = new WebCredentials(job.username, job.password);
service.Url = new Uri(job.url);
ConfigurationApi.ConfigureXHR(new XhrApi({ rejectUnauthorized: true }).useNtlmAuthentication(job.username, job.password));

async function send(i: number): Promise<void> {
  const item = new EmailMessage(service);
  item.Subject = `${job.prefix} ${i}`;
  item.Body = new MessageBody(`notification ${i}: disk usage above 90% on db-01`);
  item.ToRecipients.Add(new EmailAddress(job.to));
  await item.SendAndSaveCopy(WellKnownFolderName.SentItems);
}

try {
  await send(-1); // warm-up: handshake outside the timed part
  const start = performance.now();
  for (let i = 0; i < job.n; i++) await send(i);
  console.log(JSON.stringify({ ok: true, seconds: (performance.now() - start) / 1000 }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err).slice(0, 400) }));
}
