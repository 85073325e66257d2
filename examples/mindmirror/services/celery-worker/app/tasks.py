"""The celery worker (placeholder): consumes the task queue and answers no HTTP, like the real one (seed 001)."""
import time

if __name__ == "__main__":
    # The real worker runs `celery -A tasks worker --loglevel=info`; this one only stays up.
    while True:
        time.sleep(60)
