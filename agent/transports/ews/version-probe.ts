// verify's one cheap authenticated call (GetFolder sentitems, ids only), and `version: auto`: newest
// version first, one step down on InvalidServerVersion, then the version the server's build maps to.
import { BasePropertySet, Folder, PropertySet, WellKnownFolderName, type ExchangeService } from 'ews-javascript-api';
import type { ExchangeVersion } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { autoCandidates, formatBuild, versionForBuild } from './versions.ts';

export interface Probed {
  version: ExchangeVersion;
  build?: string;
}

export type RunProbe = (version: ExchangeVersion) => Promise<ExchangeService>;

export async function probeSentItems(service: ExchangeService): Promise<ExchangeService> {
  await Folder.Bind(service, WellKnownFolderName.SentItems, new PropertySet(BasePropertySet.IdOnly));
  return service;
}

export async function detectVersion(requested: 'auto' | ExchangeVersion, run: RunProbe): Promise<Probed> {
  const candidates = requested === 'auto' ? autoCandidates() : [requested];
  let lastError: AgentError | undefined;
  for (const version of candidates) {
    try {
      const service = await run(version);
      const info = service.ServerInfo;
      if (!info) return { version };
      const build = { major: info.MajorVersion, minor: info.MinorVersion, build: info.MajorBuildNumber, revision: info.MinorBuildNumber };
      const mapped = requested === 'auto' ? versionForBuild(build) : undefined;
      // The build names the server's version exactly; never go above the one the server accepted.
      const usable = mapped !== undefined && candidates.indexOf(mapped) >= candidates.indexOf(version) ? mapped : version;
      return { version: usable, build: formatBuild(build) };
    } catch (error) {
      if (!(error instanceof AgentError) || error.code !== ErrorCodes.InvalidServerVersion) throw error;
      lastError = error;
    }
  }
  throw lastError ?? new AgentError(ErrorCodes.InvalidServerVersion, 'no EWS version accepted');
}
