#!/usr/bin/env python3
"""A shopconform certify adapter in plain Python (3.8 or later, standard
library only): the baseline for SDKs written in Python. It speaks the
protocol of certify/PROTOCOL.md on stdin/stdout and sends each case's
request with urllib, as certify.NetHTTP does in Go.

Like a typed SDK, it builds multipart bodies itself from the case's form
(its own boundary, its own part order): the harness compares forms by
what they hold, not byte for byte.

To certify a real SDK, copy this file and replace call_sdk with a call of
the SDK: build its client with base_url and token, call the method that
matches the endpoint, and report the errcode the SDK handed you and how
(a typed error, a response field, or only an error string).

stdout carries the protocol only: log to sys.stderr, which the harness
shows when a case fails.
"""

import base64
import json
import platform
import re
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid

PROTOCOL = "shopconform.certify/v1"

# No proxy: base_url is a loopback server of the harness, and an
# HTTP_PROXY in the environment must not send the SDK's requests elsewhere.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def send(msg):
    """Writes one protocol message as one line on stdout, flushed at once:
    stdout to a pipe is block-buffered, and the harness waits for the line.
    stderr is flushed first, so that what was logged for a call is out
    before its result (the harness shows it with that case)."""
    sys.stderr.flush()
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def body_of(call):
    """The body a call carries, as bytes: text, or base64 for binary bodies."""
    if call.get("body_base64"):
        return base64.b64decode(call["body_base64"])
    if call.get("body"):
        return call["body"].encode("utf-8")
    return b""


def parse_form(body, content_type):
    """Reads a multipart/form-data body into its parts:
    (headers dict with lower-case names, bytes), or None."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not content_type.lower().startswith("multipart/form-data") or not m:
        return None
    delimiter = b"--" + m.group(1).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 2 or not chunks[-1].startswith(b"--"):
        return None
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            return None
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers = {}
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        parts.append((headers, data))
    return parts


def build_form(parts):
    """Writes parts as a new multipart/form-data body, the way an SDK does:
    a boundary of its own, files first. Returns (body, content type)."""
    boundary = "py-" + uuid.uuid4().hex
    ordered = sorted(parts, key=lambda p: "filename=" not in p[0].get("content-disposition", ""))
    out = b""
    for headers, data in ordered:
        out += b"--" + boundary.encode() + b"\r\n"
        out += b"Content-Disposition: " + headers["content-disposition"].encode("utf-8") + b"\r\n"
        if "content-type" in headers:
            out += b"Content-Type: " + headers["content-type"].encode("utf-8") + b"\r\n"
        out += b"\r\n" + data + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + boundary


def call_sdk(call):
    """Makes the "SDK" send the case's request and returns what its caller
    sees: (errcode, via, detail). Raising means the SDK could not make the
    call at all; the harness reports the message as the case's error."""
    url = call["base_url"] + call["endpoint"]
    if call.get("token"):
        url += "?access_token=" + urllib.parse.quote(call["token"], safe="")
    body, content_type = body_of(call), call.get("content_type", "")
    form = parse_form(body, content_type)
    if form is not None:
        body, content_type = build_form(form)
    req = urllib.request.Request(url, data=body or None, method=call["method"])
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with OPENER.open(req, timeout=30) as resp:
            status, text = resp.status, resp.read()
    except urllib.error.HTTPError as err:  # 4xx and 5xx: the body still counts
        status, text = err.code, err.read()
    try:
        answer = json.loads(text)
    except ValueError:
        # The status and the start of the body, never the URL: its query
        # holds the token.
        raise RuntimeError("HTTP %d: the answer is not JSON: %r" % (status, text[:200]))
    if not isinstance(answer, dict):
        raise RuntimeError("HTTP %d: the answer is not a JSON object" % status)
    errcode = answer.get("errcode")
    # bool is an int in Python: true is not an errcode.
    if isinstance(errcode, int) and not isinstance(errcode, bool):
        return errcode, "response field", ""
    if isinstance(answer.get("access_token"), str) and call["endpoint"].startswith("/cgi-bin/"):
        # stable_token's success answer has no errcode: the caller got 0.
        return 0, "response field", "a token answer has no errcode"
    raise RuntimeError("HTTP %d: the answer has no errcode" % status)


def handle(msg):
    kind = msg.get("type")
    if kind == "hello":
        if msg.get("protocol") != PROTOCOL:
            print("adapter: the harness speaks %s, this adapter %s" % (msg.get("protocol"), PROTOCOL), file=sys.stderr)
            sys.exit(1)
        send({"type": "hello", "protocol": PROTOCOL, "sdk": "python urllib", "version": platform.python_version()})
    elif kind == "call":
        try:
            errcode, via, detail = call_sdk(msg)
            # errcode goes out as a JSON integer: int() refuses a code an
            # SDK kept as text ("45009") rather than sending a string.
            send({"type": "result", "id": msg["id"], "errcode": int(errcode), "via": via, "detail": detail})
        except Exception as err:  # the SDK could not make the call
            print("adapter: case %s:" % msg.get("id"), file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            send({"type": "result", "id": msg["id"], "error": str(err)})
    else:
        print("adapter: unknown message type %r" % kind, file=sys.stderr)


def main():
    # One call at a time, in order; readline (not iteration over stdin)
    # hands each line over as soon as it arrives. End of input: the
    # harness is done.
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
        except ValueError:
            print("adapter: a line that is not JSON: %r" % line[:200], file=sys.stderr)
            continue
        handle(msg)


if __name__ == "__main__":
    main()
