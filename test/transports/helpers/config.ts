// LoadedConfig built by hand for transport tests (the loader is tested elsewhere).
import type { EwsSettings, LoadedConfig, Secrets } from '../../../agent/config/settings.ts';

export function ewsConfig(ews: Partial<EwsSettings>, secrets: Secrets): LoadedConfig {
  const settings: EwsSettings = {
    endpointSource: ews.url ? 'url' : 'autodiscover', auth: 'basic', version: 'auto',
    rejectInvalidCertificates: true, allowInsecureHttp: false, saveCopy: true, ...ews,
  };
  return {
    path: '/nonexistent/mail-settings.yaml', revision: 'sha256:test', settingsDigest: 'sha256:test',
    settings: {
      apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'ews',
      message: { charset: 'utf-8', plainText: false, fromDelegation: false }, ews: settings, test: { onChange: true },
    },
    secrets, referencedFiles: [], warnings: [],
  };
}
