"""Drives the sandbox with Debian's python3-exchangelib (an independent EWS client).

Usage: /usr/bin/python3 exchangelib_client.py '[JOB, ...]' where JOB is
{"url", "ca", "username", "password", "email", "to", "auth": "basic|ntlm|bearer", "subject"?, "author"?,
 "faultTolerance"?: true, "noChannelBinding"?: true (requests_ntlm with send_cbt=False),
 "saveIn"?: ACCOUNT FOLDER (save the message there first, then send it: SendItem),
 "copyTo"?: ACCOUNT FOLDER (the sent copy goes there, not to Sent Items),
 bearer: "token"?: a ready access token, else "tenant", "clientId", "secret", "scope"? (default Exchange
 Online's .default) for Debian's python3-msal to get one from the sandbox's authority (client credentials);
 "tamper"?: true (the token's signature altered), "delegate"?: true (no impersonation, as with a user's token),
 "mimeDraft"?: a Message-ID (a MIME message carrying it is saved in Drafts, not sent; the result's "found" is how
 many messages with that Message-ID exchangelib then finds in Drafts)}, an ACCOUNT FOLDER being an
attribute of exchangelib's Account (inbox, junk, trash, ...). Runs the jobs in order (one interpreter start
for all: importing exchangelib is slow) and prints a JSON list of results, each {"ok": true, "version",
"build", "copies"?: {FOLDER: how many messages with the job's subject exchangelib finds there}} or
{"ok": false, "error": EXCEPTION CLASS, "message"}.
"""
import functools
import json
import os
import sys

from exchangelib import DELEGATE, IMPERSONATION, Account, Configuration, Credentials, FaultTolerance, Identity, Mailbox, Message
from exchangelib import OAuth2AuthorizationCodeCredentials
from exchangelib import transport
from exchangelib.transport import BASIC, NTLM
from requests_ntlm import HttpNtlmAuth


def app_token(job):
    """An app-only access token from the sandbox's identity platform, got by python3-msal as from Entra ID."""
    if job.get("token"):
        return job["token"]
    import msal  # only bearer jobs need it
    origin = job["url"].split("/EWS/")[0]
    app = msal.ConfidentialClientApplication(
        job["clientId"], client_credential=job["secret"], authority=f"{origin}/{job['tenant']}", validate_authority=False)
    result = app.acquire_token_for_client(scopes=[job.get("scope", "https://outlook.office365.com/.default")])
    if "access_token" not in result:
        raise RuntimeError(f"msal: {result.get('error')}: {result.get('error_description')}")
    token = result["access_token"]
    if job.get("tamper"):
        head, claims, signature = token.split(".")
        token = ".".join([head, claims, ("A" if signature[0] != "A" else "B") + signature[1:]])
    return token


def credentials(job):
    """Exchange Online's app-only way: a ready token (exchangelib fetches none itself: the authorization code
    class takes one as is) and the mailbox named for impersonation, also in requests made before the Account
    exists (version guessing); otherwise the job's user and password."""
    if job.get("auth") != "bearer":
        return Credentials(job["username"], job["password"]), NTLM if job.get("auth") == "ntlm" else BASIC, DELEGATE
    token = {"access_token": app_token(job), "token_type": "Bearer", "expires_in": 3599}
    if job.get("delegate"):  # as with a user's token: no ExchangeImpersonation header
        return OAuth2AuthorizationCodeCredentials(access_token=token), None, DELEGATE
    identity = Identity(primary_smtp_address=job["email"])
    return OAuth2AuthorizationCodeCredentials(access_token=token, identity=identity), None, IMPERSONATION


def send(job):
    os.environ["REQUESTS_CA_BUNDLE"] = job["ca"]
    creds, auth_type, access_type = credentials(job)
    config = Configuration(
        service_endpoint=job["url"],
        credentials=creds,
        auth_type=auth_type,
        retry_policy=FaultTolerance(max_wait=20) if job.get("faultTolerance") else None,
    )
    account = Account(primary_smtp_address=job["email"], config=config, autodiscover=False, access_type=access_type)
    if job.get("mimeDraft"):
        mime = (f"From: {job['email']}\r\nTo: {job['to']}\r\nSubject: {job.get('subject', 'a MIME draft')}\r\n"
                f"Message-ID: {job['mimeDraft']}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n")
        Message(account=account, folder=account.drafts, mime_content=mime.encode()).save()  # CreateItem SaveOnly, MimeContent only
        return {"ok": True, "found": account.drafts.filter(message_id=job["mimeDraft"]).count()}
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
