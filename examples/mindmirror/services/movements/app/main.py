"""The movements service (placeholder): answers its health check like the real one."""
from mindmirror_shared.health import serve

if __name__ == "__main__":
    serve("movements")
