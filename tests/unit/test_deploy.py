"""deploy/: the production topology agrees with the code, its documentation and the
scale-out test.

Neither Docker nor a cluster is available here, so these are the checks that can run
without them: the files parse, every variable they set is one something reads and
deploy/README.md describes, every variable KnotBot reads is described there, and the
services, ports and command lines match each other and `bot.server.launch.server_commands`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from actions.settings import PROJECT_ROOT
from bot.server import launch

DEPLOY = PROJECT_ROOT / "deploy"
# os.environ.get("X"), os.environ["X"], env.get("X"), os.getenv("X")
READ = re.compile(
    r"\b(?:environ|env)(?:\.get\(|\[)\s*\"([A-Z][A-Z0-9_]*)\"|getenv\(\s*\"([A-Z][A-Z0-9_]*)\""
)
SUBSTITUTED = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")  # ${X} in Rasa's YAML and compose
DOCUMENTED = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \|", re.MULTILINE)
# Read by programs that are not KnotBot's code (each named in deploy/README.md's table)
THIRD_PARTY = {
    "SANIC_HOST",
    "SANIC_PROXIES_COUNT",
    "RASA_TELEMETRY_ENABLED",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "KNOTBOT_VERSION",
}


def read_by_knotbot() -> set[str]:
    names = set()
    for path in [*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "actions").rglob("*.py")]:
        names |= {a or b for a, b in READ.findall(path.read_text())}
    for path in (PROJECT_ROOT / "bot").glob("*.yml"):
        names |= set(SUBSTITUTED.findall(path.read_text()))
    return names


def documented(readme: Path) -> set[str]:
    return set(DOCUMENTED.findall(readme.read_text()))


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def manifests() -> list[dict]:
    return [
        document
        for path in sorted((DEPLOY / "k8s").glob("*.yml"))
        for document in yaml.safe_load_all(path.read_text())
    ]


def containers(kind: str | None = None) -> dict[str, dict]:
    """Each workload's first container, by the workload's name."""
    found = {}
    for item in manifests():
        if item["kind"] in ("Deployment", "StatefulSet", "Job") and kind in (None, item["kind"]):
            found[item["metadata"]["name"]] = item["spec"]["template"]["spec"]["containers"][0]
    return found


def set_in_compose() -> set[str]:
    names = set(SUBSTITUTED.findall((DEPLOY / "docker-compose.yml").read_text()))
    for service in compose()["services"].values():
        names |= set(service.get("environment") or {})
    return names


def set_in_kubernetes() -> set[str]:
    names = set()
    for item in manifests():
        names |= set(item.get("data") or {}) | set(item.get("stringData") or {})
    for container in containers().values():
        names |= {variable["name"] for variable in container.get("env", [])}
    return names


def set_in_env_example() -> set[str]:
    lines = (DEPLOY / ".env.example").read_text().splitlines()
    return {line.split("=")[0] for line in lines if line and not line.startswith("#")}


def flags(command: list[str]) -> list[str]:
    """A command's options; a `sh -c` command's are in its script."""
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(command[2])
    return [word for word in command if word.startswith("--")]


def option(command: list[str], name: str) -> str:
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(command[2])
    return command[command.index(name) + 1]


def url(value: str):
    """A URL from compose, its ${VARIABLE} substitutions filled in with a placeholder."""
    return urlsplit(re.sub(r"\$\{[^}]*\}", "x", value))


def test_every_deployment_file_parses():
    assert compose()["services"]
    assert {item["kind"] for item in manifests()} >= {"Deployment", "Service", "Ingress", "Job"}
    assert "ip_hash" in (DEPLOY / "nginx.conf").read_text()
    assert (DEPLOY / "Dockerfile").read_text().startswith("#")


@pytest.mark.parametrize(
    "where", [set_in_compose, set_in_kubernetes, set_in_env_example], ids=lambda f: f.__name__
)
def test_every_variable_the_deployment_sets_is_read_and_documented(where):
    names = where()
    assert names - read_by_knotbot() - THIRD_PARTY == set(), "set, but nothing reads it"
    assert names - documented(DEPLOY / "README.md") == set(), "set, but not in deploy/README.md"


def test_every_variable_knotbot_reads_is_documented_for_deployment():
    described = documented(DEPLOY / "README.md")
    assert read_by_knotbot() - described == set()
    assert documented(PROJECT_ROOT / "README.md") - described == set(), "README.md's table"
    assert described - read_by_knotbot() - THIRD_PARTY == set(), "documented, but read by none"


def test_compose_runs_the_scale_out_tests_topology():
    services = compose()["services"]
    rasa = sorted(name for name in services if name.startswith("rasa-"))
    assert rasa == ["rasa-1", "rasa-2"]
    for name in rasa:
        environment = services[name]["environment"]
        endpoint = url(environment["KNOTBOT_ACTION_ENDPOINT"])
        actions = services[endpoint.hostname]["command"]
        assert actions[:3] == ["rasa", "run", "actions"]
        assert option(actions, "--port") == str(endpoint.port)
        assert url(environment["REDIS_URL"]).hostname in services
        assert url(environment["DATABASE_URL"]).hostname in services
    nginx = (DEPLOY / "nginx.conf").read_text()
    port = option(services["rasa-1"]["command"], "--port")
    for upstream in ("rasa", "rasa_sticky"):
        block = re.search(rf"upstream {upstream} {{(.*?)}}", nginx)[1]
        assert set(re.findall(r"server ([\w-]+:\d+)", block)) == {f"{r}:{port}" for r in rasa}
    assert "ip_hash" in re.search(r"upstream rasa_sticky {(.*?)}", nginx)[1]
    assert re.search(r"location /socket.io/ {\s*proxy_pass http://rasa_sticky;", nginx)


def test_the_rasa_server_runs_as_knotbot_run_starts_it(monkeypatch):
    monkeypatch.setenv("KNOTBOT_API_TOKEN", "a-token")
    local = launch.server_commands(Path("model.tar.gz"))["rasa"]
    kubernetes = containers("Deployment")["rasa"]["command"]
    for command in (compose()["services"]["rasa-1"]["command"], kubernetes):
        # `rasa run` with KnotBot's patches of Rasa applied first (bot/server/serve.py)
        words = shlex.split(command[2]) if command[:2] == ["sh", "-c"] else command
        words = words[1:] if words[0] == "exec" else words
        assert words[:4] == ["python", *local[1:4]] == ["python", "-m", "bot.server.serve", "run"]
        assert set(flags(local)) <= set(flags(command))
        assert option(command, "--interface") == "0.0.0.0"
        assert option(command, "--endpoints") == "bot/endpoints.yml"
    actions = launch.server_commands(Path("model.tar.gz"))["actions"]
    for command in (
        compose()["services"]["actions-1"]["command"],
        containers()["actions"]["command"],
    ):
        assert command[1:-1] == actions[1:-1]  # all but the program's path and the port


def test_kubernetes_services_reach_their_pods():
    workloads = {
        item["metadata"]["name"]: item
        for item in manifests()
        if item["kind"] in ("Deployment", "StatefulSet")
    }
    services = {item["metadata"]["name"]: item for item in manifests() if item["kind"] == "Service"}
    for service in services.values():
        matching = [
            workload
            for workload in workloads.values()
            if service["spec"]["selector"].items()
            <= workload["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert matching, service["metadata"]["name"]
        ports = {
            p["containerPort"]
            for p in matching[0]["spec"]["template"]["spec"]["containers"][0]["ports"]
        }
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports
    assert workloads["rasa"]["spec"]["replicas"] >= 2
    assert workloads["actions"]["spec"]["replicas"] >= 2
    rasa = containers("Deployment")["rasa"]
    endpoint = urlsplit(
        next(v["value"] for v in rasa["env"] if v["name"] == "KNOTBOT_ACTION_ENDPOINT")
    )
    assert endpoint.port in {p["port"] for p in services[endpoint.hostname]["spec"]["ports"]}
    ingresses = {
        item["metadata"]["name"]: item for item in manifests() if item["kind"] == "Ingress"
    }
    sticky = ingresses["rasa-socketio"]
    assert sticky["metadata"]["annotations"]["nginx.ingress.kubernetes.io/upstream-hash-by"]
    backends = [
        path["backend"]["service"]["name"]
        for rule in sticky["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends == ["rasa-socketio"]
