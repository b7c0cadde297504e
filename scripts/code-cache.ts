// Run by vendor-bundles.ts in a fresh process: loads a bundle as the agent does, warms it up (for
// ews-javascript-api, with what the EWS transport does before its first request: an ExchangeService, the
// objects of GetFolder/CreateItem/FindItem), and writes V8's code cache for it: what V8 compiled by then
// needs no compile at the agent's start. Prints the bundle's export names (JSON) for the facade.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cacheFileOf, runBundle } from '../agent/vendor/script-bundle.ts';

type Ews = typeof import('ews-javascript-api');

function warmEws(ews: Ews): void {
  const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013);
  service.Url = new ews.Uri('https://warm-up.invalid/EWS/Exchange.asmx');
  const message = new ews.EmailMessage(service);
  message.MimeContent = new ews.MimeContent('UTF-8', 'RnJvbTogYUBiLmM=');
  const view = new ews.ItemView(1);
  view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly);
  new ews.SearchFilter.IsEqualTo(ews.EmailMessageSchema.InternetMessageId, '<warm-up@invalid>');
  new ews.FolderId(ews.WellKnownFolderName.SentItems);
}

const [bundle, name] = process.argv.slice(2);
if (!bundle || !name) throw new Error('usage: code-cache.ts <bundle.cjs> <package>');
const main = createRequire(import.meta.url).resolve(name);
const loaded = runBundle(bundle, readFileSync(bundle, 'utf8'), main, false);
if (name === 'ews-javascript-api') warmEws(loaded.exports as Ews);

writeFileSync(cacheFileOf(bundle), loaded.script.createCachedData());
process.stdout.write(JSON.stringify(Object.keys(loaded.exports as object)));
