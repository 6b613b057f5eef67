"""Problems found in the input: one line each in the summary and in ``errors.csv``.

Reading never stops at a bad file or row: the problem is recorded with the
file, the line when there is one, what is wrong and the fix, and the run goes
on with everything else. ``--strict`` turns the first problem into an error.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

__all__ = ["InputProblem", "problems_csv"]


@dataclass(frozen=True, order=True)
class InputProblem:
    """One problem with one input file (``line`` 0: the whole file).

    ``skipped`` says whether the file or row was left out; otherwise it was
    read despite the problem (a truncated last character, an empty row...).
    """

    path: str
    line: int
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


_COLUMNS = ["file", "line", "problem", "skipped"]


def problems_csv(problems: list[InputProblem]) -> str:
    """``errors.csv``: a header and one row per problem, in file and line order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for problem in sorted(problems):
        writer.writerow([problem.path, problem.line or "", problem.message,
                         "yes" if problem.skipped else "no"])
    return buffer.getvalue()
