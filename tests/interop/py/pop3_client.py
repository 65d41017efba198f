#!/usr/bin/env python3
"""POP3 client for Postroom's interop tests, built on Python's stdlib poplib.

Usage: pop3_client.py PARAMS-JSON

The Go tests in tests/interop (pop3_*_test.go) run this script against
`postroom serve` and assert on the JSON object it prints on stdout (one
line). The script makes no judgement of its own: it connects, optionally
upgrades with STLS and logs in, runs the operations it is given one after the
other and reports what poplib returned for each. An operation answered with
-ERR is reported with "ok": false and the run goes on with the next one; a
dropped connection ends the run ("eof": true on the operation).

PARAMS (JSON object)
  host, port      server address
  mode            "plain" | "stls" | "ssl"                      (default plain)
  user, password  log in with these when user is set
  login           "user" (USER/PASS, default) | "plain" (AUTH PLAIN with an
                  initial response) | "plain_cont" (AUTH PLAIN, credentials
                  after the "+ " continuation)
  retry_in_use    seconds: while the login is refused with [IN-USE] (an
                  earlier session of the same account not yet released),
                  reconnect and retry for up to this long        (default 0)
  ops             list of operations (below)

Operations ({"op": NAME, "id": optional label copied to the result, ...})
  capa                       -> caps: {NAME: [args]}
  stat                       -> count, size
  list | uidl  [which]       -> lines (text, without the terminating dot)
                                or, with which, resp only
  top   which, lines         -> data_b64, octets
  retr  which                -> data_b64 (lines joined with CRLF, plus a
                                final CRLF: the message as stored), octets
  dele | rset | noop | quit  [which for dele]
  user  name | pass password
  auth_plain  user, password, [initial (default true)]
  raw   line                 (one command, single-line answer)
  raw_bytes  b64             (bytes sent as they are; one line is read back)
  second_login  [user, password, login]
                             open another connection and try to log in while
                             this one stays open -> resp of that login
  drop                       close the connection without QUIT
Every result has ok (the server said +OK) and resp (its first line).

Output: {"ok": bool (the script ran to the end), "error": str,
         "info": {welcome, tls_version, capa, capa_tls, stls,
                  login: {ok, resp}, in_use_retries},
         "results": [...]}
"""

import base64
import json
import poplib
import socket
import ssl
import sys
import time

TIMEOUT = 30
# Message lines may be up to 998 octets; poplib's default limit is 2048.
poplib._MAXLINE = 64 * 1024


class EOF(Exception):
    pass


def text(b):
    if isinstance(b, bytes):
        return b.decode("utf-8", "replace")
    return str(b)


def tls_context():
    # The test server uses a self-signed certificate: do not verify it.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def err_resp(e):
    """The server's -ERR line of an error_proto, or raise EOF when poplib
    made the error up because the connection was closed."""
    a = e.args[0] if e.args else ""
    if isinstance(a, str):
        # poplib's own errors ('-ERR EOF', 'line too long') are str; the
        # server's answers are bytes.
        raise EOF(a)
    return text(a)


def caps(capa):
    return {text(k): [text(x) for x in v] for k, v in capa.items()}


def do_login(pop, how, user, password):
    if how == "plain":
        ir = base64.b64encode(("\0%s\0%s" % (user, password)).encode("utf-8")).decode("ascii")
        return pop._shortcmd("AUTH PLAIN " + ir)
    if how == "plain_cont":
        resp = pop._shortcmd("AUTH PLAIN")
        if not resp.startswith(b"+ ") and resp != b"+":
            raise poplib.error_proto(b"no continuation: " + resp)
        ir = base64.b64encode(("\0%s\0%s" % (user, password)).encode("utf-8")).decode("ascii")
        return pop._shortcmd(ir)
    pop.user(user)
    return pop.pass_(password)


def connect(p, info, user=None, password=None, how=None):
    host, port, mode = p["host"], int(p["port"]), p.get("mode", "plain")
    if mode == "ssl":
        pop = poplib.POP3_SSL(host, port, context=tls_context(), timeout=TIMEOUT)
        info["tls_version"] = pop.sock.version()
    else:
        pop = poplib.POP3(host, port, timeout=TIMEOUT)
    info["welcome"] = text(pop.getwelcome())
    try:
        info["capa"] = caps(pop.capa())
    except poplib.error_proto as e:
        info["capa"] = {"-ERR": [err_resp(e)]}
    if mode == "stls":
        info["stls"] = text(pop.stls(context=tls_context()))
        info["tls_version"] = pop.sock.version()
        try:
            info["capa_tls"] = caps(pop.capa())
        except poplib.error_proto as e:
            info["capa_tls"] = {"-ERR": [err_resp(e)]}
    if user:
        try:
            resp = do_login(pop, how or "user", user, password)
            info["login"] = {"ok": True, "resp": text(resp)}
        except poplib.error_proto as e:
            info["login"] = {"ok": False, "resp": err_resp(e)}
    return pop


def close(pop):
    try:
        pop.sock.close()
    except OSError:
        pass
    try:
        pop.file.close()
    except (OSError, AttributeError):
        pass


def login_with_retry(p, info):
    deadline = time.monotonic() + float(p.get("retry_in_use", 0))
    info["in_use_retries"] = 0
    while True:
        pop = connect(p, info, p.get("user"), p.get("password"), p.get("login"))
        lg = info.get("login")
        if not lg or lg["ok"] or "[IN-USE]" not in lg["resp"] or time.monotonic() > deadline:
            return pop
        try:
            pop.quit()
        except (poplib.error_proto, OSError):
            close(pop)
        info["in_use_retries"] += 1
        time.sleep(0.1)


def multi(r, resp, lines, octets):
    r["resp"] = text(resp)
    r["octets"] = octets
    return lines


def run_op(pop, p, op, r):
    name = op["op"]
    if name == "capa":
        r["caps"] = caps(pop.capa())
        r["resp"] = "+OK"
    elif name == "stat":
        r["count"], r["size"] = pop.stat()
        r["resp"] = "+OK"
    elif name in ("list", "uidl"):
        f = pop.list if name == "list" else pop.uidl
        if op.get("which") is not None:
            r["resp"] = text(f(op["which"]))
        else:
            resp, lines, octets = f()
            r["resp"] = text(resp)
            r["lines"] = [text(x) for x in lines]
    elif name in ("top", "retr"):
        if name == "top":
            resp, lines, octets = pop.top(op["which"], op["lines"])
        else:
            resp, lines, octets = pop.retr(op["which"])
        r["resp"] = text(resp)
        r["octets"] = octets
        data = b"".join(x + b"\r\n" for x in lines)
        r["data_b64"] = base64.b64encode(data).decode("ascii")
    elif name == "dele":
        r["resp"] = text(pop.dele(op["which"]))
    elif name == "rset":
        r["resp"] = text(pop.rset())
    elif name == "noop":
        r["resp"] = text(pop.noop())
    elif name == "quit":
        # poplib.quit closes the connection even when QUIT gets -ERR.
        try:
            r["resp"] = text(pop._shortcmd("QUIT"))
        finally:
            close(pop)
        return "closed"
    elif name == "user":
        r["resp"] = text(pop.user(op["name"]))
    elif name == "pass":
        r["resp"] = text(pop.pass_(op["password"]))
    elif name == "auth_plain":
        how = "plain" if op.get("initial", True) else "plain_cont"
        r["resp"] = text(do_login(pop, how, op["user"], op["password"]))
    elif name == "raw":
        r["resp"] = text(pop._shortcmd(op["line"]))
    elif name == "raw_bytes":
        pop._putline(base64.b64decode(op["b64"]).rstrip(b"\r\n"))
        r["resp"] = text(pop._getresp())
    elif name == "second_login":
        info = {}
        p2 = dict(p)
        if p2.get("mode") == "stls":
            p2["mode"] = "plain"
        other = connect(p2, info, op.get("user", p.get("user")), op.get("password", p.get("password")),
                        op.get("login", "user"))
        lg = info.get("login", {"ok": False, "resp": ""})
        r["resp"] = lg["resp"]
        if not lg["ok"]:
            r["ok"] = False
        try:
            if lg["ok"]:
                other.rset()
            other.quit()
        except (poplib.error_proto, OSError):
            close(other)
        return None
    elif name == "drop":
        close(pop)
        r["resp"] = ""
        return "closed"
    else:
        raise ValueError("unknown operation " + name)
    return None


def run(p, out):
    pop = login_with_retry(p, out["info"])
    state = None
    for op in p.get("ops", []):
        r = {"op": op["op"], "ok": True}
        if "id" in op:
            r["id"] = op["id"]
        out["results"].append(r)
        if state == "closed":
            r["ok"], r["eof"], r["resp"] = False, True, "(connection already closed)"
            continue
        try:
            state = run_op(pop, p, op, r)
        except poplib.error_proto as e:
            try:
                r["ok"], r["resp"] = False, err_resp(e)
            except EOF as eof:
                r["ok"], r["eof"], r["resp"] = False, True, str(eof)
                state = "closed"
        except EOF as e:
            r["ok"], r["eof"], r["resp"] = False, True, str(e)
            state = "closed"
        except (OSError, socket.timeout) as e:
            r["ok"], r["eof"], r["resp"] = False, True, "%s: %s" % (type(e).__name__, e)
            state = "closed"
    if state != "closed":
        try:
            pop.quit()
        except (poplib.error_proto, OSError):
            close(pop)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    params = json.loads(sys.argv[1])
    out = {"ok": False, "error": "", "info": {}, "results": []}
    try:
        run(params, out)
        out["ok"] = True
    except (poplib.error_proto, EOF, OSError, ssl.SSLError, socket.timeout, ValueError) as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
