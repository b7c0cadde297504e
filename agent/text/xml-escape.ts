// Text into XML: the five characters with a meaning there, as entities. The one escaper of the agent
// (EWS and Autodiscover requests, including strings ews-javascript-api writes into XML without escaping)
// and of the sandbox (sandbox/xml/escape.ts drops what XML 1.0 cannot carry first).
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
