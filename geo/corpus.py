"""Read a corpus: files and folders of articles into :class:`~geo.document.Document` records."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from .articles import mask_ranges, split_markdown, split_page
from .document import Document
from .exc import CorpusError
from .html_text import extract_html

__all__ = ["TEXT_SUFFIXES", "read_corpus", "read_document", "sample_corpus_path", "corpus_files"]

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
#: Files larger than this are reported, not read: no article is this long.
MAX_FILE_BYTES = 50 * 1024 * 1024


def sample_corpus_path() -> Path:
    """The folder of the bundled sample corpus."""
    return Path(str(resources.files("geo") / "sample_corpus"))


def corpus_files(path: Path) -> list[Path]:
    """The readable files under ``path`` (itself when it is a file), in a stable order."""
    if not path.exists():
        raise CorpusError(
            f"corpus path {str(path)!r} does not exist; give a file or folder of articles "
            f"({', '.join(TEXT_SUFFIXES)}), or no path for the bundled sample corpus"
        )
    if path.is_file():
        return [path]
    return sorted(
        (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
         and not any(part.startswith(".") for part in p.relative_to(path).parts)),
        key=lambda p: p.relative_to(path).as_posix(),
    )


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{path}: not valid UTF-8 (byte {error.start}); save the file as UTF-8"
        ) from error


def read_document(path: Path, doc_id: str) -> Document:
    """Read one file into a document with its articles split and metadata masked."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorpusError(f"{path}: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit "
                              "per file; split it into smaller files")
        raw = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{path}: cannot be read ({error.strerror}); check its permissions") from error
    text = _decode(path, raw)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        page = extract_html(text)
        text = page.text
        meta = {"title": page.title, "date": page.date, "author": page.author,
                "source": page.source, "url": page.url}
        articles, masked = split_page(text, {k: v for k, v in meta.items() if v})
    elif suffix == ".md":
        articles, masked = split_markdown(text)
    else:
        articles, masked = split_page(text)
    return Document(doc_id=doc_id, path=str(path), text=text,
                    masked=mask_ranges(text, masked), articles=tuple(articles))


def read_corpus(paths: list[Path]) -> Iterator[Document]:
    """Every document under ``paths``; doc ids are paths relative to each given root.

    Files of the bundled sample corpus are recorded as ``sample_corpus/<file>``
    rather than by where the package happens to be installed.
    """
    for root in paths:
        root = Path(root)
        for file in corpus_files(root):
            relative = file.name if root.is_file() else file.relative_to(root).as_posix()
            doc_id = f"{root.name}/{relative}" if root.is_dir() else relative
            document = read_document(file, doc_id)
            if root == sample_corpus_path():
                document = dataclasses.replace(document, path=doc_id)
            yield document
