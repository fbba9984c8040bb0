"""Minimal backend for the voice-agent sample (FastAPI)."""

import os

from fastapi import FastAPI

from apps.rtagent.backend.health import health_payload

app = FastAPI(title="voice-agent-sample backend")


@app.get("/api/v1/health")
def health() -> dict:
    return health_payload()


@app.get("/api/v1/readiness")
def readiness() -> dict:
    phone = os.environ.get("ACS_SOURCE_PHONE_NUMBER", "")
    acs = {"component": "acs_caller", "status": "healthy" if phone else "degraded"}
    if not phone:
        acs["error"] = "ACS_SOURCE_PHONE_NUMBER not provided"
    return {"status": "ready" if phone else "degraded", "checks": [acs]}
