"""Compress messages the way mbsync (isync) does on an IMAP COMPRESS link.

Reads JSON from stdin: {"level": 6, "flush": "partial", "messages": ["...", ...]}
and writes JSON to stdout: a list of hex strings, one per message, each the
bytes zlib emits for that message followed by the flush (raw deflate,
wbits -15). "partial" is Z_PARTIAL_FLUSH: an empty fixed-Huffman block,
not byte-aligned, no stored block. Used by partialflush_test.go.
"""
import json
import sys
import zlib

req = json.load(sys.stdin)
flush = {"partial": zlib.Z_PARTIAL_FLUSH, "sync": zlib.Z_SYNC_FLUSH, "full": zlib.Z_FULL_FLUSH}[req["flush"]]
c = zlib.compressobj(req["level"], zlib.DEFLATED, -15)
out = [(c.compress(m.encode("utf-8")) + c.flush(flush)).hex() for m in req["messages"]]
json.dump(out, sys.stdout)
