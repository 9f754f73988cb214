"""Cut a process off from the network: a seccomp filter, built with libseccomp, under which no
socket other than a Unix one can be created.

This is the second line of defence behind `query.safety`: pyoxigraph follows SERVICE with its own
(Rust) HTTP client and rdflib loads FROM documents through urllib, so refusing those clauses
before execution is the rule, and a child process that *cannot* open an Internet socket is the
guarantee if a check ever misses one.

What the filter refuses (EACCES), on every ABI the kernel lets this process use:
- `socket()` of any family but AF_UNIX (Internet, packet, netlink ... sockets);
- `socketcall()`, the multiplexer through which 32-bit x86 code creates sockets: its arguments
  sit in memory, where a filter cannot read them, so it is refused whole;
- `io_uring_setup()`: an io_uring can create and connect sockets without any system call the
  filter sees.
libseccomp adds the architecture checks itself: a system call made through another ABI (x32 or
i386 on x86-64) that the filter was not built for kills the process instead of slipping past.
Descriptors already open (the pipe back to the parent) keep working.

It fails closed: `deny_network` raises `GuardUnavailable` when the filter cannot be installed
(no libseccomp, no seccomp in the kernel), and the sandbox then refuses to run the work.
"""

from __future__ import annotations

import errno
import socket

#: Why the guard cannot be had on this machine, when it cannot (checked once, on import).
_UNAVAILABLE: str | None = None
try:
    import pyseccomp as seccomp
except (ImportError, OSError) as exc:  # the binding is missing, or libseccomp.so.2 is
    seccomp = None
    _UNAVAILABLE = f"libseccomp cannot be loaded ({exc})"


class GuardUnavailable(RuntimeError):
    """The network guard cannot be installed here; `str()` says why."""


def deny_network() -> None:
    """Forbid this process (and threads it creates later) to create non-Unix sockets, for good.

    Meant for a disposable child process: there is no undoing it. Raises `GuardUnavailable`.
    """
    if seccomp is None:
        raise GuardUnavailable(_UNAVAILABLE or "libseccomp is not available")
    deny = seccomp.ERRNO(errno.EACCES)
    try:
        f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        # A call through another ABI (x32, i386) ends the whole process, not only its thread: the
        # work runs on a thread of its own (sandbox), and a lone dead thread would leave the
        # process waiting until its time limit instead of failing at once.
        f.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
        f.add_rule(deny, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for call in ("socketcall", "io_uring_setup"):
            try:
                f.add_rule(deny, call)
            except OSError as exc:  # not a system call of this architecture
                if exc.errno not in (errno.EINVAL, errno.EDOM, errno.EFAULT):
                    raise
        f.load()
    except (OSError, RuntimeError, ValueError) as exc:
        raise GuardUnavailable(f"the seccomp filter could not be installed ({exc})") from None
