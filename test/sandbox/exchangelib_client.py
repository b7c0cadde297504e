"""Drives the sandbox with Debian's python3-exchangelib (an independent EWS client).

Usage: /usr/bin/python3 exchangelib_client.py '[JOB, ...]' where JOB is
{"url", "ca", "username", "password", "email", "to", "auth": "basic|ntlm", "subject"?, "author"?,
 "faultTolerance"?: true, "noChannelBinding"?: true (requests_ntlm with send_cbt=False)}. Runs the jobs in order (one interpreter start for all: importing exchangelib
is slow) and prints a JSON list of results, each {"ok": true, "version", "build"} or
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
    message.send()
    return {"ok": True, "version": account.version.api_version, "build": str(account.version.build)}


def run(job):
    # requests_ntlm sends channel bindings unless told not to; exchangelib builds its auth from this map.
    transport.AUTH_TYPE_MAP[NTLM] = functools.partial(HttpNtlmAuth, send_cbt=False) if job.get("noChannelBinding") else HttpNtlmAuth
    try:
        return send(job)
    except Exception as e:  # reported as data: the test asserts on it
        return {"ok": False, "error": type(e).__name__, "message": str(e)[:500]}


print(json.dumps([run(job) for job in json.loads(sys.argv[1])]))
