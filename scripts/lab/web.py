#!/usr/bin/env python3
"""The lab's sample service: answers every HTTP request with "served by NODE" (one process, threads, no fork,
so a probe every 10 ms costs next to nothing).  web.py ADDRESS PORT NODE"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        body = ("served by %s\n" % sys.argv[3]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


Server((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
