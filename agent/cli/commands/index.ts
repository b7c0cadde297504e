// The command table. Each command lives in its own module, loaded only when invoked, so that
// `mail-agent validate` never pays for loading an EWS client.
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'mapi', summary: 'Extended MAPI tools: `mapi profiles` lists the Outlook profiles',
    load: async () => (await import('./mapi.ts')).command },
];
