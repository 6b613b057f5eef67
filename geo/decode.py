"""Turn the bytes of a text file into text, or say in one line why they are not text.

Supported, in the order they are tried:

1. a byte-order mark: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE;
2. UTF-16 LE/BE without a mark, when NUL bytes fall on every other byte
   (the high byte of ASCII characters);
3. UTF-8;
4. the Cyrillic single-byte encodings Windows-1251, KOI8-R and KOI8-U,
   accepted only when the text reads as Russian or Ukrainian (see
   :func:`_cyrillic_score`).

Western single-byte text (Latin-1, Windows-1252: ``"Café Zürich"``) is not
supported and is reported as undecodable rather than guessed: its accented
letters would read as stray Cyrillic letters inside Latin words (``Cafй``),
which the Cyrillic check rejects.

A file that is valid except for an incomplete character at its very end (a
truncated download) is decoded without that character and with a ``note``.
Binary files (known formats by their first bytes, NUL bytes that are not
UTF-16, many control characters) raise :class:`~geo.exc.CorpusError`.
Line breaks are left as they are.
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .exc import CorpusError

__all__ = ["SAMPLE_SIZE", "Decoded", "TextFile", "decode_bytes", "open_binary", "open_text"]


@dataclass(frozen=True)
class Decoded:
    """The text of a file and how it was read.

    Attributes
    ----------
    text : str
        The decoded text, without a byte-order mark.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a mark), ``"utf-16-le"``,
        ``"utf-16-be"``, ``"utf-32-le"``, ``"utf-32-be"``, ``"cp1251"``,
        ``"koi8-r"`` or ``"koi8-u"``.
    note : str
        A problem that did not stop the reading, or ``""``.
    """

    text: str
    encoding: str
    note: str = ""


# Known binary formats by their first bytes: (magic, what it is, the fix).
_MAGIC = (
    (b"%PDF-", "a PDF file", "export it as .txt or .html"),
    (b"PK\x03\x04", "a ZIP archive or Office document (.docx, .xlsx, .odt)",
     "unzip it, or save the document as .txt, .html or .csv"),
    (b"PK\x05\x06", "an empty ZIP archive", "leave it out"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc, .xls)",
     "save it as .txt, .html or .csv"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "images hold no article text; leave it out"),
    (b"\xff\xd8\xff", "a JPEG image", "images hold no article text; leave it out"),
    (b"GIF87a", "a GIF image", "images hold no article text; leave it out"),
    (b"GIF89a", "a GIF image", "images hold no article text; leave it out"),
    (b"\x1f\x8b", "a gzip archive", "unpack it first (gunzip)"),
    (b"\xfd7zXZ\x00", "an xz archive", "unpack it first (unxz)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it first"),
    (b"Rar!\x1a\x07", "a RAR archive", "unpack it first"),
    (b"SQLite format 3\x00", "an SQLite database", "export the articles as .csv or .jsonl"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")

# Longest marks first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

#: Detection looks at this many bytes (or characters): the whole file when it
#: is smaller, else evenly spaced pieces, so a 5 MB file costs what 64 KB does.
SAMPLE_SIZE = 64 * 1024
_SAMPLE_PIECES = 16
# Long files are decoded and checked this many bytes at a time.
_CHUNK_BYTES = 1024 * 1024

# Control characters other than tab, line feed, vertical tab, form feed, CR;
# as bytes, those that are control characters in every supported encoding.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0e-\x1f\x7f]")

# The Cyrillic letters the single-byte encodings can produce.
_LOWER = "\u0430-\u045f\u0491"
_UPPER = "\u0400-\u042f\u0490"
_CYRILLIC_WORD = re.compile(f"[{_LOWER}{_UPPER}]{{2,}}")
_MIXED = re.compile(f"[A-Za-z][{_LOWER}{_UPPER}]|[{_LOWER}{_UPPER}][A-Za-z]")
_CASE_FLIP = re.compile(f"[{_LOWER}][{_UPPER}]")
_LOWER_SET = frozenset(chr(c) for c in range(0x430, 0x460)) | {"\u0491"}
_UPPER_SET = frozenset(chr(c) for c in range(0x400, 0x430)) | {"\u0490"}
# How often each letter occurs in Russian or Ukrainian running text, in percent
# (the larger of the two). Text averages about 5.5 per letter; text read with
# the wrong encoding has its letters shuffled and averages 3-4.
_FREQUENCY = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "і": 5.90, "с": 5.47,
    "в": 5.40, "р": 4.73, "л": 4.40, "к": 3.60, "у": 3.30, "м": 3.21, "д": 3.20, "п": 2.90,
    "я": 2.90, "з": 2.30, "ы": 1.90, "ь": 1.74, "б": 1.70, "г": 1.70, "ч": 1.44, "й": 1.21,
    "х": 1.20, "ц": 1.00, "ж": 0.94, "ш": 0.80, "ю": 0.80, "ї": 0.80, "щ": 0.60, "є": 0.40,
    "э": 0.32, "ф": 0.26, "ё": 0.04, "ъ": 0.04, "ґ": 0.02,
}
_MIN_FREQUENCY = 4.5
# Characters above ASCII that Cyrillic text uses besides letters.
_NEUTRAL = frozenset("\u00a0\u00ad«»—–…№“”„‘’‚•·°±§©®™€")

# Tried in this order; a tie goes to the first (KOI8-U reads KOI8-R letters alike).
_CYRILLIC_CODECS = ("cp1251", "koi8-r", "koi8-u")


def decode_bytes(raw: bytes, name: str) -> Decoded:
    """Decode the bytes of a text file, detecting its encoding.

    Parameters
    ----------
    raw : bytes
        The whole file.
    name : str
        How the file is named in error messages.

    Returns
    -------
    Decoded
        The text, the encoding used and a note about a dropped incomplete
        last character, if any.

    Raises
    ------
    CorpusError
        The file is empty, binary, or in no supported encoding; the message is
        one line naming the file and the fix.

    Examples
    --------
    >>> decode_bytes("Бишкек".encode("utf-8"), "a.txt")
    Decoded(text='Бишкек', encoding='utf-8', note='')
    >>> decode_bytes("Встреча в Бишкеке прошла спокойно.".encode("koi8-r"), "b.txt").encoding
    'koi8-r'
    >>> decode_bytes(b"%PDF-1.7 ...", "c.txt")
    Traceback (most recent call last):
    ...
    geo.exc.CorpusError: c.txt: a PDF file, not text; export it as .txt or .html
    """
    layout = _layout(raw, name)
    return Decoded(raw[layout.start:layout.stop].decode(layout.codec), layout.encoding, layout.note)


@dataclass(frozen=True)
class TextFile:
    """A text file whose encoding is known, read a piece at a time (see :func:`open_text`).

    Attributes
    ----------
    path : Path
    name : str
        How the file is named in error messages.
    encoding, note : str
        As in :class:`Decoded`.
    start, stop : int
        Where the text's bytes begin (after a byte-order mark) and end (before
        an incomplete last character).
    """

    path: Path
    name: str
    encoding: str
    note: str
    start: int
    stop: int

    def chunks(self) -> Iterator[str]:
        """The text, in pieces of about a megabyte."""
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.start)
                yield from _decoded(_byte_chunks(handle, self.stop - self.start), _codec(self.encoding))
        except (OSError, UnicodeDecodeError) as error:  # (the file changed or failed while read)
            why = error.strerror if isinstance(error, OSError) else "it changed while being read"
            raise CorpusError(f"{self.name}: reading stopped partway ({why}); "
                              "check the file and run again") from error

    def lines(self) -> Iterator[str]:
        r"""The lines of the text with their ends, split at ``\n``, ``\r\n`` and ``\r`` as
        ``io.StringIO(text, newline="")`` splits them."""
        carry = ""
        for chunk in self.chunks():
            lines = io.StringIO(carry + chunk, newline="").readlines()
            # (The last line may go on in the next piece, and a "\r" there may be half of "\r\n".)
            carry = lines.pop() if lines else ""
            yield from lines
        if carry:
            yield carry

    def split(self, separator: str = "\n") -> Iterator[str]:
        """The text split at ``separator``, as ``text.split(separator)`` gives it."""
        carry = ""
        for chunk in self.chunks():
            parts = (carry + chunk).split(separator)
            carry = parts.pop()
            yield from parts
        yield carry

    def read(self) -> str:
        """The whole text at once."""
        return "".join(self.chunks())


def open_text(path: Path, name: str) -> TextFile:
    """Detect the encoding of the text file at ``path`` without holding its text.

    It is read as :func:`decode_bytes` reads the whole file, and refused with
    the same errors; besides, a file that cannot be opened raises a
    :class:`CorpusError` too.
    """
    with open_binary(path, name) as handle:
        try:
            layout = _layout(_FileBytes(handle), name)
        except OSError as error:
            raise CorpusError(f"{name}: cannot be read ({error.strerror}); check the file") from error
    return TextFile(path, name, layout.encoding, layout.note, layout.start, layout.stop)


def open_binary(path: Path, name: str) -> BinaryIO:
    """``path`` opened to read its bytes; one that cannot be opened raises a :class:`CorpusError`."""
    try:
        return path.open("rb")
    except OSError as error:
        raise CorpusError(f"{name}: cannot be read ({error.strerror}); check the path and "
                          "its permissions") from error


class _FileBytes:
    """The bytes of an open file as detection reads them: ``len``, slices, single bytes and
    ``find``, as of a ``bytes`` object, each read from the file when asked.

    Never the whole file at once; a memory map would do as much, but every page read through
    it would count in the process's memory until it is closed.
    """

    def __init__(self, handle) -> None:
        self._handle = handle
        self._size = os.fstat(handle.fileno()).st_size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: int | slice):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            self._handle.seek(start)
            return self._handle.read(max(0, stop - start))[::step]
        self._handle.seek(range(self._size)[index])
        return self._handle.read(1)[0]

    def find(self, sub: bytes) -> int:
        """The offset of the first ``sub``, or -1."""
        for offset in range(0, self._size, _CHUNK_BYTES):
            found = self[offset:offset + _CHUNK_BYTES + len(sub) - 1].find(sub)
            if found >= 0:
                return offset + found
        return -1


@dataclass(frozen=True)
class _Layout:
    """How a file's bytes are text: the encoding, and the bytes ``start:stop`` to decode."""

    encoding: str
    note: str
    start: int
    stop: int

    @property
    def codec(self) -> str:
        return _codec(self.encoding)


def _codec(encoding: str) -> str:
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _layout(raw, name: str) -> _Layout:
    """Detect how ``raw`` (bytes, or :class:`_FileBytes`) is text, looking at it a piece at a
    time."""
    if not len(raw):
        raise CorpusError(f"{name}: empty file; nothing to read")
    _reject_known_binary(raw[:32], raw[-4:], name)
    layout = _layout_marked(raw, name) or _layout_unmarked(raw, name)
    _check_text(lambda: _decoded(_slices(raw, layout.start, layout.stop), layout.codec), name)
    return layout


def _reject_known_binary(head: bytes, tail: bytes, name: str) -> None:
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            raise CorpusError(f"{name}: {what}, not text; {fix}")
    if _BZIP2.match(head):
        raise CorpusError(f"{name}: a bzip2 archive, not text; unpack it first (bunzip2)")
    # Parquet starts and ends with PAR1; a text may well start with it.
    if head.startswith(b"PAR1") and tail == b"PAR1":
        raise CorpusError(f"{name}: a Parquet file, not text; name it .parquet so it is read as a table")


def _layout_marked(raw, name: str) -> _Layout | None:
    """The layout of a file that starts with a byte-order mark; None when it has none."""
    for bom, encoding, label in _BOMS:
        if raw[:len(bom)] == bom:
            try:
                stop, note = _decodable_end(raw, len(bom), _codec(encoding), label)
            except _BadByte as error:
                raise CorpusError(
                    f"{name}: starts with a {label} byte-order mark but is not {label} "
                    f"(bad byte 0x{raw[error.offset]:02X} at offset {error.offset}); save it as UTF-8"
                ) from error
            return _Layout(encoding, note, len(bom), stop)
    return None


def _layout_unmarked(raw, name: str) -> _Layout:
    nul = raw.find(b"\x00")
    if nul >= 0:
        encoding = _utf16_by_nuls(raw)
        if encoding is None:
            raise _binary(name, f"NUL byte at offset {nul}")
        try:
            stop, note = _decodable_end(raw, 0, encoding, "UTF-16")
        except _BadByte as error:
            raise _binary(name, f"NUL bytes, and invalid UTF-16 at offset {error.offset}") from error
        return _Layout(encoding, note, 0, stop)
    try:
        stop, note = _decodable_end(raw, 0, "utf-8", "UTF-8")
    except _BadByte as error:
        layout = _layout_cyrillic(raw)
        if layout is None:
            controls = _controls(_sample(raw, align=1), _CONTROL_BYTES)
            if controls:
                raise _binary(name, controls) from error
            raise CorpusError(
                f"{name}: not UTF-8, UTF-16, Windows-1251 or KOI8-R text (bad byte "
                f"0x{raw[error.offset]:02X} at offset {error.offset}); save it as UTF-8"
            ) from error
        return layout
    return _Layout("utf-8", note, 0, stop)


class _BadByte(Exception):
    """Bytes that are not text in a codec, from ``offset`` on."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


def _decodable_end(raw, start: int, codec: str, label: str) -> tuple[int, str]:
    """``(stop, note)``: the bytes of ``raw`` from ``start`` decode up to ``stop``, and an
    incomplete character at the very end is dropped with a note.

    Raises :class:`_BadByte` at the first byte that is not ``codec``.
    """
    decoder = codecs.getincrementaldecoder(codec)()
    offset = start
    for piece in _slices(raw, start, len(raw)):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(piece, final=False)
        except UnicodeDecodeError as error:  # (its offsets count the pending bytes too)
            raise _BadByte(offset - pending + error.start) from error
        offset += len(piece)
    pending = len(decoder.getstate()[0])
    if not pending:
        return len(raw), ""
    unit = "byte was" if pending == 1 else "bytes were"
    return len(raw) - pending, (f"ends inside a {label} character (truncated?); "
                                f"the last {pending} {unit} dropped")


def _slices(raw, start: int, stop: int) -> Iterator[bytes]:
    for offset in range(start, stop, _CHUNK_BYTES):
        yield raw[offset:min(offset + _CHUNK_BYTES, stop)]


def _byte_chunks(handle, size: int) -> Iterator[bytes]:
    while size > 0:
        data = handle.read(min(_CHUNK_BYTES, size))
        if not data:
            raise OSError(0, "the file is shorter than when it was opened")
        size -= len(data)
        yield data


def _decoded(pieces: Iterable[bytes], codec: str) -> Iterator[str]:
    """The text of consecutive byte ``pieces`` that hold whole text in ``codec``."""
    decoder = codecs.getincrementaldecoder(codec)()
    for piece in pieces:
        yield decoder.decode(piece, final=False)
    yield decoder.decode(b"", final=True)


def _utf16_by_nuls(raw: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when NUL bytes sit on one parity only, else None.

    ASCII characters in UTF-16 have a NUL high byte: on odd offsets in LE, on
    even ones in BE. Text has them often (spaces, digits, punctuation), so at
    least 5% of the code units; binary data has NULs on both parities.
    """
    sample = _sample(raw, align=4)
    units = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.05 * units and even * 20 <= odd:
        return "utf-16-le"
    if even >= 0.05 * units and odd * 20 <= even:
        return "utf-16-be"
    return None


def _layout_cyrillic(raw) -> _Layout | None:
    """The best Cyrillic single-byte reading of ``raw``, or None when none is convincing."""
    sample = _sample(raw, align=1)
    scored = []
    for rank, codec in enumerate(_CYRILLIC_CODECS):
        try:
            score = _cyrillic_score(sample.decode(codec))
        except UnicodeDecodeError:  # cp1251 leaves 0x98 undefined
            continue
        if score is not None:
            scored.append((-score, rank, codec))
    for _, _, codec in sorted(scored):
        try:
            return _Layout(codec, "", 0, _decodable_end(raw, 0, codec, codec)[0])
        except _BadByte:  # a byte outside the sample
            continue
    return None


def _cyrillic_score(text: str) -> float | None:
    """How much ``text`` reads like Russian or Ukrainian; None when not convincingly.

    A wrong single-byte encoding turns lowercase into uppercase (Windows-1251
    ``а-я`` are KOI8-R ``Ю-Ъ`` and the reverse), flips case inside words
    (``дЮ``), shuffles common and rare letters, puts Cyrillic letters inside
    Latin words (Windows-1252 ``Café`` read as Windows-1251 is ``Cafй``) or
    produces box-drawing and other symbols. Accepted: at least 4 letters in
    Cyrillic words of 2+ letters; mostly lowercase; an average letter
    frequency of at least 4.5% (see ``_FREQUENCY``); case flips and
    Latin-Cyrillic mixes in at most 10% of the words; other non-ASCII symbols
    at most 5% of the letters. Text in capitals only is not accepted: its
    case says nothing and short words shuffle into plausible ones.

    >>> _cyrillic_score("Переговоры в Душанбе прошли спокойно") is not None
    True
    >>> _cyrillic_score("Cafй Zьrich") is None
    True
    """
    counts = Counter(text)
    lower = upper = 0
    weight = 0.0
    for char, count in counts.items():
        if char in _LOWER_SET:
            lower += count
        elif char in _UPPER_SET:
            upper += count
        else:
            continue
        weight += count * _FREQUENCY.get(char.lower(), 0.0)
    letters = lower + upper
    words = _CYRILLIC_WORD.findall(text)
    if sum(map(len, words)) < 4 or lower < 0.5 * letters:
        return None
    frequency = weight / letters
    odd = sum(n for c, n in counts.items()
              if c >= "\x80" and c not in _LOWER_SET and c not in _UPPER_SET
              and c not in _NEUTRAL) / letters
    flips = len(_CASE_FLIP.findall(text))
    mixed = len(_MIXED.findall(text))
    if (frequency < _MIN_FREQUENCY or odd > 0.05
            or flips > 0.1 * len(words) or mixed > 0.1 * len(words)):
        return None
    return frequency / 10 + lower / letters - odd


def _check_text(pieces: Callable[[], Iterable[str]], name: str) -> None:
    """Refuse a text, given as consecutive ``pieces`` (read twice when long), that is empty
    (blanks, byte-order marks) or more than 1% control characters in its sample."""
    length, head, blank = 0, [], _Blank()
    for piece in pieces():
        length += len(piece)
        blank.read(piece)
        if length <= SAMPLE_SIZE:
            head.append(piece)
    if blank.blank:
        raise CorpusError(f"{name}: empty file; nothing to read")
    sample = "".join(head) if length <= SAMPLE_SIZE else _sample_of_pieces(pieces(), length)
    controls = _controls(sample, _CONTROL)
    if controls:
        raise _binary(name, controls)


class _Blank:
    r"""Is a text read in pieces blank: ``text.strip().strip("\ufeff")`` empty, that is
    blanks, then byte-order marks, then blanks?"""

    _RUN = re.compile(r"\s+|\ufeff+|[^\s\ufeff]")

    def __init__(self) -> None:
        self.blank = True
        self._marks = "before"  # where the byte-order marks are: "before", "in", "after"

    def read(self, piece: str) -> None:
        if not self.blank:
            return
        for run in self._RUN.finditer(piece):
            first = run.group()[0]
            if first == "\ufeff":
                if self._marks == "after":
                    self.blank = False
                    return
                self._marks = "in"
            elif first.isspace():
                if self._marks == "in":
                    self._marks = "after"
            else:
                self.blank = False
                return


def _controls(sample, pattern: re.Pattern) -> str:
    """Why ``sample`` (text or bytes) is binary: over 1% control characters; else ``""``."""
    found = pattern.findall(sample)
    if len(found) <= 2 or len(found) <= 0.01 * len(sample):
        return ""
    first = ord(found[0]) if isinstance(found[0], str) else found[0][0]
    return f"{len(found) / len(sample):.0%} control characters, e.g. 0x{first:02X}"


def _binary(name: str, why: str) -> CorpusError:
    return CorpusError(f"{name}: binary data, not text ({why}); save the articles as UTF-8 text")


def _sample(data, align: int):
    """``data`` when small, else evenly spaced pieces of it (offsets multiples of ``align``)."""
    if len(data) <= SAMPLE_SIZE:
        return data[:]  # (as bytes, when data is a file's)
    return data[:0].join(data[start:stop] for start, stop in _sample_ranges(len(data), align))


def _sample_ranges(length: int, align: int) -> list[tuple[int, int]]:
    """Where :func:`_sample` takes its pieces of ``length`` items (more than ``SAMPLE_SIZE``)."""
    piece = SAMPLE_SIZE // _SAMPLE_PIECES // align * align
    step = (length - piece) // (_SAMPLE_PIECES - 1) // align * align
    return [(i * step, i * step + piece) for i in range(_SAMPLE_PIECES)]


def _sample_of_pieces(pieces: Iterable[str], length: int) -> str:
    """:func:`_sample` of the text that consecutive ``pieces`` make, ``length`` characters long."""
    ranges, found, offset = _sample_ranges(length, 1), [], 0
    for piece in pieces:
        end = offset + len(piece)
        found += [piece[max(start, offset) - offset:min(stop, end) - offset]
                  for start, stop in ranges if start < end and stop > offset]
        offset = end
    return "".join(found)
