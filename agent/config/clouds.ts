// Microsoft's clouds and their hosts (learn.microsoft.com/graph/deployments): where tokens are asked for
// (login), where Graph answers, and the resources tokens are asked for — Graph, and Exchange Online for EWS
// and SMTP. `authorityHost` and `graphHost` in the settings move the first two (tests, special setups); the
// resources stay the cloud's, since they name the audience the token is for, not a server.
import type { Cloud } from './settings.ts';

export interface CloudHosts {
  login: string;
  graph: string;
  /** Exchange Online: the audience of EWS and SMTP tokens. */
  outlook: string;
}

export const cloudHosts: Readonly<Record<Cloud, CloudHosts>> = {
  global: { login: 'login.microsoftonline.com', graph: 'graph.microsoft.com', outlook: 'outlook.office365.com' },
  usgov: { login: 'login.microsoftonline.us', graph: 'graph.microsoft.us', outlook: 'outlook.office365.us' },
  usgovdod: { login: 'login.microsoftonline.us', graph: 'dod-graph.microsoft.us', outlook: 'outlook-dod.office365.us' },
  china: { login: 'login.chinacloudapi.cn', graph: 'microsoftgraph.chinacloudapi.cn', outlook: 'partner.outlook.cn' },
};

/** The `.default` scope of Graph in that cloud: every application permission granted to the app. */
export function graphScope(cloud: Cloud): string {
  return `https://${cloudHosts[cloud].graph}/.default`;
}

/** The `.default` scope of Exchange Online (EWS, SMTP) in that cloud. */
export function outlookScope(cloud: Cloud): string {
  return `https://${cloudHosts[cloud].outlook}/.default`;
}
