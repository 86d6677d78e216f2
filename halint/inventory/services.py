"""Which service a tracked check watches, and which ports that service listens on.

A vrrp_script's command names its process in a few common shapes (``pidof nginx``,
``pgrep -x haproxy``, ``killall -0 vsftpd``, ``systemctl is-active named``, ``service apache2
status``, ``/etc/init.d/nginx status``, a script path such as ``/usr/local/bin/check_nginx.sh``);
the script's own name (``chk_nginx``) is the last resort. Ports come from a built-in table of
well-known daemons (IANA service names and each daemon's default configuration), overridable by
the manifest's ``[services]``. halint never runs anything: the command is only read.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

Port = tuple[str, int]  #: ("tcp", 80)

WEB = (("tcp", 80), ("tcp", 443))
DNS = (("udp", 53), ("tcp", 53))
FTP = (("tcp", 21),)

#: process name -> ports it serves by default
DEFAULT_PORTS: dict[str, tuple[Port, ...]] = {
    "nginx": WEB, "apache2": WEB, "httpd": WEB, "haproxy": WEB, "lighttpd": WEB, "caddy": WEB,
    "varnishd": (("tcp", 80),), "traefik": WEB, "envoy": WEB,
    "vsftpd": FTP, "proftpd": FTP, "pure-ftpd": FTP,
    "named": DNS, "unbound": DNS, "pdns_server": DNS, "knotd": DNS, "nsd": DNS, "dnsmasq": DNS,
    "postgres": (("tcp", 5432),), "pgbouncer": (("tcp", 6432),),
    "mysqld": (("tcp", 3306),), "mariadbd": (("tcp", 3306),),
    "redis-server": (("tcp", 6379),), "memcached": (("tcp", 11211),),
    "slapd": (("tcp", 389), ("tcp", 636)), "squid": (("tcp", 3128),),
    "sshd": (("tcp", 22),), "smbd": (("tcp", 445), ("tcp", 139)), "nfsd": (("tcp", 2049), ("udp", 2049)),
    "dovecot": (("tcp", 143), ("tcp", 993), ("tcp", 110), ("tcp", 995)),
    "postfix": (("tcp", 25), ("tcp", 465), ("tcp", 587)), "exim4": (("tcp", 25), ("tcp", 465), ("tcp", 587)),
    "asterisk": (("udp", 5060), ("tcp", 5060)), "openvpn": (("udp", 1194),),
}

#: other names of the same daemon (systemd units, packages, init scripts) -> process name
ALIASES = {
    "bind9": "named", "bind": "named", "apache": "apache2", "postgresql": "postgres",
    "mysql": "mysqld", "mariadb": "mariadbd", "redis": "redis-server", "ssh": "sshd",
    "samba": "smbd", "nfs-server": "nfsd", "nfs-kernel-server": "nfsd", "pureftpd": "pure-ftpd",
    "pure-ftpd-mysql": "pure-ftpd", "pdns": "pdns_server", "knot": "knotd", "openldap": "slapd",
}

_PROCESS_COMMANDS = {"pidof", "pgrep", "killall", "pkill"}
_WORD = re.compile(r"[a-z0-9][a-z0-9_+-]*")


@dataclass(frozen=True)
class Service:
    name: str  #: the process name (``nginx``), as the table knows it
    ports: tuple[Port, ...]  #: empty when neither the table nor the manifest knows it
    how: str  #: how it was recognised: "pidof nginx", "script name chk_nginx"


def canonical(name: str) -> str:
    base = name.lower().removesuffix(".service")
    return ALIASES.get(base, base)


def _known(name: str, table: dict[str, tuple[Port, ...]]) -> str | None:
    name = canonical(name)
    return name if name in table else None


def _from_command(words: list[str], table) -> tuple[str, str] | None:
    """(process, how) from a command line, or None."""
    if not words:
        return None
    exe = words[0].rsplit("/", 1)[-1]
    args = [w for w in words[1:] if not w.startswith("-")]
    if exe in _PROCESS_COMMANDS and args:
        target = args[0].rsplit("/", 1)[-1]
        return canonical(target), f"{exe} {target}"
    if exe == "systemctl" and len(args) >= 2 and args[0] in ("is-active", "status", "is-failed"):
        return canonical(args[1]), f"systemctl {args[0]} {args[1]}"
    if exe == "service" and args:
        return canonical(args[0]), f"service {args[0]}"
    if words[0].startswith("/etc/init.d/"):
        return canonical(exe), words[0]
    # a script named after the service: check_nginx.sh, nginx-check, chk_haproxy
    for token in _WORD.findall(exe.lower().rsplit(".", 1)[0].replace("_", " ").replace("-", " ")):
        found = _known(token, table)
        if found:
            return found, f"script {exe}"
    return None


def recognise(command: str | None, script_name: str, overrides: dict[str, tuple[Port, ...]] | None = None) -> Service | None:
    """The service a vrrp_script watches (None when nothing says which)."""
    table = dict(DEFAULT_PORTS)
    for name, ports in (overrides or {}).items():
        table[canonical(name)] = tuple(ports)
    found = None
    if command:
        try:
            words = shlex.split(command)
        except ValueError:
            words = command.split()
        # `sh -c "pidof nginx"` and pipelines: look at each simple command
        pieces = [words]
        if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in ("sh", "bash", "dash") and words[1] == "-c":
            pieces = [shlex.split(part) if part.strip() else [] for part in re.split(r"[|;&]+", words[2])]
        for piece in pieces:
            found = _from_command(piece, table)
            if found:
                break
    if found is None:
        for token in _WORD.findall(script_name.lower().replace("_", " ").replace("-", " ")):
            name = _known(token, table)
            if name:
                found = (name, f"script name {script_name}")
                break
    if found is None:
        return None
    name, how = found
    return Service(name, table.get(name, ()), how)
