"""The user's mistakes and the exit codes: one exception type, one table, one mapping.

Every mistake a user can make in how rolecall is asked to run (a configuration file, a
flag, a path, a baseline) raises a :class:`UserError`: the command line prints its one
line and exits with 2, the library lets it through. What each way out of a command
means as an exit code is decided by :func:`exit_code` alone, so the command line, the
replay of an unchanged rescan and the docs cannot disagree.

This module imports nothing at run time: the replay path (``rolecall.cache.replay``)
uses it before the command line is loaded, and every module that raises a user's
mistake imports it.
"""

from __future__ import annotations

#: Nothing at or above the fail level (also: ``--help``, ``--version``, a closed pipe).
EXIT_OK = 0
#: Findings at or above the fail level; ``fix``: something is left to do.
EXIT_FINDINGS = 1
#: A user's mistake: a :class:`UserError`, or a command line argparse rejects.
EXIT_USAGE = 2
#: A bug in rolecall, reported with the place it was raised (never its message).
EXIT_INTERNAL = 3
#: Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """A user's mistake: one line that says what is wrong and where, exit code 2.

    :attr:`message` is the line the command line prints after ``rolecall: error:``;
    ``str()`` of the exception is what the library has always given for its type.
    """

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(UserError):
    """A user's configuration or command-line mistake: one line, exit code 2.

    ``detail`` is the message without the file's name in front (for a notice that
    names the file itself).
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = message if detail is None else detail


class UsageError(ConfigError):
    """A mistake in how rolecall was asked to scan (a bad option value or combination):
    exit code 2 on the command line, this exception from the library."""


class PathNotFound(UserError):
    """A path given to scan does not exist (a usage error: exit 2).

    ``str()`` is the path as it was given, as it always was for library callers; the
    command line says ``PATH: no such file or directory``.
    """

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path

    @property
    def message(self) -> str:
        return f"{self.path}: no such file or directory"


class ShardError(UserError, ValueError):
    """A malformed ``--shard K/N`` specification (still a :class:`ValueError`, as it
    always was)."""


def exit_code(exc: BaseException) -> int:
    """The exit code of a command that ended with ``exc``: the one mapping.

    A user's mistake is 2; argparse's own exit (usage errors, ``--help``, ``--version``)
    keeps its code; Ctrl-C is 130; a closed output pipe (``rolecall scan | head``) is
    not a failure, 0; anything else is a bug in rolecall, 3.
    """
    if isinstance(exc, UserError):
        return EXIT_USAGE
    if isinstance(exc, SystemExit):
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        return EXIT_OK
    return EXIT_INTERNAL


def error_line(exc: BaseException) -> str | None:
    """The line the command line prints on stderr for ``exc``, or None when it prints
    none (argparse has spoken, a closed pipe) or the error is internal: its description
    names where it was raised, which :func:`rolecall.engine.core.describe_exception`
    says without quoting the message (it may quote scanned text)."""
    if isinstance(exc, UserError):
        return f"rolecall: error: {exc.message}"
    if isinstance(exc, KeyboardInterrupt):
        return "rolecall: interrupted"
    return None
