"""Cut a process off from the network: a seccomp filter that refuses to create IPv4/IPv6 sockets.

This is the second line of defence behind `graph.safety`: pyoxigraph follows SERVICE with its own
(Rust) HTTP client and rdflib loads FROM documents through urllib, so refusing those clauses
before execution is the rule, and a child process that *cannot* open an Internet socket is the
guarantee if a check ever misses one. Unix sockets and already-open descriptors (the pipe back to
the parent) keep working. Linux only (x86-64 and AArch64); elsewhere `deny_network` says it could
not and the pre-execution checks stand alone.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct
import sys

# Constants from <linux/filter.h>, <linux/seccomp.h>, <linux/audit.h>, <sys/prctl.h>.
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_BPF_LD_W_ABS = 0x20   # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ_K = 0x15      # BPF_JMP | BPF_JEQ | BPF_K
_BPF_RET_K = 0x06      # BPF_RET | BPF_K
_AF_INET, _AF_INET6 = 2, 10
#: audit architecture -> number of the socket(2) system call
_SOCKET_SYSCALL = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
# Offsets in struct seccomp_data: nr (int), arch (u32), instruction_pointer (u64), args[6] (u64).
_NR, _ARCH, _ARG0 = 0, 4, 16


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program(arch: int, socket_nr: int) -> bytes:
    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    return b"".join([
        op(_BPF_LD_W_ABS, _ARCH),
        op(_BPF_JEQ_K, arch, 0, 5),          # another ABI (e.g. x32): leave it alone
        op(_BPF_LD_W_ABS, _NR),
        op(_BPF_JEQ_K, socket_nr, 0, 3),     # not socket(2): allow
        op(_BPF_LD_W_ABS, _ARG0),            # the address family (low word, little-endian)
        op(_BPF_JEQ_K, _AF_INET, 2, 0),
        op(_BPF_JEQ_K, _AF_INET6, 1, 0),
        op(_BPF_RET_K, _SECCOMP_RET_ALLOW),
        op(_BPF_RET_K, deny),
    ])


def deny_network() -> bool:
    """Forbid this process (and its threads created later) to create Internet sockets, for good.

    Returns False when the platform offers no way to do so. Meant for a disposable child process:
    there is no undoing it.
    """
    machine = platform.machine().lower()
    if not sys.platform.startswith("linux") or machine not in _SOCKET_SYSCALL:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    code = _program(*_SOCKET_SYSCALL[machine])
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0
