"""Drives exchangelib's own Autodiscover against the sandbox's test organisation (an independent client).

Usage: /usr/bin/python3 exchangelib_autodiscover.py '[JOB, ...]' where JOB is
{"email", "username", "password", "ca", "to", "resolve": ["HOST:PORT:ADDR:PORT2", ...],
 "srv": ["NAME:TARGET:PORT:PRIORITY:WEIGHT", ...]} (the sandbox's --resolve / --resolve-srv values the
scenario lets exist). Prints a JSON list of {"ok": true, "endpoint"} or {"ok": false, "error", "message"}.

How the names reach loopback, the ways exchangelib's code allows:
- DNS: exchangelib asks dnspython for A records (to check that a host exists) and SRV records, with a
  resolver built from BaseAutodiscovery.DNS_RESOLVER_KWARGS and DNS_RESOLVER_ATTRS (class attributes for
  configuring it). They point it at a small DNS server in this process that answers from the job: A
  127.0.0.1 for its hosts, its SRV records, NXDOMAIN for anything else.
- Connections: requests/urllib3 resolve through socket.getaddrinfo; wrapping it sends HOST:PORT to the
  sandbox's address and port (what curl's --resolve/--connect-to and the agent's --resolve do). TLS still
  checks the certificate against HOST; names the job does not list do not exist.
"""
import json
import os
import socket
import sys
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from exchangelib import DELEGATE, Account, Credentials, Mailbox, Message
from exchangelib.autodiscover import clear_cache
from exchangelib.autodiscover.discovery.base import BaseAutodiscovery

REAL_GETADDRINFO = socket.getaddrinfo
CONNECT_TO = {}  # (host, port) -> (address, port)


def getaddrinfo(host, port, *args, **kwargs):
    key = (str(host).lower(), int(port) if port is not None else None)
    if key in CONNECT_TO:
        address, to_port = CONNECT_TO[key]
        return REAL_GETADDRINFO(address, to_port, *args, **kwargs)
    if host in ("127.0.0.1", "::1", "localhost"):
        return REAL_GETADDRINFO(host, port, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


class DnsServer(threading.Thread):
    """A UDP DNS server on loopback answering A and SRV from the current job."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.hosts = set()
        self.srv = {}

    def answer(self, data):
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        if question.rdtype == dns.rdatatype.A and name in self.hosts:
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "127.0.0.1"))
        elif question.rdtype == dns.rdatatype.SRV and name in self.srv:
            response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", "SRV", self.srv[name]))
        elif name not in self.hosts and name not in self.srv:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()

    def run(self):
        while True:
            data, peer = self.sock.recvfrom(4096)
            try:
                self.sock.sendto(self.answer(data), peer)
            except Exception:  # a malformed query: no answer, as a real server might
                pass


def configure(job, server):
    CONNECT_TO.clear()
    server.hosts = set()
    server.srv = {}
    for spec in job.get("resolve", []):
        host, port, address, to_port = spec.rsplit(":", 3) if spec.count(":") == 3 else (*spec.split(":"), None)
        CONNECT_TO[(host.lower(), int(port))] = (address.strip("[]"), int(to_port or port))
        server.hosts.add(host.lower())
    for spec in job.get("srv", []):
        name, target, port, priority, weight = spec.split(":")
        server.srv.setdefault(name.lower(), []).append(f"{priority} {weight} {port} {target}.")


def discover(job, server):
    os.environ["REQUESTS_CA_BUNDLE"] = job["ca"]
    configure(job, server)
    clear_cache()
    account = Account(primary_smtp_address=job["email"], credentials=Credentials(job["username"], job["password"]),
                      autodiscover=True, access_type=DELEGATE)
    endpoint = account.protocol.service_endpoint
    Message(account=account, subject=job.get("subject", "exchangelib autodiscover"), body="found by autodiscover",
            to_recipients=[Mailbox(email_address=job["to"])]).send()
    return {"ok": True, "endpoint": endpoint}


def run(job, server):
    try:
        return discover(job, server)
    except Exception as e:  # reported as data: the test asserts on it
        return {"ok": False, "error": type(e).__name__, "message": str(e)[:500]}


def main():
    server = DnsServer()
    server.start()
    BaseAutodiscovery.DNS_RESOLVER_KWARGS = {"configure": False}
    BaseAutodiscovery.DNS_RESOLVER_ATTRS = {"nameservers": ["127.0.0.1"], "port": server.port, "timeout": 2}
    socket.getaddrinfo = getaddrinfo
    print(json.dumps([run(job, server) for job in json.loads(sys.argv[1])]))


main()
