"""The exchangelib peer of bench/throughput.ts: sends N messages to the sandbox over HTTPS + NTLM.

Usage: /usr/bin/python3 exchangelib_send.py JOB_JSON, JOB = {"url", "ca", "username", "password", "email",
"to", "prefix", "n", "mode": "loop" | "threads" | "bulk" | "bulk-threads", "workers", "chunk"}.
One Account (version found once, before the timed part), SendAndSaveCopy like the agent. Prints
{"ok": true, "seconds": wall time of the sends} or {"ok": false, "error"}.
"""
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from exchangelib import DELEGATE, Account, Configuration, Credentials, Mailbox, Message
from exchangelib.items import SEND_AND_SAVE_COPY
from exchangelib.transport import NTLM


def main(job):
    os.environ["REQUESTS_CA_BUNDLE"] = job["ca"]
    workers = int(job.get("workers", 1))
    config = Configuration(service_endpoint=job["url"], credentials=Credentials(job["username"], job["password"]),
                           auth_type=NTLM, max_connections=max(workers, 1))
    account = Account(primary_smtp_address=job["email"], config=config, autodiscover=False, access_type=DELEGATE)
    to = [Mailbox(email_address=job["to"])]

    def message(i):
        return Message(account=account, folder=account.sent, subject=f"{job['prefix']} {i}",
                       body=f"notification {i}: disk usage above 90% on db-01", to_recipients=to)

    # Warm-up outside the timed part: version detection, NTLM handshakes on the pooled sessions.
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        list(pool.map(lambda i: message(-1 - i).send_and_save(), range(max(workers, 1))))
    n = int(job["n"])
    mode = job["mode"]
    start = time.perf_counter()
    if mode == "loop":
        for i in range(n):
            message(i).send_and_save()
    elif mode == "threads":
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda i: message(i).send_and_save(), range(n)))
    else:
        chunk = int(job.get("chunk", 100))
        batches = [list(range(s, min(s + chunk, n))) for s in range(0, n, chunk)]

        def send_batch(ids):
            results = account.bulk_create(folder=account.sent, items=[message(i) for i in ids],
                                          message_disposition=SEND_AND_SAVE_COPY, chunk_size=chunk)
            errors = [r for r in results if isinstance(r, Exception)]
            if errors:
                raise errors[0]

        with ThreadPoolExecutor(max_workers=workers if mode == "bulk-threads" else 1) as pool:
            list(pool.map(send_batch, batches))
    return {"ok": True, "seconds": time.perf_counter() - start}


try:
    print(json.dumps(main(json.loads(sys.argv[1]))))
except Exception as e:  # reported as data
    print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {str(e)[:400]}"}))
