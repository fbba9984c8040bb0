"""Liveness payload for GET /api/v1/health (kept free of web-framework imports)."""

import time

VERSION = "1.0.0"


def health_payload(active_sessions: int | None = None) -> dict:
    return {
        "status": "healthy",
        "version": VERSION,
        "timestamp": time.time(),
        "message": "Voice agent sample API v1 is running",
        "details": {"api_version": "v1", "service": "rtagent-backend"},
        "active_sessions": active_sessions,
    }
