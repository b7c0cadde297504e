# SMTP load from Python's smtplib (Debian's /usr/bin/python3), for bench/smtp-in.ts: CLIENTS processes, each
# one SMTP session sending its share of N small notifications (subject PREFIX + number, a Message-ID of its
# own), with no STARTTLS or AUTH. Prints one JSON line: wall-clock start and end (ms since the epoch, the
# same clock as the Node side) and how many the server accepted.
# Usage: smtplib_load.py HOST PORT N CLIENTS PREFIX
import json
import multiprocessing
import smtplib
import sys
import time


def client(args):
    host, port, indices, prefix = args
    accepted = 0
    session = smtplib.SMTP(host, port, timeout=120)
    session.ehlo("bench.test")
    for i in indices:
        message = (
            "From: notify@bench.test\r\nTo: ops@bench.test\r\n"
            f"Subject: {prefix}{i}\r\nMessage-ID: <{prefix.strip().replace(' ', '-')}-{i}@bench.test>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"notification {i}: disk usage above 90% on db-01\r\n"
        )
        session.sendmail("notify@bench.test", ["ops@bench.test"], message.encode("utf-8"))
        accepted += 1
    session.quit()
    return accepted


def main():
    host, port, n, clients, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    shares = [(host, port, list(range(c, n, clients)), prefix) for c in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        started = time.time() * 1000
        accepted = sum(pool.map(client, shares))
        ended = time.time() * 1000
    print(json.dumps({"started": started, "ended": ended, "accepted": accepted, "clients": clients}))


if __name__ == "__main__":
    main()
