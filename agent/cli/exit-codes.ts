// Exit codes are a contract (README "Commands", docs/agent.md "Waiting for a rollout"): scripts, Ansible `until` and Puppet `exec` match on them.
export const ExitCodes = {
  Ok: 0,
  Failed: 1,
  Superseded: 2,
  Usage: 64,
  Unavailable: 69,
  Timeout: 124,
} as const;
