"""_lib.py - finding and loading libncdyn, lazy symbol binding, and the mapping
of ncd_status codes to ncdyn.Error subclasses.

The shared library is located, in this order:
  1. the NCDYN_LIBRARY environment variable (a path to libncdyn.so.0 or .so);
  2. ``pkg-config --variable=libdir ncdyn`` (the library `make install` put there);
  3. beside an installed package: <libdir>/python3/dist-packages/ncdyn -> <libdir>;
  4. the build tree: python/ncdyn -> lib/;
  5. ctypes.util.find_library("ncdyn") and the dynamic loader's own search.
Nothing is loaded at import: the first call that needs the library loads it, and
a C function missing from that library (an older build, a layer not yet
merged) raises MissingFunction when it is called, never at import.
"""
import ctypes
import ctypes.util
import os
import subprocess
import threading

__all__ = [
    "Error", "InvalidArgument", "NonFinite", "NoMemory", "Singular", "NotSupported",
    "NoConvergence", "IOFailure", "FormatError", "MissingFunction", "LibraryNotFound",
    "strerror", "version", "library_path",
]

# ---- status codes (api.md "Library information"; never renumbered) ----------
OK, EINVAL, ENONFINITE, ENOMEM, ESINGULAR, ENOTSUP, ENOCONV, EIO, EFORMAT = range(9)


class Error(Exception):
    """Base of every error the package raises for an ncd_status.

    ``str(e)`` is always ncd_strerror(status); ``e.status`` is the C status code,
    ``e.function`` the C function that returned it (None for a check made in
    Python before the call) and ``e.detail`` what the package adds (which
    argument, which shape), also attached as an exception note so tracebacks
    show it."""

    status = None

    def __init__(self, message, status=None, function=None, detail=None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.function = function
        self.detail = detail
        if detail:
            if hasattr(self, "add_note"):  # Python >= 3.11
                self.add_note(detail)
            else:
                self.__notes__ = [detail]


class InvalidArgument(Error, ValueError):
    """NCD_EINVAL: bad pointer, size, leading dimension, label or scalar."""
    status = EINVAL


class NonFinite(Error, ValueError):
    """NCD_ENONFINITE: NaN or infinity in input array data."""
    status = ENONFINITE


class NoMemory(Error, MemoryError):
    """NCD_ENOMEM: allocation failed inside the library."""
    status = ENOMEM


class Singular(Error, ArithmeticError):
    """NCD_ESINGULAR: singular / rank-deficient system, too few samples."""
    status = ESINGULAR


class NotSupported(Error, NotImplementedError):
    """NCD_ENOTSUP: a case the library does not support (e.g. Hadamard order 92)."""
    status = ENOTSUP


class NoConvergence(Error, ArithmeticError):
    """NCD_ENOCONV: an iteration did not converge."""
    status = ENOCONV


class IOFailure(Error, OSError):
    """NCD_EIO: reading or writing a file failed."""
    status = EIO


class FormatError(Error, ValueError):
    """NCD_EFORMAT: malformed, truncated or corrupt serialized data."""
    status = EFORMAT


class _Explained:
    """Errors that are not a status of a C call: str() includes the detail."""

    def __str__(self):
        msg = self.args[0] if self.args else ""
        return "%s: %s" % (msg, self.detail) if self.detail else msg


class MissingFunction(_Explained, NotSupported, AttributeError):
    """The loaded libncdyn has no such C function (an older build)."""


class LibraryNotFound(_Explained, Error, OSError):
    """libncdyn.so could not be found or loaded."""


_BY_STATUS = {c.status: c for c in (InvalidArgument, NonFinite, NoMemory, Singular,
                                    NotSupported, NoConvergence, IOFailure, FormatError)}

# strerror texts used only when the library itself cannot be loaded
_FALLBACK_TEXT = {EINVAL: "invalid argument"}


# ---- locating and loading the library ---------------------------------------
def _candidates():
    env = os.environ.get("NCDYN_LIBRARY")
    if env:
        yield env
        return
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "ncdyn"],
                             capture_output=True, text=True, timeout=10)
        libdir = out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        libdir = ""
    if libdir:
        yield os.path.join(libdir, "libncdyn.so.0")
        yield os.path.join(libdir, "libncdyn.so")
    here = os.path.dirname(os.path.abspath(__file__))
    # installed: <libdir>/python3/dist-packages/ncdyn/_lib.py
    yield os.path.join(here, "..", "..", "..", "libncdyn.so.0")
    # build tree: <repo>/python/ncdyn/_lib.py
    yield os.path.join(here, "..", "..", "lib", "libncdyn.so.0")
    found = ctypes.util.find_library("ncdyn")
    if found:
        yield found
    yield "libncdyn.so.0"


class Library:
    """One loaded libncdyn: the CDLL plus its lazily bound, typed functions."""

    def __init__(self, path):
        self.path = path
        self.cdll = ctypes.CDLL(path)
        self._fns = {}
        self._has = {}
        self._strerror = None

    def fn(self, name, restype, argtypes):
        """The typed C function `name`; raises MissingFunction if absent."""
        f = self._fns.get(name)
        if f is None:
            try:
                f = getattr(self.cdll, name)
            except AttributeError:
                raise MissingFunction(
                    "operation not supported", ENOTSUP, name,
                    "%s is not in %s (a library built before this function existed)"
                    % (name, self.path)) from None
            f.restype = restype
            f.argtypes = argtypes
            self._fns[name] = f
        return f

    def has(self, name):
        """Whether the library exports `name` (cached)."""
        h = self._has.get(name)
        if h is None:
            try:
                getattr(self.cdll, name)
                h = True
            except AttributeError:
                h = False
            self._has[name] = h
        return h

    def strerror(self, status):
        if self._strerror is None:
            self._strerror = self.fn("ncd_strerror", ctypes.c_char_p, [ctypes.c_int])
        return self._strerror(status).decode("utf-8", "replace")


_lock = threading.Lock()
_current = None


def _load():
    global _current
    with _lock:
        if _current is None:
            errors = []
            for path in _candidates():
                if os.sep in path and not os.path.exists(path):
                    continue
                try:
                    _current = Library(os.path.normpath(path) if os.sep in path else path)
                    break
                except OSError as e:
                    errors.append("%s: %s" % (path, e))
            if _current is None:
                raise LibraryNotFound(
                    "libncdyn not found", None, None,
                    "set NCDYN_LIBRARY to the path of libncdyn.so.0 or install it where "
                    "pkg-config finds it (tried: %s)" % ("; ".join(errors) or "nothing"))
        return _current


def lib():
    """The loaded library (loads it on first use)."""
    return _current if _current is not None else _load()


def use_library(path):
    """Switch the package to the libncdyn at `path`; returns the previous Library
    (or None). Mainly for tests and for several installed builds side by side."""
    global _current
    new = Library(path) if not isinstance(path, Library) else path
    with _lock:
        old, _current = _current, new
    return old


def library_path():
    """Path of the loaded shared library."""
    return lib().path


def strerror(status):
    """ncd_strerror(status): never fails, also for unknown codes."""
    return lib().strerror(int(status))


def version():
    """ncd_version_string() of the loaded library, e.g. "0.1.0"."""
    f = lib().fn("ncd_version_string", ctypes.c_char_p, [])
    return f().decode("ascii")


def error(status, function=None, detail=None):
    """The exception object for a nonzero status."""
    cls = _BY_STATUS.get(status, Error)
    try:
        text = lib().strerror(status)
    except Error:
        text = _FALLBACK_TEXT.get(status, "status %d" % status)
    return cls(text, status, function, detail)


def check(status, function=None):
    """Raise the Error subclass of a nonzero status."""
    if status:
        raise error(status, function)


def invalid(detail, function=None):
    """InvalidArgument for a check the package makes before calling C."""
    return error(EINVAL, function, detail)
