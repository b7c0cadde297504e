"""Drives the sandbox with Debian's python3-exchangelib (an independent EWS client).

Usage: /usr/bin/python3 exchangelib_client.py '[JOB, ...]' where JOB is
{"url", "ca", "username", "password", "email", "to", "auth": "basic|ntlm", "subject"?, "author"?,
 "faultTolerance"?: true, "noChannelBinding"?: true (requests_ntlm with send_cbt=False),
 "saveIn"?: ACCOUNT FOLDER (save the message there first, then send it: SendItem),
 "copyTo"?: ACCOUNT FOLDER (the sent copy goes there, not to Sent Items)}, an ACCOUNT FOLDER being an
attribute of exchangelib's Account (inbox, junk, trash, ...). Runs the jobs in order (one interpreter start
for all: importing exchangelib is slow) and prints a JSON list of results, each {"ok": true, "version",
"build", "copies"?: {FOLDER: how many messages with the job's subject exchangelib finds there}} or
{"ok": false, "error": EXCEPTION CLASS, "message"}.
"""
import functools
import json
import os
import sys

from exchangelib import DELEGATE, Account, Configuration, Credentials, FaultTolerance, Mailbox, Message
from exchangelib import transport
from exchangelib.transport import BASIC, NTLM
from requests_ntlm import HttpNtlmAuth


def send(job):
    os.environ["REQUESTS_CA_BUNDLE"] = job["ca"]
    config = Configuration(
        service_endpoint=job["url"],
        credentials=Credentials(job["username"], job["password"]),
        auth_type=NTLM if job.get("auth") == "ntlm" else BASIC,
        retry_policy=FaultTolerance(max_wait=20) if job.get("faultTolerance") else None,
    )
    account = Account(primary_smtp_address=job["email"], config=config, autodiscover=False, access_type=DELEGATE)
    message = Message(account=account, subject=job.get("subject", "from exchangelib"),
                      body="Grüße & <hello>", to_recipients=[Mailbox(email_address=job["to"])])
    if job.get("author"):
        message.author = Mailbox(email_address=job["author"])
    if job.get("saveIn"):
        message.folder = getattr(account, job["saveIn"])
        message.save()  # CreateItem SaveOnly with SavedItemFolderId
    if job.get("copyTo"):
        message.send(copy_to_folder=getattr(account, job["copyTo"]))
    else:
        message.send()
    result = {"ok": True, "version": account.version.api_version, "build": str(account.version.build)}
    if job.get("copyTo") or job.get("saveIn"):
        names = {"sent", job.get("copyTo") or "sent", job.get("saveIn") or "sent"}
        result["copies"] = {name: getattr(account, name).filter(subject=message.subject).count() for name in sorted(names)}
    return result


def run(job):
    # requests_ntlm sends channel bindings unless told not to; exchangelib builds its auth from this map.
    transport.AUTH_TYPE_MAP[NTLM] = functools.partial(HttpNtlmAuth, send_cbt=False) if job.get("noChannelBinding") else HttpNtlmAuth
    try:
        return send(job)
    except Exception as e:  # reported as data: the test asserts on it
        return {"ok": False, "error": type(e).__name__, "message": str(e)[:500]}


print(json.dumps([run(job) for job in json.loads(sys.argv[1])]))
