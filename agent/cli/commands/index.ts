// The command table. Each command lives in its own module, loaded only when invoked, so that
// `mail-agent validate` never pays for loading an EWS client.
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'sandbox', summary: 'run the built-in Exchange (EWS) sandbox server', load: async () => (await import('./sandbox.ts')).command },
];
