#!/usr/bin/env python3
"""IMAP client for Postroom's interop tests, built on Python's stdlib imaplib.

Usage: imap_client.py PARAMS-JSON
       imap_client.py --selftest

The Go tests in tests/interop (imappy_*_test.go) run this script against
`postroom serve` and assert on the JSON object it prints on stdout (one
line). The script makes no judgement of its own: it runs the operations it is
given, one after the other, and reports what imaplib returned for each, parsed
into plain JSON. A failing operation (imaplib raising on NO/BAD) is reported
with "typ": "ERROR" and the run goes on with the next one.

PARAMS (JSON object)
  host, port      server address
  mode            "plain" | "starttls" | "ssl"                (default plain)
  user, password  LOGIN with these when user is set
  ops             list of operations (below)

Mailbox names in operations are given in UTF-8; the script encodes them in
modified UTF-7 (RFC 3501 5.1.3) unless "raw_name": true says the name is
already in its wire form. Names in results are decoded back to UTF-8 ("name")
and also given as sent by the server ("raw").

Operations ({"op": NAME, "id": optional label copied to the result, ...})
  capability                         -> caps
  noop
  login     user, password           (a second login, e.g. to test refusals)
  list      ref, pattern, [select_opts], [return_opts]
                                     -> mailboxes: [{flags, delim, name, raw}]
  create | delete | subscribe        mailbox
  rename    mailbox, new
  status    mailbox, items           -> status: {ITEM: int}
  select    mailbox, [readonly]      -> exists, uidvalidity, uidnext, flags,
                                        permanentflags, codes
  examine   mailbox
  fetch     set, items, [uid]        -> messages: [{seq, uid, flags,
                                        internaldate, size, sections: {NAME: b64}}]
  search    criteria (list of args), [charset], [literal] (appended as an
            IMAP literal, UTF-8), [uid] -> nums
  store     set, cmd ("+FLAGS"...), flags, [uid] -> messages (as fetch)
  copy | move  set, mailbox, [uid]   -> codes (e.g. COPYUID)
  expunge                            -> expunged (sequence numbers)
  append    mailbox, [flags], [date] (IMAP date-time string, without quotes),
            message_b64, or message_size (a plain-text message of that many
            octets, made here: no huge argument) -> codes (e.g. APPENDUID)
  authenticate  mechanism, response_b64 (the client's answer to the
            server's continuation, whatever the mechanism would say)
  enable    capability               -> enabled
  uid_expunge  set                   -> expunged
  raw       cmd, args (list of strings sent as they are), [untagged]
            -> untagged response data as text
  close | unselect | logout

Output: {"ok": bool, "error": str, "info": {welcome, tls_version, caps,
         caps_after_login}, "results": [{op, typ, data, ...}]}
"""

import base64
import binascii
import imaplib
import json
import re
import socket
import ssl
import sys

TIMEOUT = 30


# --- modified UTF-7 (RFC 3501 5.1.3) -------------------------------------

def mutf7_encode(s):
    """Encode a str as an IMAP mailbox name in modified UTF-7."""
    out = []
    buf = []

    def flush():
        if buf:
            b = "".join(buf).encode("utf-16-be")
            out.append("&" + base64.b64encode(b).decode("ascii").rstrip("=").replace("/", ",") + "-")
            del buf[:]

    for ch in s:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    return "".join(out)


def mutf7_decode(s):
    """Decode a modified UTF-7 mailbox name; invalid input is returned as is."""
    out = []
    i = 0
    try:
        while i < len(s):
            ch = s[i]
            if ch != "&":
                out.append(ch)
                i += 1
                continue
            j = s.index("-", i + 1)
            if j == i + 1:
                out.append("&")
            else:
                b64 = s[i + 1:j].replace(",", "/")
                b64 += "=" * (-len(b64) % 4)
                out.append(base64.b64decode(b64, validate=True).decode("utf-16-be"))
            i = j + 1
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return s
    return "".join(out)


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wire_name(op, key="mailbox"):
    name = op[key]
    if op.get("raw_name"):
        return quote(name)
    if name.upper() == "INBOX":
        return "INBOX"
    return quote(mutf7_encode(name))


# --- parsing of untagged data --------------------------------------------

TOKEN = re.compile(
    rb'\s*(?:(?P<open>\()|(?P<close>\))|"(?P<quoted>(?:[^"\\]|\\.)*)"'
    rb"|\{(?P<lit>\d+)\+?\}$"
    rb"|(?P<atom>[^\s()\"{\[\]]*\[[^\]]*\](?:<\d+(?:\.\d+)?>)?|[^\s()\"{]+))"
)


class Lit(bytes):
    """A literal's bytes (kept apart from atoms and quoted strings)."""


def tokens(parts):
    """Tokenize a sequence of bytes pieces and literals (the way imaplib
    returns FETCH data) into atoms (str), quoted (str), Lit, "(" and ")"."""
    out = []
    for kind, chunk in parts:
        if kind == "lit":
            out.append(Lit(chunk))
            continue
        pos = 0
        chunk = chunk.rstrip(b"\r\n")
        while pos < len(chunk):
            if chunk[pos:pos + 1].isspace():
                pos += 1
                continue
            m = TOKEN.match(chunk, pos)
            if not m or m.end() == pos:
                raise ValueError("cannot tokenize %r at %d" % (chunk, pos))
            pos = m.end()
            if m.group("open"):
                out.append("(")
            elif m.group("close"):
                out.append(")")
            elif m.group("quoted") is not None:
                q = m.group("quoted")
                out.append(("q", re.sub(rb"\\(.)", rb"\1", q).decode("utf-8", "replace")))
            elif m.group("lit") is not None:
                pass  # the literal's bytes follow as the next piece
            else:
                out.append(m.group("atom").decode("utf-8", "replace"))
    return out


def nest(toks):
    """Turn a token list into nested lists."""
    stack = [[]]
    for t in toks:
        if t == "(":
            stack.append([])
        elif t == ")":
            if len(stack) == 1:
                raise ValueError("unbalanced )")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(t)
    if len(stack) != 1:
        raise ValueError("unbalanced (")
    return stack[0]


def pieces(data):
    """imaplib data (bytes and (bytes, literal) tuples) as a piece list."""
    out = []
    for d in data:
        if d is None:
            continue
        if isinstance(d, tuple):
            out.append(("text", d[0]))
            out.append(("lit", d[1]))
        else:
            out.append(("text", d))
    return out


def value(v):
    if isinstance(v, tuple):
        return v[1]
    if isinstance(v, Lit):
        return bytes(v)
    return v


def parse_fetch(data):
    """Parse FETCH untagged data into a list of message dicts."""
    tree = nest(tokens(pieces(data)))
    msgs = []
    i = 0
    while i < len(tree):
        seq = tree[i]
        if isinstance(seq, list) or i + 1 >= len(tree) or not isinstance(tree[i + 1], list):
            raise ValueError("unexpected FETCH data %r" % (tree[i:i + 3],))
        items = tree[i + 1]
        i += 2
        m = {"seq": int(seq), "sections": {}}
        for k in range(0, len(items) - 1, 2):
            key = items[k].upper() if isinstance(items[k], str) else str(items[k])
            # BODY[HEADER.FIELDS ("MESSAGE-ID")] and (MESSAGE-ID) are the same.
            key = key.replace('"', "")
            val = items[k + 1]
            if key == "UID":
                m["uid"] = int(val)
            elif key == "FLAGS":
                m["flags"] = [value(f) for f in val]
            elif key == "INTERNALDATE":
                m["internaldate"] = value(val)
            elif key == "RFC822.SIZE":
                m["size"] = int(val)
            elif key.startswith("BODY[") or key.startswith("BINARY[") or key in ("RFC822", "RFC822.HEADER", "RFC822.TEXT"):
                v = value(val)
                if isinstance(v, str):
                    v = v.encode("utf-8")
                if v == "NIL" or v is None:
                    v = b""
                m["sections"][key] = base64.b64encode(v).decode("ascii")
            else:
                m.setdefault("other", {})[key] = json_safe(val)
        msgs.append(m)
    return msgs


def json_safe(v):
    if isinstance(v, list):
        return [json_safe(x) for x in v]
    if isinstance(v, tuple):
        return v[1]
    if isinstance(v, Lit):
        return bytes(v).decode("utf-8", "replace")
    return v


def parse_list(data):
    """Parse LIST untagged data."""
    boxes = []
    for d in data:
        if d is None:
            continue
        tree = nest(tokens(pieces([d])))
        if len(tree) < 3:
            raise ValueError("short LIST data %r" % (d,))
        flags, delim, name = tree[0], value(tree[1]), value(tree[2])
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        entry = {"flags": [value(f) for f in flags], "delim": None if delim == "NIL" else delim,
                 "raw": name, "name": mutf7_decode(name)}
        if len(tree) > 3:
            entry["extended"] = json_safe(tree[3:])
        boxes.append(entry)
    return boxes


def parse_status(data):
    out = {}
    for d in data:
        if d is None:
            continue
        tree = nest(tokens(pieces([d])))
        items = tree[-1]
        for k in range(0, len(items) - 1, 2):
            out[items[k].upper()] = int(items[k + 1])
    return out


def text(b):
    if isinstance(b, bytes):
        return b.decode("utf-8", "replace")
    if isinstance(b, tuple):
        return [text(x) for x in b]
    if b is None:
        return None
    return str(b)


def texts(data):
    return [text(d) for d in (data or [])]


def nums(data):
    out = []
    for d in data or []:
        if d:
            out.extend(int(x) for x in d.split())
    return out


def codes(m):
    """Response codes imaplib collected (untagged and tagged), as text."""
    out = {}
    for key in ("COPYUID", "APPENDUID", "UIDVALIDITY", "UIDNEXT", "PERMANENTFLAGS", "READ-ONLY",
                "READ-WRITE", "ALERT", "HIGHESTMODSEQ", "UNSEEN", "TRYCREATE", "OVERQUOTA", "CLOSED"):
        if key in m.untagged_responses:
            out[key] = texts(m.untagged_responses.pop(key))
    return out


# --- the operations -------------------------------------------------------

def op_capability(m, op, r):
    typ, data = m.capability()
    r["caps"] = text(data[0]).split() if data and data[0] else []
    return typ, data


def op_login(m, op, r):
    typ, data = m.login(op["user"], op["password"])
    typ2, caps = m.capability()
    if typ2 == "OK" and caps and caps[0]:
        m.capabilities = tuple(text(caps[0]).upper().split())
    return typ, data


def op_list(m, op, r):
    ref = op.get("ref", '""') or '""'
    pattern = op.get("pattern", "*")
    pattern = quote(pattern if op.get("raw_name") else mutf7_encode(pattern))
    args = []
    if op.get("select_opts"):
        args.append("(" + " ".join(op["select_opts"]) + ")")
    args += [ref, pattern]
    if op.get("return_opts"):
        args += ["RETURN", "(" + " ".join(op["return_opts"]) + ")"]
    typ, data = m._simple_command("LIST", *args)
    data = m._untagged_response(typ, data, "LIST")[1]
    if typ == "OK":
        r["mailboxes"] = parse_list(data)
        st = m.untagged_responses.pop("STATUS", None)
        if st:
            r["status"] = texts(st)
    return typ, data


def op_select(m, op, r, readonly=None):
    if readonly is None:
        readonly = bool(op.get("readonly"))
    typ, data = m.select(wire_name(op), readonly=readonly)
    if typ == "OK":
        r["exists"] = int(data[0])
    r["flags"] = texts(m.untagged_responses.pop("FLAGS", None))
    for key in ("UIDVALIDITY", "UIDNEXT"):
        v = m.untagged_responses.get(key)
        if v:
            r[key.lower()] = int(v[-1])
    r["codes"] = codes(m)
    return typ, data


def op_fetch(m, op, r):
    if op.get("uid"):
        typ, data = m.uid("FETCH", op["set"], op["items"])
    else:
        typ, data = m.fetch(op["set"], op["items"])
    if typ == "OK":
        r["messages"] = parse_fetch(data)
    return typ, data


def op_search(m, op, r):
    criteria = list(op.get("criteria", []))
    if op.get("literal") is not None:
        m.literal = op["literal"].encode("utf-8")
    charset = op.get("charset")
    if op.get("uid"):
        args = (["CHARSET", charset] if charset else []) + criteria
        typ, data = m.uid("SEARCH", *args)
    else:
        typ, data = m.search(charset, *criteria)
    if typ == "OK":
        r["nums"] = nums(data)
    return typ, data


def op_store(m, op, r):
    if op.get("uid"):
        typ, data = m.uid("STORE", op["set"], op["cmd"], op["flags"])
    else:
        typ, data = m.store(op["set"], op["cmd"], op["flags"])
    if typ == "OK" and data and data[0] is not None:
        r["messages"] = parse_fetch(data)
    return typ, data


def op_copy(m, op, r, cmd="COPY"):
    if cmd not in imaplib.Commands:
        imaplib.Commands[cmd] = ("SELECTED",)
    if op.get("uid"):
        typ, data = m.uid(cmd, op["set"], wire_name(op))
    elif cmd == "COPY":
        typ, data = m.copy(op["set"], wire_name(op))
    else:
        typ, data = m._simple_command(cmd, op["set"], wire_name(op))
    r["codes"] = codes(m)
    r["expunged"] = nums(m.untagged_responses.pop("EXPUNGE", None))
    return typ, data


def op_expunge(m, op, r):
    typ, data = m.expunge()
    r["expunged"] = nums(data) if typ == "OK" else []
    return typ, data


def op_uid_expunge(m, op, r):
    typ, data = m.uid("EXPUNGE", op["set"])
    r["expunged"] = nums(m.untagged_responses.pop("EXPUNGE", None))
    return typ, data


def generated_message(size):
    """A plain-text message of exactly size octets, in 1000-octet lines."""
    head = b"Subject: generated\r\n\r\n"
    line = b"x" * 998 + b"\r\n"
    body = line * ((size - len(head)) // len(line))
    return head + body + b"y" * (size - len(head) - len(body))


def op_append(m, op, r):
    if "message_size" in op:
        msg = generated_message(op["message_size"])
    else:
        msg = base64.b64decode(op["message_b64"])
    flags = op.get("flags") or None
    date = op.get("date")
    if date:
        date = '"' + date + '"'
    typ, data = m.append(wire_name(op), flags, date, msg)
    r["codes"] = codes(m)
    return typ, data


def op_status(m, op, r):
    typ, data = m.status(wire_name(op), "(" + " ".join(op["items"]) + ")")
    if typ == "OK":
        r["status"] = parse_status(data)
    return typ, data


def op_raw(m, op, r):
    cmd = op["cmd"].upper()
    if cmd not in imaplib.Commands:
        imaplib.Commands[cmd] = ("AUTH", "SELECTED")
    typ, data = m._simple_command(cmd, *op.get("args", []))
    if op.get("untagged"):
        data = m._untagged_response(typ, data, op["untagged"].upper())[1]
    return typ, data


def op_authenticate(m, op, r):
    response = base64.b64decode(op["response_b64"])
    return m.authenticate(op["mechanism"], lambda challenge: response)


def op_enable(m, op, r):
    typ, data = m.enable(op["capability"])
    r["enabled"] = texts(m.untagged_responses.pop("ENABLED", None))
    return typ, data


OPS = {
    "capability": op_capability,
    "noop": lambda m, op, r: m.noop(),
    "login": op_login,
    "list": op_list,
    "create": lambda m, op, r: m.create(wire_name(op)),
    "delete": lambda m, op, r: m.delete(wire_name(op)),
    "subscribe": lambda m, op, r: m.subscribe(wire_name(op)),
    "rename": lambda m, op, r: m.rename(wire_name(op), wire_name(op, "new")),
    "status": op_status,
    "select": op_select,
    "examine": lambda m, op, r: op_select(m, op, r, readonly=True),
    "fetch": op_fetch,
    "search": op_search,
    "store": op_store,
    "copy": op_copy,
    "move": lambda m, op, r: op_copy(m, op, r, "MOVE"),
    "expunge": op_expunge,
    "append": op_append,
    "enable": op_enable,
    "uid_expunge": op_uid_expunge,
    "raw": op_raw,
    "authenticate": op_authenticate,
    "close": lambda m, op, r: m.close(),
    "unselect": lambda m, op, r: m.unselect(),
    "logout": lambda m, op, r: m.logout(),
}


def tls_context():
    # The test server uses a self-signed certificate: do not verify it.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect(p, info):
    host, port, mode = p["host"], int(p["port"]), p.get("mode", "plain")
    if mode == "ssl":
        m = imaplib.IMAP4_SSL(host, port, ssl_context=tls_context(), timeout=TIMEOUT)
        info["tls_version"] = m.sock.version()
    else:
        m = imaplib.IMAP4(host, port, timeout=TIMEOUT)
    info["welcome"] = text(m.welcome)
    info["caps"] = list(m.capabilities)
    if mode == "starttls":
        typ, data = m.starttls(ssl_context=tls_context())
        info["starttls"] = [typ, texts(data)]
        info["tls_version"] = m.sock.version()
        info["caps_tls"] = list(m.capabilities)
    if p.get("user"):
        typ, data = m.login(p["user"], p["password"])
        info["login"] = [typ, texts(data)]
        # imaplib does not re-read capabilities after LOGIN; ask again.
        typ, data = m.capability()
        info["caps_after_login"] = text(data[0]).split() if data and data[0] else []
        # imaplib checks m.capabilities before ENABLE and others.
        if info["caps_after_login"]:
            m.capabilities = tuple(c.upper() for c in info["caps_after_login"])
    return m


def run(p, out):
    m = connect(p, out["info"])
    for op in p.get("ops", []):
        name = op["op"]
        r = {"op": name}
        if "id" in op:
            r["id"] = op["id"]
        out["results"].append(r)
        try:
            typ, data = OPS[name](m, op, r)
            r["typ"] = typ
            if name not in ("fetch", "store") and "data" not in r:
                r["data"] = texts(data) if isinstance(data, list) else text(data)
        except (imaplib.IMAP4.abort, OSError) as e:
            r["typ"], r["error"] = "ABORT", "%s: %s" % (type(e).__name__, e)
            return
        except imaplib.IMAP4.error as e:
            r["typ"], r["error"] = "ERROR", str(e)
        except ValueError as e:
            r["typ"], r["error"] = "PARSE", str(e)
    try:
        if m.state != "LOGOUT":
            m.logout()
    except (imaplib.IMAP4.error, OSError):
        pass


def selftest():
    assert mutf7_encode("견적") == "&rKzIAQ-", mutf7_encode("견적")
    assert mutf7_decode("&rKzIAQ-") == "견적"
    assert mutf7_encode("A&B ~") == "A&-B ~"
    assert mutf7_decode(mutf7_encode("프로젝트/거래처 2024")) == "프로젝트/거래처 2024"
    data = [(b'1 (UID 7 RFC822.SIZE 5 BODY[HEADER] {5}', b'ab\r\n\r'), b' FLAGS (\\Seen $x) INTERNALDATE "01-Jan-2024 10:00:00 +0900")',
            b'2 (UID 8 FLAGS ())']
    msgs = parse_fetch(data)
    assert msgs[0]["uid"] == 7 and msgs[0]["flags"] == ["\\Seen", "$x"], msgs
    assert base64.b64decode(msgs[0]["sections"]["BODY[HEADER]"]) == b"ab\r\n\r"
    assert msgs[1]["flags"] == [], msgs
    boxes = parse_list([b'(\\HasNoChildren \\Sent) "/" Sent', b'(\\Noselect) "/" "&rKzIAQ-"',
                        (b'() "/" {4}', b'a"b)')])
    assert boxes[0]["flags"] == ["\\HasNoChildren", "\\Sent"] and boxes[0]["name"] == "Sent", boxes
    assert boxes[1]["name"] == "견적" and boxes[2]["raw"] == 'a"b)', boxes
    print("selftest ok")


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--selftest":
        selftest()
        return 0
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    params = json.loads(sys.argv[1])
    out = {"ok": False, "error": "", "info": {}, "results": []}
    try:
        run(params, out)
        out["ok"] = True
    except (imaplib.IMAP4.error, OSError, ssl.SSLError, socket.timeout, ValueError) as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
