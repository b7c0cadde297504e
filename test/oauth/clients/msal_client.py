"""An independent OAuth client of the sandbox: Debian's python3-msal, client credentials with a secret or a
certificate (RS256 with x5t, as msal 1.21 signs). Trusts the sandbox's CA through REQUESTS_CA_BUNDLE.
Argument: JSON {authority, clientId, scope, secret? | certificate?: {privateKey, thumbprint}}.
Prints JSON: {token, expiresIn} or {error, errorCodes}."""
import json
import sys

import msal

args = json.loads(sys.argv[1])
credential = args.get("secret")
if "certificate" in args:
    credential = {"private_key": args["certificate"]["privateKey"], "thumbprint": args["certificate"]["thumbprint"]}
try:
    app = msal.ConfidentialClientApplication(
        args["clientId"], client_credential=credential, authority=args["authority"], validate_authority=False)
    result = app.acquire_token_for_client(scopes=[args["scope"]])
except ValueError as e:
    # msal wraps a refused discovery ("Unable to get authority configuration"); the server's answer is the cause.
    print(json.dumps({"error": "%s / %s" % (e, e.__context__), "errorCodes": []}))
    sys.exit(0)
if "access_token" in result:
    print(json.dumps({"token": result["access_token"], "expiresIn": result.get("expires_in")}))
else:
    print(json.dumps({"error": result.get("error"), "errorCodes": result.get("error_codes", [])}))
