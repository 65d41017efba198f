#!/usr/bin/env python3
"""SMTP client for Postroom's interop tests, built on Python's stdlib smtplib.

Usage: smtp_client.py SCENARIO PARAMS-JSON

The Go tests in tests/interop run this script against `postroom serve` and
assert on the JSON object it prints on stdout (one line). The script makes no
judgement of its own: it reports what the server answered.

Scenarios
  send   connect (plain, STARTTLS or implicit TLS), optionally authenticate,
         build a message and send it with SMTP.sendmail.
  steps  connect and authenticate as for send, then run low-level commands
         (mail, rcpt, data, rset, noop, raw) and report every reply.

PARAMS (JSON object)
  host, port            server address
  mode                  "plain" | "starttls" | "ssl"            (default plain)
  user, password        authenticate when user is set
  mech                  "" (smtplib's choice) | "PLAIN" | "LOGIN"
  from, to              envelope sender and recipient list
  mail_options          extra MAIL FROM parameters, e.g. ["SMTPUTF8"]
  message               how to build the message (see build_message)
  steps                 for the steps scenario, a list of objects:
                        {"cmd": "mail", "addr": A, "opts": [...]}
                        {"cmd": "rcpt", "addr": A, "opts": [...]}
                        {"cmd": "data", "message": {...}}
                        {"cmd": "rset"} | {"cmd": "noop"} | {"cmd": "raw", "line": L}

Output: {"ok": bool, "stage": where it stopped, "code": int, "msg": str,
         "refused": {rcpt: [code, msg]}, "info": {...}, "sent_b64": str,
         "steps": [{"cmd": ..., "code": ..., "msg": ...}]}
"""

import base64
import email.header
import email.utils
import json
import smtplib
import ssl
import sys

TIMEOUT = 30
# Given explicitly: otherwise smtplib calls socket.getfqdn(), a DNS lookup.
HELO = "client.interop.example"


def tls_context():
    # The test server uses a self-signed certificate: do not verify it.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def text(b):
    if isinstance(b, bytes):
        return b.decode("utf-8", "replace")
    return str(b)


def features(s):
    return {k: v for k, v in s.esmtp_features.items()}


def connect(p, info):
    host, port, mode = p["host"], int(p["port"]), p.get("mode", "plain")
    if mode == "ssl":
        s = smtplib.SMTP_SSL(host, port, local_hostname=HELO, context=tls_context(), timeout=TIMEOUT)
        info["tls_version"] = s.sock.version()
    else:
        s = smtplib.SMTP(host, port, local_hostname=HELO, timeout=TIMEOUT)
    code, msg = s.ehlo(HELO)
    info["ehlo"] = [code, text(msg)]
    info["features"] = features(s)
    if mode == "starttls":
        if not s.has_extn("starttls"):
            raise Stop("starttls", 0, "server does not advertise STARTTLS")
        code, msg = s.starttls(context=tls_context())
        info["starttls"] = [code, text(msg)]
        info["tls_version"] = s.sock.version()
        s.ehlo(HELO)
        info["features_tls"] = features(s)
    if p.get("user"):
        mech = p.get("mech", "")
        try:
            if mech:
                s.user, s.password = p["user"], p["password"]
                code, msg = s.auth(mech, getattr(s, "auth_" + mech.lower()))
            else:
                code, msg = s.login(p["user"], p["password"])
        except smtplib.SMTPAuthenticationError as e:
            raise Stop("auth", e.smtp_code, text(e.smtp_error))
        info["auth"] = [code, text(msg)]
    return s


class Stop(Exception):
    def __init__(self, stage, code, msg):
        super().__init__(f"{stage}: {code} {msg}")
        self.stage, self.code, self.msg = stage, code, msg


def build_message(m):
    """Build raw message bytes (CRLF line ends).

    m: from, to, subject, message_id (without <>), charset (default utf-8),
    body (text), size (pad the body with ASCII lines up to this many bytes),
    raw_headers (bool: put subject/from/to as raw UTF-8 bytes instead of
    RFC 2047 encoded words, as an SMTPUTF8 message does),
    header_from (override the From header),
    omit (header names to leave out, e.g. ["Date", "Message-ID"] as the
    README's example sends),
    extra_headers (whole header lines to add, e.g. ["Sender: <x@y>"]).
    """
    charset = m.get("charset", "utf-8")
    subject = m.get("subject", "interop")
    if m.get("raw_headers") or subject.isascii():
        subj = subject.encode("utf-8")
    else:
        subj = email.header.Header(subject, charset).encode().encode("ascii")
    body = m.get("body", "Hello from Python smtplib.\n").replace("\r\n", "\n")
    body_bytes = body.replace("\n", "\r\n").encode(charset)
    size = int(m.get("size", 0))
    filler = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789\r\n"
    head_from = m.get("header_from", m["from"])
    headers = [
        b"From: <" + head_from.encode("utf-8") + b">",
        b"To: <" + m["to"].encode("utf-8") + b">",
        b"Subject: " + subj,
        b"Date: " + email.utils.formatdate(localtime=True).encode("ascii"),
        b"Message-ID: <" + m.get("message_id", "").encode("utf-8") + b">",
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=" + charset.encode("ascii"),
    ]
    omit = {name.lower().encode("ascii") + b":" for name in m.get("omit") or []}
    headers = [h for h in headers if not any(h.lower().startswith(o) for o in omit)]
    headers += [h.encode("utf-8") for h in m.get("extra_headers") or []]
    eight = any(c > 127 for c in body_bytes)
    headers.append(b"Content-Transfer-Encoding: " + (b"8bit" if eight else b"7bit"))
    msg = b"\r\n".join(headers) + b"\r\n\r\n" + body_bytes
    while len(msg) < size:
        msg += filler
    return msg


def scenario_send(p, out):
    info = out["info"]
    s = connect(p, info)
    msg = build_message(p["message"])
    out["sent_b64"] = base64.b64encode(msg).decode("ascii")
    try:
        refused = s.sendmail(p["from"], p["to"], msg, mail_options=p.get("mail_options", []))
    except smtplib.SMTPSenderRefused as e:
        raise Stop("mail", e.smtp_code, text(e.smtp_error))
    except smtplib.SMTPRecipientsRefused as e:
        out["refused"] = {r: [c, text(m)] for r, (c, m) in e.recipients.items()}
        code, m = next(iter(e.recipients.values()))
        raise Stop("rcpt", code, text(m))
    except smtplib.SMTPDataError as e:
        raise Stop("data", e.smtp_code, text(e.smtp_error))
    out["refused"] = {r: [c, text(m)] for r, (c, m) in refused.items()}
    out["stage"], out["code"], out["msg"] = "done", 250, ""
    try:
        s.quit()
    except smtplib.SMTPException:
        pass


def scenario_steps(p, out):
    s = connect(p, out["info"])
    results = out["steps"]
    for st in p["steps"]:
        cmd = st["cmd"]
        try:
            if cmd == "mail":
                opts = st.get("opts", [])
                if any(o.upper() == "SMTPUTF8" for o in opts):
                    s.command_encoding = "utf-8"
                s.putcmd("mail", "FROM:<%s>%s" % (st["addr"], "".join(" " + o for o in opts)))
                code, msg = s.getreply()
            elif cmd == "rcpt":
                opts = st.get("opts", [])
                s.putcmd("rcpt", "TO:<%s>%s" % (st["addr"], "".join(" " + o for o in opts)))
                code, msg = s.getreply()
            elif cmd == "data":
                data = build_message(st["message"])
                try:
                    code, msg = s.data(data)
                except smtplib.SMTPDataError as e:
                    code, msg = e.smtp_code, e.smtp_error
            elif cmd == "rset":
                code, msg = s.rset()
            elif cmd == "noop":
                code, msg = s.noop()
            elif cmd == "raw":
                code, msg = s.docmd(st["line"])
            else:
                raise ValueError("unknown step " + cmd)
        except smtplib.SMTPServerDisconnected as e:
            results.append({"cmd": cmd, "code": -1, "msg": "disconnected: %s" % e})
            break
        results.append({"cmd": cmd, "code": code, "msg": text(msg)})
    out["stage"], out["code"], out["msg"] = "done", 0, ""
    try:
        s.quit()
    except smtplib.SMTPException:
        pass


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    scenario, params = sys.argv[1], json.loads(sys.argv[2])
    out = {"ok": False, "stage": "connect", "code": 0, "msg": "", "refused": {},
           "info": {}, "steps": [], "sent_b64": ""}
    try:
        {"send": scenario_send, "steps": scenario_steps}[scenario](params, out)
        out["ok"] = True
    except Stop as e:
        out["stage"], out["code"], out["msg"] = e.stage, e.code, e.msg
    except smtplib.SMTPResponseException as e:
        out["stage"], out["code"], out["msg"] = "error", e.smtp_code, text(e.smtp_error)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as e:
        out["stage"], out["code"], out["msg"] = "error", -1, "%s: %s" % (type(e).__name__, e)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
