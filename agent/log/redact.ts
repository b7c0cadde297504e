// Secrets never reach a log line: values of secret-named keys are masked, and every secret value the
// agent has loaded is masked wherever it appears in a message or a field (an error text may quote one).
const SecretKey = /pass(word)?|token|secret|authorization|credential/i;
export const Mask = '[REDACTED]';

export class SecretSet {
  private readonly values = new Set<string>();

  add(...secrets: (string | undefined)[]): void {
    // Very short values would mask ordinary words; secrets that short are refused by nothing else, but
    // masking "a" everywhere would make logs useless.
    for (const s of secrets) if (s && s.length >= 4) this.values.add(s);
  }

  redactText(text: string): string {
    let out = text;
    for (const s of this.values) if (out.includes(s)) out = out.split(s).join(Mask);
    return out;
  }

  redactValue(key: string, value: unknown, depth = 0): unknown {
    if (SecretKey.test(key) && value !== undefined && value !== null && typeof value !== 'object') return Mask;
    if (typeof value === 'string') return this.redactText(value);
    if (depth > 4 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.redactValue('', v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactValue(k, v, depth + 1)]));
  }
}
