"""keras-tuner's three environment variables of distributed mode, and the loopback checks."""

from __future__ import annotations

import ipaddress
import socket

from dlcourse._validation import _describe, check_int

TUNER_ID_ENV = "KERASTUNER_TUNER_ID"
"""The variable that gives a process its role: ``"chief"`` or a worker id such as ``"tuner0"``."""

ORACLE_IP_ENV = "KERASTUNER_ORACLE_IP"
"""The variable with the address of the chief's oracle."""

ORACLE_PORT_ENV = "KERASTUNER_ORACLE_PORT"
"""The variable with the port of the chief's oracle."""

CHIEF_ID = "chief"
"""The tuner id of the chief (keras-tuner checks that the id contains ``"chief"``)."""


def worker_ids(num_workers: int) -> list[str]:
    """Returns the worker ids ``["tuner0", "tuner1", ...]`` of ``num_workers`` workers (>= 1)."""
    num_workers = check_int("num_workers", num_workers, minimum=1)
    return [f"tuner{i}" for i in range(num_workers)]


def check_loopback(host) -> str:
    """Checks that ``host`` is a loopback address (``127.0.0.1``, ``::1`` or ``localhost``)."""
    if not isinstance(host, str):
        raise TypeError(f"host must be a str such as '127.0.0.1'; received host={_describe(host)}")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            "host must be a loopback address such as '127.0.0.1': this launcher starts every process on this "
            "machine, and the oracle's gRPC server has no authentication, so it should not listen on a network. "
            f"To spread a search over machines, set the KERASTUNER_* variables on each host; received host={host!r}"
        )
    return host


def free_port(host: str = "127.0.0.1") -> int:
    """Returns a TCP port that is free on ``host`` now (the system picks it).

    Args:
        host: a loopback address.

    Returns:
        The port number.

    Raises:
        TypeError, ValueError: if ``host`` is not a loopback address.
    """
    host = check_loopback(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _check_port(port) -> int:
    return check_int("port", port, minimum=1, maximum=65535)


def distributed_env(tuner_id: str, *, port: int, host: str = "127.0.0.1") -> dict[str, str]:
    """Returns the three environment variables of one process of a distributed search.

    Args:
        tuner_id: ``"chief"`` or a worker id such as ``"tuner0"``.
        port: the chief oracle's port.
        host: the chief oracle's address (a loopback address: the processes run here).

    Returns:
        ``{"KERASTUNER_TUNER_ID": tuner_id, "KERASTUNER_ORACLE_IP": host,
        "KERASTUNER_ORACLE_PORT": str(port)}``.

    Raises:
        TypeError, ValueError: for an empty ``tuner_id``, a port outside 1-65535 or a host that is
            not a loopback address.

    Example:

    >>> distributed_env("tuner0", port=8000)["KERASTUNER_TUNER_ID"]
    'tuner0'
    """
    if not isinstance(tuner_id, str) or not tuner_id.strip():
        raise TypeError(f"tuner_id must be a non-empty str such as 'chief' or 'tuner0'; received {_describe(tuner_id)}")
    port = _check_port(port)
    host = check_loopback(host)
    return {TUNER_ID_ENV: tuner_id, ORACLE_IP_ENV: host, ORACLE_PORT_ENV: str(port)}
