"""Errors raised while reading SOP files and looking up loaded SOPs.

They carry plain, one-line-per-problem messages because the people who see them edit a TOML file
by hand (or run `pengaduan sop validate`) and need to know which file, which field and what to fix.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SopProblem:
    """One thing wrong with an SOP file.

    `path` names the field like `steps[3].performer` (list positions count from 1, so `steps[3]`
    is the third `[[steps]]` table of the file); it is empty for problems with the file as a whole.
    `line`/`column` are only known for TOML syntax errors.
    """

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def format(self, source_name: str) -> str:
        where = source_name or "<SOP text>"
        if self.line is not None:
            where += f": line {self.line}, column {self.column}"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class SopFileError(ValueError):
    """An SOP file cannot be used: missing, unreadable, not TOML, or not a valid SOP.

    `str(error)` is one line per problem, each naming the file and the field.
    """

    def __init__(self, source_name: str, problems: list[SopProblem]):
        self.source_name = source_name
        self.problems = list(problems)
        super().__init__("\n".join(problem.format(source_name) for problem in self.problems))

    @property
    def lines(self) -> list[str]:
        return [problem.format(self.source_name) for problem in self.problems]


class SopNotLoaded(LookupError):
    """No SOP (or no such version) has been loaded under the requested number."""
