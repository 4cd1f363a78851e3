#!/usr/bin/env python3
"""Small network helpers for compare.sh (standard library only).

  net.py ports N          print N distinct free loopback TCP ports, one per line
  net.py http URL         print the HTTP status of GET URL (000 when nothing answers)
  net.py tcp HOST PORT    exit 0 when a TCP connection to HOST:PORT succeeds, else 1
  net.py pgshow HOST PORT USER PASSWORD DATABASE NAME...
                          print NAME=VALUE for each PostgreSQL setting (SHOW NAME), over the wire
                          protocol (no psql or JDBC needed); exit 1 with the reason on stderr
"""
import hashlib
import random
import socket
import struct
import sys
import urllib.error
import urllib.request


def ephemeral_range():
    """The kernel's range for outgoing connections' local ports (Linux), or a common default."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def free_ports(count):
    """Free loopback ports below the ephemeral range: a port picked inside it can be taken later by one of the
    thousands of client sockets a connections run opens, and a server restarted on it would fail to bind."""
    low, _ = ephemeral_range()
    candidates = list(range(max(1024, low - 12000), low))
    random.shuffle(candidates)
    ports = []
    for port in candidates:
        if len(ports) == count:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            ports.append(port)
        except OSError:
            pass
        finally:
            s.close()
    if len(ports) < count:
        raise OSError("no %d free ports below %d" % (count, low))
    return ports


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except (OSError, ValueError):
        return 0


def tcp_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


class PgError(Exception):
    pass


def _pg_read(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise PgError("the server closed the connection")
        data += chunk
    return data


def _pg_message(sock):
    """One backend message: (type byte, body)."""
    kind, length = struct.unpack("!cI", _pg_read(sock, 5))
    return kind, _pg_read(sock, length - 4)


def _pg_send(sock, kind, body):
    sock.sendall(kind + struct.pack("!I", len(body) + 4) + body)


def _pg_error(body):
    fields = dict((f[:1], f[1:].decode("utf-8", "replace")) for f in body.split(b"\0") if f)
    return "%s: %s" % (fields.get(b"S", "ERROR"), fields.get(b"M", "?"))


def pg_show(host, port, user, password, database, names, timeout=10):
    """SHOW each setting through PostgreSQL's frontend/backend protocol 3.0 (trust, cleartext or md5 auth)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        params = b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
        sock.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
        while True:
            kind, body = _pg_message(sock)
            if kind == b"E":
                raise PgError(_pg_error(body))
            if kind == b"R":
                code = struct.unpack("!I", body[:4])[0]
                if code == 3:
                    _pg_send(sock, b"p", password.encode() + b"\0")
                elif code == 5:
                    inner = hashlib.md5((password + user).encode()).hexdigest()
                    outer = hashlib.md5(inner.encode() + body[4:8]).hexdigest()
                    _pg_send(sock, b"p", b"md5" + outer.encode() + b"\0")
                elif code != 0:
                    raise PgError("authentication method %d is not supported here" % code)
            if kind == b"Z":
                break
        values = []
        for name in names:
            if not name.replace("_", "").isalnum():
                raise PgError("not a setting name: %r" % name)
            _pg_send(sock, b"Q", ("SHOW %s" % name).encode() + b"\0")
            value = None
            while True:
                kind, body = _pg_message(sock)
                if kind == b"E":
                    raise PgError(_pg_error(body))
                if kind == b"D":
                    length = struct.unpack("!i", body[2:6])[0]
                    value = body[6:6 + length].decode("utf-8", "replace") if length >= 0 else None
                if kind == b"Z":
                    break
            values.append((name, value))
        _pg_send(sock, b"X", b"")
        return values


def main(argv):
    if len(argv) >= 2 and argv[0] == "ports":
        print("\n".join(str(p) for p in free_ports(int(argv[1]))))
        return 0
    if len(argv) >= 2 and argv[0] == "http":
        print("%03d" % http_status(argv[1]))
        return 0
    if len(argv) >= 3 and argv[0] == "tcp":
        return 0 if tcp_open(argv[1], int(argv[2])) else 1
    if len(argv) >= 7 and argv[0] == "pgshow":
        try:
            for name, value in pg_show(argv[1], int(argv[2]), argv[3], argv[4], argv[5], argv[6:]):
                print("%s=%s" % (name, value))
            return 0
        except (OSError, PgError, struct.error) as e:
            print("pgshow: %s" % e, file=sys.stderr)
            return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
