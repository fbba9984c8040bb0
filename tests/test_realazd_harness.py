"""The replay harness itself (tests/realazd), on a small cassette of our own: no Go, no azd.

A Python client goes through the proxy the way the record azd does (CONNECT + TLS in the tunnel,
absolute-form plain HTTP for the token endpoint), so these prove the wire contract: go-vcr's
matching and order, fresh Content-Length, HEAD, the miss answer, the token endpoint, and a clean
shutdown.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

from tests.realazd import bicep_standin, mutations
from tests.realazd.build import AzdModule, RecordAzd
from tests.realazd.cassette import Cassette, RequestKey
from tests.realazd.identity import Identity, TokenRefusal
from tests.realazd.proxy import MISS_CODE, ReplayProxy
from tests.realazd.session import REMOTE_BUILD, ReplaySession, inherited_env

SUB = "11111111-2222-3333-4444-555555555555"
MGMT = "https://management.azure.com:443"
PRINCIPAL = "6c37e0ec-0000-4000-8000-000000000001"
TENANT = "72f988bf-0000-4000-8000-000000000002"


def interaction(method: str, url: str, code: int = 200, body: str = "", headers: dict | None = None,
                request_body: str = "", content_length: int | None = None) -> dict:
    return {
        "request": {"method": method, "url": url, "body": request_body, "headers": {}},
        "response": {
            "code": code, "status": f"{code} {http.client.responses.get(code, 'X')}",
            "headers": {k: [v] for k, v in (headers or {}).items()},
            "body": body, "content_length": len(body) if content_length is None else content_length,
        },
    }


def write_cassette(path: Path, interactions: list[dict], **variables: str) -> Path:
    variables = {"env_name": "envx", "subscription_id": SUB, "time": "1700000000", **variables}
    with path.open("w", encoding="utf-8") as out:
        yaml.safe_dump_all([{"version": 2, "interactions": interactions}, variables], out)
    return path


@pytest.fixture
def cassette(tmp_path: Path) -> Cassette:
    rg = f"{MGMT}/subscriptions/{SUB}/resourcegroups?api-version=2021-04-01"
    blob = "https://acct.blob.core.windows.net:443/c/logs/ch1/rawtext.log?sig=SANITIZED&sp=r"
    status = f"{MGMT}/subscriptions/{SUB}/providers/Microsoft.App/locations/eastus2/containerappOperationResults/abc"
    role = f"{MGMT}/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments/aaaa-1111?api-version=2022-04-01"
    return Cassette.load(write_cassette(tmp_path / "c.yaml", [
        interaction("GET", rg, body='{"value":[1]}', headers={"Content-Length": "999999", "X-Ms-Operation-Identifier":
                    f"tenantId={TENANT},objectId={PRINCIPAL}/eastus2/x"}),
        interaction("GET", rg, body='{"value":[2]}'),
        interaction("HEAD", blob, body="", content_length=4754, headers={"Content-Length": "4754"}),
        interaction("GET", status + "?api-version=2025-01-01&t=1&s=recorded", body='{"status":"Succeeded"}'),
        interaction("PUT", role, code=201, body='{"id":"recorded"}'),
        interaction("GET", f"{MGMT}/subscriptions/{SUB}/resourceGroups/rg%20x/resources?api-version=1", body="[]"),
    ]))


class Client:
    """Talks to the proxy the way Go's transport does with `http.ProxyURL`."""

    def __init__(self, proxy: ReplayProxy) -> None:
        self.proxy = proxy
        self.tls = ssl.create_default_context()
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE
        self.tls.set_alpn_protocols(["h2", "http/1.1"])

    def https(self, method: str, host: str, target: str, body: bytes = b"", agent: str = "") -> http.client.HTTPResponse:
        connection = http.client.HTTPSConnection("127.0.0.1", self.proxy.port, context=self.tls, timeout=10)
        connection.set_tunnel(host, 443)
        connection.request(method, target, body=body or None, headers={"User-Agent": agent} if agent else {})
        return connection.getresponse()

    def plain(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.proxy.port, timeout=10)
        connection.request(method, url, body=body, headers=headers)
        return connection.getresponse()


@pytest.fixture
def proxy(cassette: Cassette):
    with ReplayProxy(cassette, auth_key="k3y") as running:
        yield running


def test_identical_requests_get_the_recorded_answers_in_order(proxy: ReplayProxy) -> None:
    client = Client(proxy)
    path = f"/subscriptions/{SUB}/resourcegroups?api-version=2021-04-01"
    first = client.https("GET", "management.azure.com", path)
    assert (first.status, first.read()) == (200, b'{"value":[1]}')
    assert first.getheader("Content-Length") == "13"  # fresh, not the recorded 999999
    assert first.getheader("Connection") == "close"
    assert client.https("GET", "management.azure.com", path).read() == b'{"value":[2]}'
    third = client.https("GET", "management.azure.com", path)
    assert third.status == 400
    assert json.loads(third.read()) == {"error": {"code": MISS_CODE}}
    assert third.getheader("x-ms-error-code") == f"recordingProxy: {MISS_CODE}"
    assert [str(m) for m in proxy.misses] == [f"miss GET {MGMT}{path} -> 400"]
    assert proxy.served() == [0, 1]


def test_the_wizards_own_clients_read_without_using_up_azds_answers(proxy: ReplayProxy) -> None:
    client = Client(proxy)
    path = f"/subscriptions/{SUB}/resourcegroups?api-version=2021-04-01"
    sdk = "azsdk-python-mgmt-resource/1.0 Python/3.11"
    assert client.https("GET", "management.azure.com", path, agent=sdk).read() == b'{"value":[1]}'  # azd's next
    assert client.https("GET", "management.azure.com", path).read() == b'{"value":[1]}'  # azd still gets it
    assert client.https("GET", "management.azure.com", path, agent=sdk).read() == b'{"value":[1]}'  # azd's last
    assert client.https("GET", "management.azure.com", "/nowhere", agent=sdk).status == 400
    assert [e.client for e in proxy.misses] == ["wizard"] and proxy.misses_of("azd") == []
    assert proxy.served() == [0]


def test_a_head_keeps_the_recorded_length_and_sends_no_body(proxy: ReplayProxy) -> None:
    answer = Client(proxy).https("HEAD", "acct.blob.core.windows.net", "/c/logs/ch1/rawtext.log?sig=SANITIZED&sp=r")
    assert (answer.status, answer.getheader("Content-Length"), answer.read()) == (200, "4754", b"")


def test_matching_follows_go_vcr_and_azds_two_rules() -> None:
    recorded = RequestKey.of("GET", f"{MGMT}/a/containerappOperationResults/x?s=1")
    assert RequestKey.of("GET", f"{MGMT}/a/containerappOperationResults/x?s=2").matches(recorded) is False  # not Microsoft.App
    app = RequestKey.of("GET", f"{MGMT}/providers/Microsoft.App/l/containerappOperationResults/x?s=1")
    assert RequestKey.of("GET", f"{MGMT}/providers/Microsoft.App/l/containerappOperationResults/x?s=2").matches(app)
    role = RequestKey.of("PUT", f"{MGMT}/p/providers/Microsoft.Authorization/roleAssignments/aaa?api-version=1")
    assert RequestKey.of("PUT", f"{MGMT}/p/providers/Microsoft.Authorization/roleAssignments/bbb?api-version=1").matches(role)
    assert not RequestKey.of("PUT", f"{MGMT}/p/providers/Microsoft.Authorization/roleAssignments/bbb?api-version=2").matches(role)
    assert not RequestKey.of("GET", f"{MGMT}/p/providers/Microsoft.Authorization/roleAssignments/aaa?api-version=1").matches(role)
    plain = RequestKey.of("GET", f"{MGMT}/x?b=1&a=2")
    assert not RequestKey.of("GET", f"{MGMT}/x?a=2&b=1").matches(plain)  # queries compare as sent
    assert not RequestKey.of("GET", "https://management.azure.com/x?b=1&a=2").matches(plain)  # :443 is part of it
    assert RequestKey.of("GET", f"{MGMT}/rg%20x/y").matches(RequestKey.of("GET", f"{MGMT}/rg x/y"))  # paths decoded


def test_the_two_special_rules_replay_through_the_proxy(proxy: ReplayProxy) -> None:
    client = Client(proxy)
    status = client.https("GET", "management.azure.com", f"/subscriptions/{SUB}/providers/Microsoft.App/locations/"
                          "eastus2/containerappOperationResults/abc?api-version=2025-01-01&t=9&s=fresh")
    assert status.read() == b'{"status":"Succeeded"}'
    role = client.https("PUT", "management.azure.com", f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
                        "roleAssignments/a-new-guid?api-version=2022-04-01", body=b"{}")
    assert (role.status, role.read()) == (201, b'{"id":"recorded"}')
    assert proxy.misses == []


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_token_endpoint_signs_in_as_the_recorded_principal(proxy: ReplayProxy) -> None:
    client = Client(proxy)
    body = json.dumps({"scopes": ["https://management.azure.com//.default"]}).encode()
    url = f"http://127.0.0.1:{proxy.port}/token?api-version=2023-07-12-preview"
    answer = client.plain("POST", url, body, {"Authorization": "Bearer k3y", "Content-Type": "application/json"})
    token = json.loads(answer.read())
    assert token["status"] == "success" and token["expiresOn"].endswith("Z")
    assert (_claims(token["token"])["oid"], _claims(token["token"])["tid"]) == (PRINCIPAL, TENANT)
    wrong = client.plain("POST", url, body, {"Authorization": "Bearer nope"})
    assert wrong.status == 401
    assert proxy.misses == []


def test_a_refused_token_is_the_protocols_error_answer(cassette: Cassette) -> None:
    with ReplayProxy(cassette, auth_key="k", token_refusal=TokenRefusal()) as refusing:
        answer = Client(refusing).plain("POST", f"http://127.0.0.1:{refusing.port}/token?x=1", b"{}",
                                        {"Authorization": "Bearer k"})
        assert json.loads(answer.read())["status"] == "error"


def test_passthrough_hosts_are_answered_here_and_logged_apart(proxy: ReplayProxy) -> None:
    answer = Client(proxy).https("GET", "graph.microsoft.com", "/v1.0/me")
    assert answer.status == 503
    assert [e.url for e in proxy.passthrough] == ["https://graph.microsoft.com:443/v1.0/me"]
    assert proxy.misses == []


def test_the_tunnel_offers_no_http2() -> None:
    cassette_free = Cassette(Path("none"), [], {})
    with ReplayProxy(cassette_free, auth_key="k") as running:
        raw = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        raw.sendall(b"CONNECT x.example:443 HTTP/1.1\r\nHost: x.example:443\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 200")
        client = Client(running).tls.wrap_socket(raw, server_hostname="x.example")
        assert client.selected_alpn_protocol() is None
        client.close()


def test_close_joins_every_thread_even_with_a_held_answer(cassette: Cassette) -> None:
    before = {t.ident for t in threading.enumerate()}
    running = ReplayProxy(cassette, auth_key="k").start()
    hold = running.hold(1)
    client = Client(running)
    path = f"/subscriptions/{SUB}/resourcegroups?api-version=2021-04-01"
    client.https("GET", "management.azure.com", path).read()
    def held_request() -> None:
        try:
            client.https("GET", "management.azure.com", path).read()
        except OSError:
            pass  # the proxy went away under it: either way it must not hang

    waiting = threading.Thread(target=held_request)
    waiting.start()
    assert hold.reached.wait(10)
    running.close()
    waiting.join(10)
    assert {t.ident for t in threading.enumerate()} - before == set()


def test_identity_is_read_from_the_cassette(cassette: Cassette) -> None:
    assert Identity.of(cassette) == Identity(principal_id=PRINCIPAL, tenant_id=TENANT)


def test_quick_build_log_drops_only_idle_polls(tmp_path: Path) -> None:
    log = "https://a.blob.core.windows.net:443/c/logs/ch1/rawtext.log?sig=S"
    polls = [(404, 0, False), (200, 10, False), ("GET", 10, False), (200, 10, False), (200, 10, False),
             (200, 25, False), ("GET", 15, False), (200, 25, False), (200, 25, True)]
    recorded = []
    for code, length, complete in polls:
        if code == "GET":
            recorded.append(interaction("GET", log, code=206, body="x" * length))
        else:
            headers = {"X-Ms-Meta-Complete": "successful"} if complete else {}
            recorded.append(interaction("HEAD", log, code=code, content_length=length, headers=headers))
    cassette = Cassette.load(write_cassette(tmp_path / "log.yaml", recorded))
    assert mutations.quick_build_log(cassette) == "remote build log: 4 idle polls dropped"
    assert [i.id for i in cassette.interactions] == [1, 2, 5, 6, 8]


def test_bicep_standin_answers_version_build_and_snapshot(tmp_path: Path, capsys) -> None:
    template = {"resources": [{"type": "Microsoft.Resources/resourceGroups", "name": "rg"},
                              {"type": "Microsoft.Resources/deployments", "name": "m", "properties": {"template": {
                                  "resources": [{"type": "Microsoft.Authorization/roleAssignments", "name": "g"}]}}}]}
    data = {"version": "0.45.15", "templates": {"main.bicep": template}, "log": str(tmp_path / "calls.jsonl")}
    assert bicep_standin.run(data, ["--version"]) == 0
    assert capsys.readouterr().out == "Bicep CLI version 0.45.15 (deploy-wizard replay stand-in)\n"
    assert bicep_standin.run(data, ["build", str(tmp_path / "infra" / "main.bicep"), "--stdout"]) == 0
    assert json.loads(capsys.readouterr().out) == template
    assert bicep_standin.run(data, ["build", "other.bicep", "--stdout"]) == 1
    assert bicep_standin.run(data, ["snapshot", str(tmp_path / "v.bicepparam"), "--location", "eastus2"]) == 0
    snapshot = json.loads((tmp_path / "v.snapshot.json").read_text())
    assert [r["type"] for r in snapshot["predictedResources"]] == [
        "Microsoft.Resources/resourceGroups", "Microsoft.Resources/deployments", "Microsoft.Authorization/roleAssignments"]


def test_the_child_environment_keeps_nothing_of_the_users_azure(tmp_path: Path) -> None:
    module_dir = tmp_path / "azd"
    (module_dir / "pkg" / "tools" / "bicep").mkdir(parents=True)
    (module_dir / "pkg" / "tools" / "bicep" / "bicep.go").write_text('var Version = semver.MustParse("0.45.15")')
    module = AzdModule("9.9.9", module_dir, "0" * 40)
    (module.samples / REMOTE_BUILD.sample).mkdir(parents=True)
    (module.samples / REMOTE_BUILD.sample / "azure.yaml").write_text("name: x\n")
    deployment = f"{MGMT}/subscriptions/{SUB}/providers/Microsoft.Resources/deployments/envx-1700000000?api-version=1"
    template = {"resources": [{"type": "Microsoft.Resources/resourceGroups", "name": "rg"}]}
    module.recordings.mkdir(parents=True)
    write_cassette(module.recordings / f"{REMOTE_BUILD.cassette}.yaml", [interaction(
        "PUT", deployment, code=201, request_body=json.dumps({"properties": {"template": template}}))])
    user = {"AZURE_ENV_NAME": "mine", "AZD_CONFIG_DIR": "/home/me/.azd", "AZURE_TENANT_ID": "t", "CI": "true",
            "GITHUB_ACTIONS": "true", "NO_COLOR": "", "TERM": "xterm", "HTTPS_PROXY": "http://corp", "SHELL": "/bin/zsh"}
    assert inherited_env(user) == {"SHELL": "/bin/zsh"}
    with ReplaySession(RecordAzd(tmp_path / "azd-bin", module, None), tmp_path / "s", environ=user) as session:
        env = session.env
        assert (env["AZD_TEST_HTTPS_PROXY"], env["AZD_AUTH_ENDPOINT"]) == (session.proxy.url, session.proxy.url)
        assert env["AZD_TEST_FIXED_CLOCK_UNIX_TIME"] == "1700000000"
        assert env["AZURE_SUBSCRIPTION_ID"] == env["AZD_DEBUG_SYNTHETIC_SUBSCRIPTION"] == SUB
        assert env["AZD_CONFIG_DIR"] == str(session.config_dir) and "AZURE_ENV_NAME" not in env
        assert "AZURE_TENANT_ID" not in env and "CI" not in env and "GITHUB_ACTIONS" not in env
        assert env["HTTPS_PROXY"] == session.proxy.url  # the user's corporate proxy is not used
        assert env["PATH"] == str(session.bin_dir) and (session.bin_dir / "azd").resolve() == tmp_path / "azd-bin"
        assert (env["AZURE_DEV_COLLECT_TELEMETRY"], env["AZD_SKIP_UPDATE_CHECK"]) == ("no", "true")
        assert (session.env_name, session.subscription_id, session.location) == ("envx", SUB, "eastus2")
        assert (session.project_dir / "azure.yaml").is_file()
        assert session.argv("version") == [str(tmp_path / "azd-bin"), "version"]
        bicep = session.extra_env["AZD_BICEP_TOOL_PATH"]
    done = subprocess.run([bicep, "build", "infra/main.bicep", "--stdout"], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == template
