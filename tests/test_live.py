"""tests/live.py: the threaded server closes every response, even when the client resets."""

import socket
import struct
import time

from tests.live import serve


def test_a_response_is_closed_when_the_client_resets_the_connection():
    # werkzeug skips close() when the socket is reset before it drains the request
    # (a static file then leaks until GC, a ResourceWarning that fails a later test).
    closed = []

    class Body:
        def __iter__(self):
            return iter([b"x" * 100])

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", "100")])
        return Body()

    with serve(app) as url:
        port = int(url.rsplit(":", 1)[1])
        for _ in range(30):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            assert client.recv(12).startswith(b"HTTP/1.1 200")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()  # RST, as Chromium does with a response it no longer needs
        deadline = time.monotonic() + 5
        while len(closed) < 30 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(closed) == 30
