// The command table. Each command lives in its own module, loaded only when invoked, so that
// `mail-agent validate` never pays for loading an EWS client.
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

// In the order of the README's table of commands.
export const commands: readonly CommandEntry[] = [
  { name: 'run', summary: 'the agent: watch, reconcile, prove with a test message, report status', load: async () => (await import('./run.ts')).runCommand },
  { name: 'validate', summary: 'check settings files (schema and semantic rules); exit 0 valid, 1 invalid',
    load: async () => (await import('./validate.ts')).command },
  { name: 'status', summary: 'print the status, or wait until a revision converges', load: async () => (await import('./status.ts')).statusCommand },
  { name: 'test', summary: 'one-shot "Test Settings": connect, send a test message, print each step', load: async () => (await import('./test-settings.ts')).testCommand },
  { name: 'send', summary: 'check a notification and queue it for delivery', load: async () => (await import('./send.ts')).command },
  { name: 'log', summary: 'show the outgoing-notifications log, newest first', load: async () => (await import('./log.ts')).command },
  { name: 'sandbox', summary: 'run the built-in Exchange (EWS) sandbox server', load: async () => (await import('./sandbox.ts')).command },
  { name: 'mapi', summary: 'Extended MAPI tools: `mapi profiles` lists the Outlook profiles',
    load: async () => (await import('./mapi.ts')).command },
  { name: 'schema', summary: 'print the JSON Schema of the settings file (--status: of the status file)',
    load: async () => (await import('./schema.ts')).command },
  { name: 'start-demo', summary: 'npm start: the sandbox and the agent on config.example.yaml', load: async () => (await import('./start-demo.ts')).startDemoCommand },
];
