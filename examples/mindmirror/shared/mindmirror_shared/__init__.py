"""Code shared by every MindMirror service."""
