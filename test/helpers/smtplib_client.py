# Python's smtplib as an independent SMTP client for the tests (run with Debian's /usr/bin/python3).
# Reads one JSON request on stdin, runs it, prints one JSON result: what the server advertised and how it
# answered. Request keys: host, port, starttls (bool), ca (PEM file), user, password, mechanism (LOGIN,
# PLAIN: sent even when not advertised; XOAUTH2: the password is the access token), from, to (list), message
# (text) or messageBase64, mailOptions (e.g. ["SIZE=999999", "BODY=8BITMIME"]), commands (raw lines, answered
# before MAIL), messages (count, to send it several times on one connection, "{n}" in it becoming 0, 1, ...),
# noSize (do not announce SIZE).
import base64
import json
import smtplib
import ssl
import sys

req = json.load(sys.stdin)
out = {"replies": []}


def reply(code, text):
    return {"code": code, "text": text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)}


try:
    client = smtplib.SMTP(req["host"], req["port"], timeout=60)
    client.ehlo("client.test")
    out["features"] = sorted(client.esmtp_features.keys())
    out["auth"] = client.esmtp_features.get("auth", "")
    out["size"] = client.esmtp_features.get("size", "")
    if req.get("starttls"):
        context = ssl.create_default_context(cafile=req.get("ca"))
        client.starttls(context=context)
        client.ehlo("client.test")
        out["featuresTls"] = sorted(client.esmtp_features.keys())
        out["auth"] = client.esmtp_features.get("auth", "")
    if req.get("noSize"):
        # smtplib announces SIZE=<length> by itself when offered: forget the offer, so DATA meets the limit.
        client.esmtp_features.pop("size", None)
    for line in req.get("commands", []):
        out["replies"].append(reply(*client.docmd(line)))
    if req.get("user") is not None:
        mechanism = req.get("mechanism")
        if mechanism == "PLAIN":
            token = base64.b64encode(("\0" + req["user"] + "\0" + req["password"]).encode()).decode()
            code, text = client.docmd("AUTH", "PLAIN " + token)
            out["replies"].append(reply(code, text))
            if code != 235:
                raise smtplib.SMTPAuthenticationError(code, text)
        elif mechanism == "XOAUTH2":
            # password is the bearer token; smtplib base64-encodes the initial response, and answers a 334
            # challenge (a refusal's JSON, Google's style) with an empty line.
            initial = "user=%s\x01auth=Bearer %s\x01\x01" % (req["user"], req["password"])
            code, text = client.auth("XOAUTH2", lambda challenge=None: initial if challenge is None else "")
            out["replies"].append(reply(code, text))
        elif mechanism == "LOGIN":
            client.user, client.password = req["user"], req["password"]
            code, text = client.auth("LOGIN", client.auth_login, initial_response_ok=False)
            out["replies"].append(reply(code, text))
        else:
            code, text = client.login(req["user"], req["password"])
            out["replies"].append(reply(code, text))
    if "from" in req:
        data = base64.b64decode(req["messageBase64"]) if "messageBase64" in req else req["message"].encode("utf-8")
        for n in range(req.get("messages", 1)):
            # "{n}" in the message becomes its number: several distinct messages over one connection.
            refused = client.sendmail(req["from"], req["to"], data.replace(b"{n}", str(n).encode()), mail_options=req.get("mailOptions", []))
            out.setdefault("refused", {}).update({k: reply(*v) for k, v in refused.items()})
            out["accepted"] = out.get("accepted", 0) + 1
    client.quit()
    out["ok"] = True
except smtplib.SMTPRecipientsRefused as err:
    out["error"] = {"kind": "recipients", "recipients": {k: reply(*v) for k, v in err.recipients.items()}}
except smtplib.SMTPResponseException as err:
    out["error"] = {"kind": type(err).__name__, **reply(err.smtp_code, err.smtp_error)}
except smtplib.SMTPException as err:
    out["error"] = {"kind": type(err).__name__, "text": str(err)}
except (OSError, ssl.SSLError) as err:
    out["error"] = {"kind": "connection", "text": str(err)}
print(json.dumps(out))
