"""The one exception type buildsys raises for anything a packager must fix."""

from __future__ import annotations


class BuildsysError(Exception):
    """A problem with the input, phrased for a packager.

    ``path`` names the file the problem is in, when there is one; the CLI
    prints ``buildsys: error: PATH: MESSAGE`` on a single line.
    """

    def __init__(self, message: str, path: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def with_path(self, path: str) -> "BuildsysError":
        """The same error, attributed to ``path`` unless it already names a file."""
        if self.path is not None:
            return self
        return BuildsysError(self.message, path)

    def __str__(self) -> str:
        text = " ".join(self.message.split())  # always one line
        return f"{self.path}: {text}" if self.path else text
