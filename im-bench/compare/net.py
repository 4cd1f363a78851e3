#!/usr/bin/env python3
"""Small network helpers for compare.sh (standard library only).

  net.py ports N          print N distinct free loopback TCP ports, one per line
  net.py http URL         print the HTTP status of GET URL (000 when nothing answers)
  net.py tcp HOST PORT    exit 0 when a TCP connection to HOST:PORT succeeds, else 1
"""
import socket
import sys
import urllib.error
import urllib.request


def free_ports(count):
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


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


def main(argv):
    if len(argv) >= 2 and argv[0] == "ports":
        print("\n".join(str(p) for p in free_ports(int(argv[1]))))
        return 0
    if len(argv) >= 2 and argv[0] == "http":
        print("%03d" % http_status(argv[1]))
        return 0
    if len(argv) >= 3 and argv[0] == "tcp":
        return 0 if tcp_open(argv[1], int(argv[2])) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
