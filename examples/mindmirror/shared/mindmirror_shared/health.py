"""The health endpoint every MindMirror service serves: {"status": "healthy", "service": ..., "version": ...}."""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


def serve(service: str) -> None:
    """Serves GET /health on $PORT until the process is stopped."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/health":
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps({"status": "healthy", "service": service, "version": os.environ.get("VERSION", "dev")})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

    HTTPServer(("", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
