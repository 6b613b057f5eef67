"""Decoding text files: encodings detected, truncation noted, binary and unknown bytes refused."""

import codecs
import io
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import decode
from geo.decode import SAMPLE_SIZE, Decoded, decode_bytes, open_text
from geo.exc import CorpusError

RUSSIAN = ("Переговоры о границе между Таджикистаном и Киргизией прошли в Душанбе. "
           "Делегации обсудили участок у села Ворух и договорились встретиться снова.")
UKRAINIAN = ("У Бішкеку відбулася зустріч делегацій. Сторони домовилися про нові кроки "
             "щодо кордону, а їхні експерти працюватимуть далі.")
ENGLISH = "Talks on the border between Tajikistan and Kyrgyzstan were held in Dushanbe."


@pytest.mark.parametrize("raw, expected", [
    (ENGLISH.encode("utf-8"), Decoded(ENGLISH, "utf-8")),
    (RUSSIAN.encode("utf-8"), Decoded(RUSSIAN, "utf-8")),
    (RUSSIAN.encode("utf-8-sig"), Decoded(RUSSIAN, "utf-8-sig")),
    (codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"), Decoded(RUSSIAN, "utf-16-le")),
    (codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"), Decoded(RUSSIAN, "utf-16-be")),
    (codecs.BOM_UTF32_LE + UKRAINIAN.encode("utf-32-le"), Decoded(UKRAINIAN, "utf-32-le")),
    (codecs.BOM_UTF32_BE + UKRAINIAN.encode("utf-32-be"), Decoded(UKRAINIAN, "utf-32-be")),
    # No byte-order mark: the NUL high bytes of ASCII characters show the order.
    (ENGLISH.encode("utf-16-le"), Decoded(ENGLISH, "utf-16-le")),
    (ENGLISH.encode("utf-16-be"), Decoded(ENGLISH, "utf-16-be")),
    (RUSSIAN.encode("utf-16-le"), Decoded(RUSSIAN, "utf-16-le")),
    (UKRAINIAN.encode("utf-16-be"), Decoded(UKRAINIAN, "utf-16-be")),
], ids=["utf-8 ascii", "utf-8", "utf-8 bom", "utf-16-le bom", "utf-16-be bom", "utf-32-le bom",
        "utf-32-be bom", "utf-16-le ascii", "utf-16-be ascii", "utf-16-le cyrillic",
        "utf-16-be cyrillic"])
def test_unicode_encodings(raw, expected):
    assert decode_bytes(raw, "a.txt") == expected


@pytest.mark.parametrize("text, codec", [
    (RUSSIAN, "cp1251"),
    (UKRAINIAN, "cp1251"),
    (RUSSIAN, "koi8-r"),
    # KOI8-R has no і, ї, є: Ukrainian is written in KOI8-U.
    (UKRAINIAN, "koi8-u"),
    ("Встреча в Бишкеке", "cp1251"),
    ("Встреча в Бишкеке", "koi8-r"),
    # Latin names and quotes in Cyrillic text do not hide the encoding.
    ("«Газпром» и NATO: переговоры в Душанбе — итоги № 5", "cp1251"),
])
def test_cyrillic_single_byte_encodings(text, codec):
    assert decode_bytes(text.encode(codec), "ru.txt") == Decoded(text, codec)


def test_long_cyrillic_file_is_decoded_from_a_sample():
    text = (RUSSIAN + "\n") * (3 * SAMPLE_SIZE // len(RUSSIAN))
    assert decode_bytes(text.encode("koi8-r"), "big.txt") == Decoded(text, "koi8-r")
    assert decode_bytes(text.encode("cp1251"), "big.txt") == Decoded(text, "cp1251")


@pytest.mark.parametrize("raw, expected", [
    # "Душанбе" loses the second byte of its last letter.
    ("Переговоры в Душанбе".encode("utf-8")[:-1],
     Decoded("Переговоры в Душанб", "utf-8",
             "ends inside a UTF-8 character (truncated?); the last 1 byte was dropped")),
    # An em dash is three bytes; two are left.
    ("Talks in Dushanbe \u2014".encode("utf-8")[:-1],
     Decoded("Talks in Dushanbe ", "utf-8",
             "ends inside a UTF-8 character (truncated?); the last 2 bytes were dropped")),
    (codecs.BOM_UTF8 + "Бишкек".encode("utf-8")[:-1],
     Decoded("Бишке", "utf-8-sig",
             "ends inside a UTF-8 character (truncated?); the last 1 byte was dropped")),
    (codecs.BOM_UTF16_LE + "Bishkek".encode("utf-16-le")[:-1],
     Decoded("Bishke", "utf-16-le",
             "ends inside a UTF-16 character (truncated?); the last 1 byte was dropped")),
], ids=["2-byte", "3-byte", "utf-8 bom", "utf-16"])
def test_truncated_last_character_is_dropped_with_a_note(raw, expected):
    assert decode_bytes(raw, "cut.txt") == expected


@pytest.mark.parametrize("raw", [
    b"", b" \r\n\t  \n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n\n",
    codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), " \n ".encode("utf-16-be"),
], ids=["0 bytes", "whitespace", "utf-8 bom", "bom and newlines", "utf-16 bom", "utf-16 spaces"])
def test_empty_file(raw):
    with pytest.raises(CorpusError) as error:
        decode_bytes(raw, "empty.txt")
    assert str(error.value) == "empty.txt: empty file; nothing to read"


@pytest.mark.parametrize("raw, message", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
     "a PDF file, not text; export it as .txt or .html"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
     "a ZIP archive or Office document (.docx, .xlsx, .odt), not text; "
     "unzip it, or save the document as .txt, .html or .csv"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
     "a PNG image, not text; images hold no article text; leave it out"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
     "a JPEG image, not text; images hold no article text; leave it out"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
     "a gzip archive, not text; unpack it first (gunzip)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
     "an old Office document (.doc, .xls), not text; save it as .txt, .html or .csv"),
    (b"BZh91AY&SY\x00\x01",
     "a bzip2 archive, not text; unpack it first (bunzip2)"),
    (b"PAR1\x15\x04\x15\x10\x00PAR1",
     "a Parquet file, not text; name it .parquet so it is read as a table"),
], ids=["pdf", "zip", "png", "jpeg", "gzip", "ole2", "bzip2", "parquet"])
def test_known_binary_formats_are_named(raw, message):
    with pytest.raises(CorpusError) as error:
        decode_bytes(raw, "doc.txt")
    assert str(error.value) == f"doc.txt: {message}"


def test_nul_bytes_that_are_not_utf16_are_binary():
    # NULs every 256 bytes: too few to be the high bytes of UTF-16 text.
    raw = b"GMAP" + bytes(range(256)) * 8
    with pytest.raises(CorpusError) as error:
        decode_bytes(raw, "data.bin.txt")
    assert str(error.value) == ("data.bin.txt: binary data, not text (NUL byte at offset 4); "
                                "save the articles as UTF-8 text")


def test_random_bytes_are_binary():
    raw = random.Random(20240301).randbytes(4096)
    with pytest.raises(CorpusError) as error:
        decode_bytes(raw, "noise.txt")
    assert str(error.value) == (f"noise.txt: binary data, not text (NUL byte at offset "
                                f"{raw.index(0)}); save the articles as UTF-8 text")


@pytest.mark.parametrize("raw", [
    b"ab\x01\x02\x03\x04cd",  # valid UTF-8
    bytes([1, 2, 3, 4, 0x98, 0x99, 0x9A, 0x9B]),  # not UTF-8 either
], ids=["utf-8", "not utf-8"])
def test_many_control_characters_are_binary(raw):
    with pytest.raises(CorpusError) as error:
        decode_bytes(raw, "ctl.txt")
    assert str(error.value) == ("ctl.txt: binary data, not text (50% control characters, e.g. 0x01); "
                                "save the articles as UTF-8 text")


def test_text_that_starts_like_parquet_is_text():
    assert decode_bytes(b"PAR1 results: talks in Dushanbe", "p.txt") == Decoded(
        "PAR1 results: talks in Dushanbe", "utf-8")


def test_a_few_control_characters_are_text():
    text = "Page 1\fPage 2\x0bVorukh\x1a"
    assert decode_bytes(text.encode("utf-8"), "ok.txt") == Decoded(text, "utf-8")


@pytest.mark.parametrize("raw, offset, byte", [
    # Western European text: not supported, reported rather than read as Cyrillic.
    ("Le président a visité Zürich et Genève, où l'été est doux.".encode("cp1252"), 5, 0xE9),
    ("Café Zürich".encode("cp1252"), 3, 0xE9),
    ("Die Straße für Größe in Zürich".encode("cp1252"), 8, 0xDF),
    ("Rendez-vous à Paris à midi".encode("cp1252"), 12, 0xE0),
    # Only Windows-1252 curly quotes: no letter says which encoding it is.
    ("He said \u201cyes\u201d".encode("cp1252"), 8, 0x93),
    # DOS Russian (cp866) reads as symbols in both Windows-1251 and KOI8-R.
    (RUSSIAN.encode("cp866"), 0, 0x8F),
    # Capitals only: the case that tells Windows-1251 from KOI8-R is missing.
    ("ДУШАНБЕ БИШКЕК".encode("cp1251"), 0, 0xC4),
    # Too short to tell.
    ("Да".encode("cp1251"), 0, 0xC4),
    (b"Report \xa0\xa1\xa2 end", 7, 0xA0),
], ids=["french", "cafe", "german", "a-grave", "quotes", "cp866", "capitals", "short", "junk"])
def test_undecodable_bytes_are_reported_not_guessed(raw, offset, byte):
    with pytest.raises(CorpusError) as error:
        decode_bytes(raw, "latin.txt")
    assert str(error.value) == (f"latin.txt: not UTF-8, UTF-16, Windows-1251 or KOI8-R text "
                                f"(bad byte 0x{byte:02X} at offset {offset}); save it as UTF-8")


def test_invalid_text_after_a_byte_order_mark():
    with pytest.raises(CorpusError) as error:
        decode_bytes(codecs.BOM_UTF8 + b"ok \xff\xfe", "bom.txt")
    assert str(error.value) == ("bom.txt: starts with a UTF-8 byte-order mark but is not UTF-8 "
                                "(bad byte 0xFF at offset 6); save it as UTF-8")


# Not text: a leading U+FEFF is a byte-order mark, and a few starts are binary formats' magic.
_TEXT = (st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1)
         .filter(lambda t: t.strip().strip("\ufeff") and not t.startswith(
             ("\ufeff", "%PDF-", "PK", "GIF8", "BZh", "Rar!", "7z", "SQLite format 3"))))


@settings(database=None, derandomize=True, max_examples=300)
@given(_TEXT)
def test_any_utf8_text_round_trips(text):
    assert decode_bytes(text.encode("utf-8"), "t.txt") == Decoded(text, "utf-8")


@settings(database=None, derandomize=True, max_examples=300)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_corpus_error(raw):
    try:
        first = decode_bytes(raw, "b.txt")
    except CorpusError as error:
        assert str(error).startswith("b.txt: ")
        assert "\n" not in str(error)
    else:
        assert decode_bytes(raw, "b.txt") == first
        assert first.text.strip()


# --- a file read in pieces ------------------------------------------------------------------------

def _decoded_or_error(read):
    try:
        return read()
    except CorpusError as error:
        return str(error)


_LONG_MIXED = ("Talks in Dushanbe.\r\nВстреча в Бишкеке\rи в Оше \u2014 итоги.\n\n" * 1200
               + "Vorukh \x01\x02 end")  # longer than the sample, with a few control characters


_SHORT_FILES = [
    RUSSIAN.encode("utf-8"), RUSSIAN.encode("utf-8-sig"), codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"),
    codecs.BOM_UTF32_BE + UKRAINIAN.encode("utf-32-be"), ENGLISH.encode("utf-16-be"),
    UKRAINIAN.encode("koi8-u"), "Переговоры в Душанбе".encode("utf-8")[:-1],
    codecs.BOM_UTF16_LE + "Bishkek".encode("utf-16-le")[:-1], "a\r\nb\rc\n\r\nd\r".encode("utf-16-le"),
    b" \r\n\t  \n", codecs.BOM_UTF8, b"\xef\xbb\xbf \xef\xbb\xbf", b" \xef\xbb\xbf\xef\xbb\xbf \n", b"",
    b"%PDF-1.7\n", b"PAR1\x15\x04PAR1", b"GMAP" + bytes(range(256)) * 8, b"ab\x01\x02\x03\x04cd",
    "Café Zürich".encode("cp1252"), codecs.BOM_UTF8 + b"ok \xff\xfe",
]
# Longer than the sample detection looks at (read in pieces of a few kB: the short files
# above are read a byte at a time too).
_LONG_FILES = [_LONG_MIXED.encode("utf-8"), _LONG_MIXED.encode("utf-16-le"),
               (RUSSIAN + "\n").encode("cp1251") * 500, (ENGLISH * 900).encode() + b"\xff",
               # Control characters where the sample looks, and where it does not.
               ("\x01" * 3000 + ENGLISH * 1000).encode(), (ENGLISH * 500 + "\x01" * 1500 + ENGLISH * 500).encode()]


@pytest.mark.parametrize("raw, piece_bytes", [
    (raw, piece) for raw in _SHORT_FILES for piece in (1, 2, 3, 7, 1024 * 1024)] + [
    (raw, piece) for raw in _LONG_FILES for piece in (4093, 65537, 1024 * 1024)],
    ids=lambda value: f"{len(value)} bytes: {value[:12]!r}" if isinstance(value, bytes) else str(value))
def test_a_file_read_in_pieces_is_what_decoding_it_whole_gives(tmp_path, monkeypatch, raw, piece_bytes):
    monkeypatch.setattr(decode, "_CHUNK_BYTES", piece_bytes)
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    whole = _decoded_or_error(lambda: decode_bytes(raw, "a.txt"))
    opened = _decoded_or_error(lambda: open_text(path, "a.txt"))
    if isinstance(whole, str):
        assert opened == whole
        return
    assert (opened.read(), opened.encoding, opened.note) == (whole.text, whole.encoding, whole.note)
    assert list(opened.lines()) == io.StringIO(whole.text, newline="").readlines()
    assert list(opened.split("\n")) == whole.text.split("\n")


@settings(database=None, derandomize=True, max_examples=300)
@given(st.binary(max_size=300), st.integers(1, 9))
def test_any_bytes_read_in_pieces_decode_as_they_do_whole(raw, piece_bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.txt"
        path.write_bytes(raw)
        decode._CHUNK_BYTES, default = piece_bytes, decode._CHUNK_BYTES
        try:
            opened = _decoded_or_error(lambda: open_text(path, "b.txt"))
            text = opened if isinstance(opened, str) else (opened.read(), opened.encoding, opened.note)
        finally:
            decode._CHUNK_BYTES = default
    whole = _decoded_or_error(lambda: decode_bytes(raw, "b.txt"))
    assert text == (whole if isinstance(whole, str) else (whole.text, whole.encoding, whole.note))


def test_a_file_that_cannot_be_opened(tmp_path):
    with pytest.raises(CorpusError) as error:
        open_text(tmp_path / "gone.txt", "gone.txt")
    assert str(error.value) == ("gone.txt: cannot be read (No such file or directory); check the path "
                                "and its permissions")


def test_a_file_cut_short_while_read_is_one_error_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ENGLISH * 100, encoding="utf-8")
    opened = open_text(path, "a.txt")
    path.write_text(ENGLISH, encoding="utf-8")
    with pytest.raises(CorpusError) as error:
        opened.read()
    assert str(error.value) == ("a.txt: reading stopped partway (the file is shorter than when it was "
                                "opened); check the file and run again")


def test_a_long_file_is_checked_for_control_characters_where_the_sample_looks(tmp_path):
    # The sample is 16 evenly spaced pieces of 4096 characters: the first starts the text,
    # the second starts at 20,260 in a text of 318,000.
    caught = "\x01" * 3000 + ENGLISH * 4000
    unseen = ENGLISH * 70 + "\x01" * 10000 + ENGLISH * 3870
    with pytest.raises(CorpusError) as error:
        decode_bytes(caught.encode("utf-8"), "long.txt")
    assert str(error.value) == ("long.txt: binary data, not text (5% control characters, e.g. 0x01); "
                                "save the articles as UTF-8 text")
    (tmp_path / "long.txt").write_text(caught, encoding="utf-8")
    with pytest.raises(CorpusError):
        open_text(tmp_path / "long.txt", "long.txt")
    assert decode_bytes(unseen.encode("utf-8"), "long.txt") == Decoded(unseen, "utf-8")
    (tmp_path / "long.txt").write_text(unseen, encoding="utf-8")
    assert open_text(tmp_path / "long.txt", "long.txt").read() == unseen
