"""The one resolver: built-in names and file paths for deals and scenarios, and safe reading.

``resolve(ref, kind)`` turns what a user or a file wrote into a :class:`Source`:

* a bare name such as ``gaza-2025`` that names a built-in deal or scenario is that
  built-in (shipped in ``dealmodel/data/``);
* anything else is a path. A path given by the user (on the command line, or to
  ``load_scenario``) is read as given. A path written *inside a file* (a scenario's
  ``deal:``) must lead to a regular file under that file's own folder; absolute paths,
  ``..`` out of the folder and symlinks that leave it are refused unless one of
  ``allow_paths`` contains the target.

:func:`read_source` then reads at most :attr:`Limits.max_file_bytes` from a regular file,
refusing devices, FIFOs and directories without blocking on them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import attrs

from dealmodel.errors import InputError, Problem, short
from dealmodel.io.limits import DEFAULT_LIMITS, Limits
from dealmodel.io.yaml import decode, parse_yaml

__all__ = ["AllowPaths", "Kind", "Source", "builtin_names", "load_source", "looks_like_a_path",
           "read_source", "resolve"]

Kind = Literal["deal", "scenario", "run"]  # "run": a saved run (Run.load)
AllowPaths = Iterable[str | os.PathLike[str]]

_FOLDERS = {"deal": "deals", "scenario": "scenarios"}
_SUFFIXES = (".yaml", ".yml")


@attrs.frozen
class Source:
    """A resolved reference: a built-in or a file, and how to name it in messages."""

    kind: Kind
    name: str  # the built-in name, or the path as given (joined to its base)
    path: Path | None = None  # the file, for a file
    resource: Traversable | None = attrs.field(default=None, eq=False)  # for a built-in

    @property
    def builtin(self) -> bool:
        return self.resource is not None

    @property
    def folder(self) -> Path | None:
        """The folder that paths written inside this source are relative to."""
        return self.path.parent if self.path is not None else None


def builtin_names(kind: Kind) -> tuple[str, ...]:
    """Names of the built-in deals or scenarios."""
    folder = resources.files("dealmodel") / "data" / _FOLDERS[kind]
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def _builtin(kind: Kind, name: str) -> Source:
    resource = resources.files("dealmodel") / "data" / _FOLDERS[kind] / f"{name}.yaml"
    return Source(kind, name, None, resource)


def looks_like_a_path(text: str) -> bool:
    """Whether ``text`` is meant as a path (a YAML suffix or a folder in it), not a name."""
    return text.endswith(_SUFFIXES) or "/" in text or os.sep in text


def resolve(ref: str | os.PathLike[str], kind: Kind, *, base: Path | None = None,
            allow_paths: AllowPaths = (), where: str = "") -> Source:
    """Resolve a built-in name or a path.

    ``base`` is the folder of the file that wrote ``ref`` (None: the user gave it);
    ``where`` names the field that wrote it, for messages (e.g. ``deal``).
    """
    text = os.fspath(ref)
    if not isinstance(ref, os.PathLike) and not looks_like_a_path(text) \
            and text in builtin_names(kind):
        return _builtin(kind, text)
    if not text or "\0" in text:
        raise _refuse(where, f"{short(text)} is not a file name", "")
    if base is None:
        path = Path(text)
        _check_exists(path, text, kind, where, None)
        return Source(kind, text, path)
    path = base / text
    _check_allowed(path, text, base, allow_paths, where)
    _check_exists(path, text, kind, where, base)
    return Source(kind, str(path), Path(os.path.realpath(path)))  # read what was checked


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _check_allowed(path: Path, text: str, base: Path, allow_paths: AllowPaths,
                   where: str) -> None:
    real = os.path.realpath(path)
    roots = [os.path.realpath(base), *(os.path.realpath(a) for a in allow_paths)]
    if any(_inside(real, root) for root in roots):
        return
    raise _refuse(where, f"{short(text)} is outside the folder of the file that names it "
                  f"({os.path.abspath(base)}); a file may only refer to a built-in name or "
                  "to a file under its own folder",
                  "if you trust it, allow its folder: --allow-path DIR on the command line, "
                  "or allow_paths=[DIR] in Python")


def _check_exists(path: Path, text: str, kind: Kind, where: str, base: Path | None) -> None:
    try:
        os.stat(path)
    except FileNotFoundError:
        builtins = ", ".join(builtin_names(kind))
        if looks_like_a_path(text):
            message = f"no such file: {short(text)}" + (f" (looked in {base})" if base else "")
            raise _refuse(where, message, "check the path") from None
        raise _refuse(where, f"no built-in {kind} or file named {short(text)}",
                      f"built-in {kind}s: {builtins}") from None
    except (OSError, ValueError) as exc:
        raise _refuse(where, f"cannot open {short(text)}: {_reason(exc)}", "") from None


def _refuse(where: str, message: str, fix: str) -> InputError:
    return InputError([Problem(where, message, fix)])


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__


def read_source(source: Source, limits: Limits | None = None) -> bytes:
    """The bytes of a built-in or a regular file, at most ``limits.max_file_bytes``."""
    limits = limits or DEFAULT_LIMITS
    if source.resource is not None:
        return source.resource.read_bytes()
    assert source.path is not None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    name = source.name
    try:
        fd = os.open(source.path, flags)
    except FileNotFoundError:
        raise InputError([Problem("", "no such file", "check the path")], name) from None
    except IsADirectoryError:  # some systems refuse to open a directory at all
        raise InputError([Problem("", "is a directory, not a regular file",
                                  "give a YAML file")], name) from None
    except OSError as exc:
        raise InputError([Problem("", f"cannot read the file: {_reason(exc)}",
                                  "check the path and its permissions")], name) from None
    try:
        return _read_regular(fd, name, limits.max_file_bytes)
    finally:
        os.close(fd)


def _read_regular(fd: int, name: str, limit: int) -> bytes:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        what = ("a directory" if stat.S_ISDIR(info.st_mode) else
                "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "not a regular file")
        raise InputError([Problem("", f"is {what}, not a regular file", "give a YAML file")],
                         name)
    too_big = InputError([Problem("", f"the file is larger than the limit of {_mb(limit)}",
                                  "split it, or raise the limit: --max-file-mb on the command "
                                  "line, limits=Limits(max_file_bytes=...) in Python")], name)
    if info.st_size > limit:
        raise too_big
    chunks = []
    size = 0
    while size <= limit:  # the file may have grown since fstat: read at most limit + 1
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise too_big
    return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:g} MB" if size >= 100_000 else f"{size:,} bytes"


def load_source(source: Source, limits: Limits | None = None) -> Any:
    """Read, decode and parse a source into plain data; raises InputError naming it."""
    text = decode(read_source(source, limits), source.name)
    return parse_yaml(text, source.name, limits)
