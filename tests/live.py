"""The app on werkzeug's server in a thread, for tests that need a real socket.

Chromium often resets a connection once it has what it needs (a cached stylesheet's
304, a page it navigated away from). werkzeug then skips closing the response, and
a static file's handle is left to the garbage collector, whose ResourceWarning the
suite turns into an error at some later test. Responses are therefore read whole and
closed before the first byte is written: the pages and files here are small.
"""

import contextlib
import threading

from werkzeug.serving import make_server


def _buffered(app):
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@contextlib.contextmanager
def serve(app, threaded=True):
    """Yield the base URL of `app` served on 127.0.0.1 at a free port."""
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=threaded)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
