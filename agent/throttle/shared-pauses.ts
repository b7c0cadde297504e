// Exchange throttles per account, not per connection or per transport object: a pause the server asked for
// holds for every transport that talks to the same endpoint as the same account, so new settings that keep
// both start paused rather than afresh against a throttled server. The agent keeps one book for all the
// transports it creates (agent/run/agent.ts); a transport made without it keeps its own.
import { SendPause } from './pause.ts';

/** Whose budget requests spend: the account at an endpoint; undefined when the account is not known. */
export function budgetKey(who: { service: string; endpoint: string; account?: string | undefined }): string | undefined {
  return who.account ? `${who.service} ${who.endpoint} ${who.account.toLowerCase()}` : undefined;
}

export class SharedPauses {
  /** One pause per budget, kept for the process's life: an agent talks to few endpoints and accounts. */
  readonly #byBudget = new Map<string, SendPause>();

  /** The pause of the budget `key` names (budgetKey); a fresh one when the key is undefined. */
  for(key: string | undefined): SendPause {
    if (key === undefined) return new SendPause();
    let pause = this.#byBudget.get(key);
    if (!pause) {
      pause = new SendPause();
      this.#byBudget.set(key, pause);
    }
    return pause;
  }
}
