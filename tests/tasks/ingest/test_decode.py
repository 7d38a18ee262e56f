"""Decoding bytes: BOMs, declared charsets that tell the truth or lie, detection, mojibake, sniffing."""

from __future__ import annotations

import codecs

import pytest

from tasks.ingest.decode import DecodeError, decode_bytes

TEXT = "Zürich’s café — “naïve” résumé, 10 €"


def test_utf8_bom_is_honoured_and_dropped() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert decoded.text == TEXT


def test_utf16_with_bom_is_text_not_binary() -> None:
    decoded = decode_bytes(TEXT.encode("utf-16"))
    assert decoded.text == TEXT


def test_declared_cp1252_in_meta_is_used() -> None:
    html = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT}</p></body></html>'
    decoded = decode_bytes(html.encode("cp1252"))
    assert TEXT in decoded.text
    assert decoded.content_type == "text/html"


def test_a_lying_declaration_falls_back_to_what_decodes() -> None:
    html = f'<html><head><meta charset="shift_jis"></head><body><p>{TEXT}</p></body></html>'
    decoded = decode_bytes(html.encode("utf-8"))
    assert TEXT in decoded.text


def test_undeclared_shift_jis_is_detected() -> None:
    japanese = "東京の天気は晴れです。明日は雨が降るでしょう。" * 5
    decoded = decode_bytes(japanese.encode("shift_jis"))
    assert decoded.text == japanese


def test_mojibake_is_repaired() -> None:
    broken = TEXT.encode("utf-8").decode("latin-1").encode("utf-8")
    assert decode_bytes(broken).text == TEXT


def test_html_is_sniffed_even_in_a_txt_file() -> None:
    assert (
        decode_bytes(b"<!DOCTYPE html><html><p>x</p></html>", declared_type="text/plain").content_type
        == "text/html"
    )
    assert decode_bytes(b"Just words.", declared_type="text/plain").content_type == "text/plain"


def test_nul_bytes_inside_text_are_dropped() -> None:
    assert decode_bytes(b"Some words\x00 and more words").text == "Some words and more words"


@pytest.mark.parametrize("raw", [b"", b"   \n"])
def test_empty_input_raises_with_reason(raw: bytes) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_bytes(raw)
    assert caught.value.reason == "empty"


def test_mojibake_is_repaired_on_the_lines_that_have_it() -> None:
    broken = "Zürich’s café  10 °C".encode().decode("cp1252")
    lines = ["<p>Tokyo 東京 — “fine” already</p>", f"<p>{broken}</p>", "<p>Ärger über Öl</p>"] * 3
    decoded = decode_bytes("\r\n".join(lines).encode("utf-8"))
    assert decoded.text.split("\r\n")[:3] == [
        "<p>Tokyo 東京 — “fine” already</p>",
        "<p>Zürich’s café  10 °C</p>",
        "<p>Ärger über Öl</p>",
    ]
