"""Drives the sandbox's Exchange limits with Debian's python3-exchangelib (an independent EWS client).

Usage: /usr/bin/python3 exchangelib_limits.py '[JOB, ...]'. Every JOB has "url", "ca", "username",
"password", "email", "to", "kind" and "subject" (a prefix), and runs against its own sandbox:

- kind "send": sends "count" messages (default 1) as "SendAndSaveCopy", one by one from "threads" threads
  (default 1; "maxConnections" sessions; "together": each round of sends starts at once) or with bulk_create in chunks of "chunk"; items answered
  ErrorBatchProcessingStopped are sent again when "resend" is true. "attachmentBytes": one attachment of that
  size. "mime": the message goes as MIME (To in its header) with "bcc" as BccRecipients. FaultTolerance
  (back-off honoured; its default back-off, when the server names none, is "defaultBackoff" seconds).
  Result: {"ok", "sent", "stopped", "errors": [exception class names], "version"}.
- kind "lag": sends one message, looks for it by subject in the Outbox and Sent Items at once, then looks in
  Sent Items again until it is there (for up to "withinSeconds"), and then in both once more.
  Result: {"ok", "outboxAtOnce", "sentAtOnce", "outboxLater", "sentLater"}.

Prints one JSON list of results, in order.
"""
import json
import os
import sys
import threading
import time
import traceback

from exchangelib import DELEGATE, Account, Configuration, Credentials, FaultTolerance, FileAttachment, Mailbox, Message
from exchangelib.errors import ErrorBatchProcessingStopped
from exchangelib.items import SEND_AND_SAVE_COPY
from exchangelib.transport import BASIC


def account_for(job):
    os.environ["REQUESTS_CA_BUNDLE"] = job["ca"]

    class Patient(FaultTolerance):
        DEFAULT_BACKOFF = job.get("defaultBackoff", 60)

    config = Configuration(
        service_endpoint=job["url"], credentials=Credentials(job["username"], job["password"]), auth_type=BASIC,
        retry_policy=Patient(max_wait=120), max_connections=job.get("maxConnections", 1),
    )
    return Account(primary_smtp_address=job["email"], config=config, autodiscover=False, access_type=DELEGATE)


def message(account, job, i):
    subject = f"{job['subject']} {i}"
    if job.get("mime"):
        mime = (f"From: {job['email']}\r\nTo: {job['to']}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\nsent as MIME\r\n").encode()
        return Message(account=account, folder=account.sent, mime_content=mime,
                       bcc_recipients=[Mailbox(email_address=job["bcc"])])
    m = Message(account=account, folder=account.sent, subject=subject, body="from exchangelib",
                to_recipients=[Mailbox(email_address=job["to"])])
    if job.get("attachmentBytes"):
        m.attach(FileAttachment(name="big.bin", content=b"x" * job["attachmentBytes"]))
    return m


def send(job):
    account = account_for(job)
    count, errors, stopped, sent = job.get("count", 1), [], [0], [0]
    lock = threading.Lock()
    if job.get("chunk"):
        pending = [message(account, job, i) for i in range(count)]
        while pending:
            results = account.bulk_create(folder=account.sent, items=pending, message_disposition=SEND_AND_SAVE_COPY,
                                          chunk_size=job["chunk"])
            again = []
            for item, result in zip(pending, results):
                if isinstance(result, ErrorBatchProcessingStopped):
                    stopped[0] += 1
                    again.append(item)
                elif isinstance(result, Exception):
                    errors.append(type(result).__name__)
                else:
                    sent[0] += 1
            pending = again if job.get("resend") else []
    else:
        threads = job.get("threads", 1)
        # Threads that start each send together: their requests overlap on the server, whatever the load.
        together = threading.Barrier(threads) if job.get("together") else None

        def worker(indexes):
            for i in indexes:
                if together:
                    together.wait(timeout=60)
                try:
                    message(account, job, i).send_and_save()
                    with lock:
                        sent[0] += 1
                except Exception as e:  # reported as data: the test asserts on it
                    with lock:
                        errors.append(type(e).__name__)
        pool = [threading.Thread(target=worker, args=(range(t, count, threads),)) for t in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    return {"ok": not errors and sent[0] == count, "sent": sent[0], "stopped": stopped[0], "errors": errors,
            "version": account.version.api_version}


def lag(job):
    account = account_for(job)
    subject = f"{job['subject']} 0"
    message(account, job, 0).send_and_save()
    found = lambda folder: folder.filter(subject=subject).count() > 0  # noqa: E731
    at_once = {"outboxAtOnce": found(account.outbox), "sentAtOnce": found(account.sent)}
    deadline = time.monotonic() + job["withinSeconds"]
    while not found(account.sent) and time.monotonic() < deadline:
        time.sleep(0.1)  # between two looks at Sent Items: a bounded wait for the move, not a fixed delay
    return {"ok": True, **at_once, "outboxLater": found(account.outbox), "sentLater": found(account.sent)}


def attempt(job):
    try:
        return {"send": send, "lag": lag}[job["kind"]](job)
    except Exception as e:  # reported as data: the test asserts on it
        return {"ok": False, "errors": [type(e).__name__], "message": str(e)[:500]}


def run(job, limit=90):
    """One job, given `limit` seconds: a job that hangs is reported with where its threads stand."""
    out = {}
    worker = threading.Thread(target=lambda: out.update(attempt(job)), daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        stacks = {str(t): "".join(traceback.format_stack(f)[-4:]) for t, f in sys._current_frames().items()}
        return {"ok": False, "errors": ["Hung"], "message": json.dumps(stacks)[:4000]}
    return out


print(json.dumps([run(job) for job in json.loads(sys.argv[1])]))
