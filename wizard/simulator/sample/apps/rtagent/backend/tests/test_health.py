from apps.rtagent.backend.health import health_payload


def test_health_payload_reports_healthy():
    payload = health_payload(active_sessions=0)
    assert payload["status"] == "healthy"
    assert payload["details"]["api_version"] == "v1"
    assert payload["active_sessions"] == 0
