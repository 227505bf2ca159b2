"""siu web's upload parser (property tests): whatever the names and contents and however the
body arrives in chunks, files are stored byte for byte under safe names, fields come through,
and a file over the limit is refused with nothing left on disk."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siu.web.uploads import MAX_NAME, UploadRefused, receive, safe_name

BOUNDARY = "----siuTestBoundary7MA4YWxkTrZu0gW"


def body_of(fields: list[tuple[str, str]], files: list[tuple[str, bytes]]) -> bytes:
    parts = []
    for name, value in fields:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    for filename, data in files:
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{quoted}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def run(body: bytes, cuts: list[int], folder: Path, limit: int):
    async def chunks():
        last = 0
        for cut in sorted({c % (len(body) + 1) for c in cuts}) + [len(body)]:
            if cut > last:
                yield body[last:cut]
                last = cut

    return asyncio.run(receive(f"multipart/form-data; boundary={BOUNDARY}", chunks(), folder, limit))


names = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'), min_size=1, max_size=150)


@given(names)
def test_safe_names_have_no_folder_parts_and_no_leading_dot(raw):
    name = safe_name(raw)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    assert len(name) <= MAX_NAME and name not in (".", "..")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\udtræk.csv", "udtræk.csv"),
        ("..", "fil"),
        ("a;b|c.csv", "a_b_c.csv"),
        (".bashrc", "bashrc"),
    ],
)
def test_safe_name_examples(raw, expected):
    assert safe_name(raw) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(
        st.tuples(
            st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=20),
            st.binary(max_size=3000),
        ),
        max_size=3,
    ),
    fields=st.lists(
        st.tuples(
            st.sampled_from(["year", "kommune", "area"]),
            st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=30),
        ),
        max_size=3,
        unique_by=lambda f: f[0],
    ),
    cuts=st.lists(st.integers(min_value=0, max_value=20_000), max_size=12),
)
def test_files_are_stored_byte_for_byte_however_the_body_is_chunked(files, fields, cuts):
    with tempfile.TemporaryDirectory() as tmp:
        got = run(body_of(fields, files), cuts, Path(tmp), limit=10_000)
        assert got.fields == dict(fields)
        assert [(field, name) for field, name, _ in got.files] == [("files", safe_name(name)) for name, _ in files]
        assert [path.read_bytes() for _, _, path in got.files] == [data for _, data in files]


@settings(max_examples=30, deadline=None)
@given(
    size=st.integers(min_value=1001, max_value=5000),
    cuts=st.lists(st.integers(min_value=0, max_value=6000), max_size=8),
)
def test_a_file_over_the_limit_is_refused_and_nothing_is_left(size, cuts):
    with tempfile.TemporaryDirectory() as tmp:
        with pytest.raises(UploadRefused) as refused:
            run(body_of([], [("a.csv", b"x" * 10), ("big.csv", b"y" * size)]), cuts, Path(tmp), limit=1000)
        assert refused.value.status == 413 and refused.value.code == "SIU981"
        assert "big.csv" in refused.value.message_da
        assert list(Path(tmp).iterdir()) == []
