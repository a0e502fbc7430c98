"""Byte-level mutations of a valid file: flips, overwrites, insertions, deletions, truncation, splices."""

from __future__ import annotations

from hypothesis import strategies as st

_INTERESTING = [b"\x00", b"\xff", b"\n", b"\r", b'"', b",", b"{", b"[", b"\\", b"\xef\xbb\xbf", b"PAR1", b"\x1f\x8b"]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with 1-8 random edits; the edits lean towards the structure of files (headers, footers)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if not out:
            out.extend(draw(st.binary(min_size=1, max_size=16)))
            continue
        where = draw(st.one_of(st.integers(0, len(out) - 1), st.integers(max(0, len(out) - 64), len(out) - 1)))
        kind = draw(st.sampled_from(["flip", "byte", "insert", "delete", "truncate", "splice", "interesting"]))
        if kind == "flip":
            out[where] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte":
            out[where] = draw(st.integers(0, 255))
        elif kind == "insert":
            out[where:where] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "delete":
            del out[where : where + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del out[where:]
        elif kind == "splice":
            start = draw(st.integers(0, len(out) - 1))
            out[where:where] = out[start : start + draw(st.integers(1, 256))]
        else:
            out[where:where] = draw(st.sampled_from(_INTERESTING))
    return bytes(out)
