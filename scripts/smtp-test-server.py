#!/usr/bin/env python3
"""scripts/smtp-test-server.py — a real SMTP server on loopback for the e-mail tests.

  serve MAILDIR [--reject ADDR]... [--defer ADDR]... [--stall ADDR]... [--auth USER:PASSWORD]
      Listens on 127.0.0.1 on a free port and prints "READY <port>" once it
      accepts connections. Every accepted message goes into the Maildir MAILDIR
      (aiosmtpd's Mailbox handler). RCPT TO a --reject address is answered
      550, a --defer address 451, a --stall address never. With --auth, MAIL
      needs AUTH PLAIN/LOGIN with these credentials first (no TLS: loopback
      only). Exits when its standard input closes, so it never outlives the
      test that started it.
  dump MAILDIR
      Prints the Maildir's messages as a JSON list, decoded by Python's own
      e-mail parser: to, from, subject, message_id, date, content_type,
      mail_from / rcpt_to (the envelope), auth_login, and the leaf parts with
      content_type, charset and decoded content.

Needs aiosmtpd (pip install aiosmtpd, or Debian python3-aiosmtpd); without it
`serve` exits 3. scripts/test.sh installs it.
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import sys
import threading
import warnings

NO_AIOSMTPD = 3


def serve(args):
    try:
        from aiosmtpd.handlers import Mailbox
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
    except ImportError:
        print("smtp-test-server: Python module aiosmtpd is not installed "
              "(run scripts/test.sh, or pip install aiosmtpd)", file=sys.stderr)
        sys.exit(NO_AIOSMTPD)

    reject = {a.lower() for a in args.reject}
    defer = {a.lower() for a in args.defer}
    stall = {a.lower() for a in args.stall}

    class TestMailbox(Mailbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower() in reject:
                return f"550 5.1.1 <{address}>: mailbox unavailable"
            if address.lower() in defer:
                return f"451 4.3.0 <{address}>: try again later"
            if address.lower() in stall:
                await asyncio.sleep(3600)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        def prepare_message(self, session, envelope):
            message = super().prepare_message(session, envelope)
            if session.authenticated and session.login_data is not None:
                message["X-AuthLogin"] = session.login_data.decode()
            return message

    kwargs = {}
    if args.auth:
        user, _, password = args.auth.partition(":")
        want = (user.encode(), password.encode())

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == want
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        logging.getLogger("mail.log").setLevel(logging.ERROR)

    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
    handler = TestMailbox(args.maildir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="smtp-test.rescuedesk", loop=loop, **kwargs),
        host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]

    def exit_when_stdin_closes():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(f"READY {port}", flush=True)
    loop.run_forever()


def dump(args):
    new = os.path.join(args.maildir, "new")
    out = []
    for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
        with open(os.path.join(new, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        parts = [
            {
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "content": part.get_content(),
            }
            for part in msg.walk()
            if not part.is_multipart()
        ]
        out.append({
            "file": name,
            "to": str(msg["To"] or ""),
            "from": str(msg["From"] or ""),
            "subject": str(msg["Subject"] or ""),
            "message_id": str(msg["Message-ID"] or ""),
            "date": str(msg["Date"] or ""),
            "content_type": msg.get_content_type(),
            "mail_from": str(msg["X-MailFrom"] or ""),
            "rcpt_to": str(msg["X-RcptTo"] or ""),
            "auth_login": str(msg["X-AuthLogin"] or ""),
            "parts": parts,
        })
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve")
    p.add_argument("maildir")
    p.add_argument("--reject", action="append", default=[], metavar="ADDR")
    p.add_argument("--defer", action="append", default=[], metavar="ADDR")
    p.add_argument("--stall", action="append", default=[], metavar="ADDR")
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.set_defaults(run=serve)
    p = sub.add_parser("dump")
    p.add_argument("maildir")
    p.set_defaults(run=dump)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
