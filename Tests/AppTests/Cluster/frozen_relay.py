"""A TCP relay to the test PostgreSQL's socket that can freeze, as a network partition does.

Usage: frozen_relay.py PORT_FILE UNIX_SOCKET. Listens on 127.0.0.1 (a free port, written to PORT_FILE) and relays each
connection to UNIX_SOCKET. On SIGUSR1 it freezes: nothing more passes either way and new connections are accepted
but never answered, while every socket stays open (no FIN, no reset), so the client sees a peer that has gone
silent. While frozen, each thing it holds back (a message sent, a new connection) adds a line to PORT_FILE.held, so a
test knows its query reached the silent database. SIGTERM ends it.
"""
import os
import signal
import socket
import sys
import threading
import time

port_file, target = sys.argv[1], sys.argv[2]
frozen = threading.Event()
kept = []  # every socket stays referenced, so none is closed behind the client's back
held_lock = threading.Lock()

def held(what):
    with held_lock, open(port_file + ".held", "a") as out:
        out.write(what + "\n")

def pump(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if frozen.is_set():
                held("data")
            while frozen.is_set():
                time.sleep(3600)
            sink.sendall(data)
    except OSError:
        pass

def handle(client):
    kept.append(client)
    if frozen.is_set():
        held("connection")
        return
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    upstream.connect(target)
    kept.append(upstream)
    for source, sink in ((client, upstream), (upstream, client)):
        threading.Thread(target=pump, args=(source, sink), daemon=True).start()

signal.signal(signal.SIGUSR1, lambda *_: frozen.set())
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(64)
with open(port_file + ".tmp", "w") as out:
    out.write(str(server.getsockname()[1]))

os.rename(port_file + ".tmp", port_file)
while True:
    connection, _ = server.accept()
    handle(connection)
