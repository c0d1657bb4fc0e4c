"""The deployment files say what they must: docker-compose.yml runs PostgreSQL, Redis, the web app
(migrating on start), a worker and beat, with healthchecks, named volumes and required variables;
the image is non-root with static files collected; and `.env.example` documents every variable
the code reads, and nothing else."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("marketplace", "worker", "cms", "events", "sponsors")
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}
ENTRY = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=")
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def variables_read(source: str) -> set[str]:
    """Names of environment variables a module reads: `env("X")`, `env.<type>("X")`,
    `os.environ.get("X")`, `os.getenv("X")`, `os.environ["X"]`."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = _dotted(node.func)
            if func == "env" or func.startswith("env.") or func in {"os.environ.get", "os.getenv"}:
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _dotted(node.value) == "os.environ":
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and NAME.match(key.value):
            names.add(key.value)
    return names - NOT_SETTINGS


def code_variables() -> set[str]:
    names = set()
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                names |= variables_read(path.read_text())
    return names


def documented() -> dict[str, int]:
    """Each variable listed in .env.example, with its line number."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {m.group(1): i for i, line in enumerate(lines) if (m := ENTRY.match(line))}


def test_the_scanner_finds_every_way_of_reading_a_variable():
    source = """
import os
DEBUG = env.bool("DEBUG", default=False)
HSTS = env.int(
    "SECURE_HSTS_SECONDS", default=0
)
KEY = env("RAW_ONE")
A = os.environ.get("FROM_ENVIRON")
B = os.getenv("FROM_GETENV")
C = os.environ["BY_INDEX"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
other.get("NOT_ENV")
"""
    assert variables_read(source) == {
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "RAW_ONE",
        "FROM_ENVIRON",
        "FROM_GETENV",
        "BY_INDEX",
    }


def test_env_example_lists_every_variable_the_code_reads():
    read = code_variables()
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "STRIPE_SECRET_KEY"} <= read  # sanity
    missing = read - set(documented())
    assert not missing, f"document these in .env.example: {sorted(missing)}"


def test_env_example_lists_nothing_unused():
    deploy_text = (ROOT / "docker-compose.yml").read_text() + (
        ROOT / "docker" / "entrypoint.sh"
    ).read_text()
    used_by_deploy = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", deploy_text))
    unused = set(documented()) - code_variables() - used_by_deploy
    assert not unused, f"nothing reads these, remove them from .env.example: {sorted(unused)}"


def test_each_variable_has_its_own_comment():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for name, number in documented().items():
        above = lines[number - 1]
        assert above.startswith("# ") and not ENTRY.match(above), f"{name} has no comment above"


def test_compose_runs_the_five_services_with_healthchecks(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "proxy", "worker", "beat"}
    assert services["db"]["image"] == "postgres:16"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["image"] == "redis:7"
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    web_check = services["web"]["healthcheck"]["test"]
    assert web_check == ["CMD", "python", "docker/healthcheck.py"]
    assert "/healthz" in (ROOT / "docker" / "healthcheck.py").read_text()
    assert services["worker"]["command"][:6] == [
        "celery", "-A", "worker", "worker", "-Q", "default,documents,mail"
    ]  # fmt: skip
    beat = services["beat"]["command"]
    assert beat[:4] == ["celery", "-A", "worker", "beat"]
    assert "ping" in services["worker"]["healthcheck"]["test"][-1]
    # The image's HEALTHCHECK probes the web server: beat, which serves nothing, opts out.
    assert services["beat"]["healthcheck"] == {"disable": True}


def test_services_start_after_what_they_need_is_healthy(compose):
    services = compose["services"]
    needs = {
        "migrate": {"db", "redis"},
        "web": {"db", "redis", "migrate"},
        "worker": {"db", "redis", "migrate"},
        "beat": {"db", "redis", "migrate"},
    }
    for name, dependencies in needs.items():
        depends_on = services[name]["depends_on"]
        assert set(depends_on) == dependencies, name
        for dependency, condition in depends_on.items():
            wanted = (
                "service_completed_successfully" if dependency == "migrate" else "service_healthy"
            )
            assert condition["condition"] == wanted, (name, dependency)


def test_data_lives_in_named_volumes(compose):
    services, volumes = compose["services"], set(compose["volumes"])

    def mounts(service):
        return dict(v.split(":")[1::-1] for v in services[service]["volumes"])  # path -> volume

    assert mounts("db")["/var/lib/postgresql/data"] in volumes
    assert mounts("redis")["/data"] in volumes
    for name in ("web", "worker", "beat"):
        data_dir = services[name]["environment"]["DATA_DIR"]
        assert mounts(name)[data_dir] == "app-data", name
    schedule = services["beat"]["command"][services["beat"]["command"].index("--schedule") + 1]
    assert mounts("beat")[str(Path(schedule).parent)] in volumes


def test_the_database_is_migrated_once_before_any_app_container_starts(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["web"]["command"] == ["web"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["docker/entrypoint.sh"]' in dockerfile
    script = (ROOT / "docker" / "entrypoint.sh").read_text()
    migrate_branch = script[script.index('= "migrate" ]') :]
    migrate_branch = migrate_branch[: migrate_branch.index("fi\n")]
    assert migrate_branch.index("manage.py migrate") < migrate_branch.index("ensure_roles")
    web_branch = script[script.index('= "web" ]') :]
    web_branch = web_branch[: web_branch.index("fi\n")]
    # Scaled-out web containers never migrate side by side.
    assert "migrate" not in web_branch and "exec gunicorn" in web_branch


def test_required_variables_stop_compose_with_a_message(compose):
    app = compose["services"]["web"]
    assert app["env_file"] == ".env"
    environment = app["environment"]
    for name in ("SECRET_KEY", "ALLOWED_HOSTS"):
        assert environment[name].startswith(f"${{{name}:?"), name
    assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:")


def test_image_runs_as_a_user_with_static_files_collected():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.1[12]-slim", dockerfile, re.M)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu"):
        assert package in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "EXPOSE ${PORT}" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", "var"} <= set(ignored)


def test_docker_compose_accepts_the_file(tmp_path):
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip(
            "needs docker-compose to validate docker-compose.yml (apt-get install docker-compose)"
        )
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    env = (ROOT / ".env.example").read_text()
    (tmp_path / ".env").write_text(
        env.replace(
            "\nSECRET_KEY=\n", "\nSECRET_KEY=" + "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz\n"
        ).replace("\nPOSTGRES_PASSWORD=\n", "\nPOSTGRES_PASSWORD=secret\n")
    )
    ok = subprocess.run(
        [binary, "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert ok.returncode == 0, ok.stderr
    (tmp_path / ".env").write_text(env)  # SECRET_KEY and POSTGRES_PASSWORD left empty
    refused = subprocess.run(
        [binary, "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0
    assert "POSTGRES_PASSWORD" in refused.stderr or "SECRET_KEY" in refused.stderr


def nginx_directives() -> dict[str, list[str]]:
    """Each directive of docker/nginx.conf (comments dropped) with the values it is given."""
    found: dict[str, list[str]] = {}
    text = re.sub(r"#[^\n]*", "", (ROOT / "docker" / "nginx.conf").read_text())
    for statement in re.split(r"[;{}]", text):
        words = statement.split()
        if words:
            found.setdefault(words[0], []).append(" ".join(words[1:]))
    return found


def settings_default(name: str) -> int:
    source = (ROOT / "marketplace" / "settings.py").read_text()
    return int(re.search(rf'env\.int\("{name}", default=(\d+)\)', source).group(1))


def test_a_reverse_proxy_is_the_only_published_port(compose):
    services = compose["services"]
    proxy = services["proxy"]
    assert re.match(r"^nginx:1\.\d+(\.\d+)?-alpine$", proxy["image"])
    assert proxy["ports"] == ["${PORT:-8000}:80"]
    assert proxy["volumes"] == ["./docker/nginx.conf:/etc/nginx/nginx.conf:ro"]
    assert proxy["depends_on"] == {"web": {"condition": "service_healthy"}}
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["proxy"]
    web = services["web"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert web["environment"]["PORT"] == "8000" and web["expose"] == ["8000"]
    assert "TRUSTED_PROXY_COUNT" not in services["worker"]["environment"]


def test_the_proxy_limits_bodies_as_the_app_does_and_forwards_the_client(compose):
    nginx = nginx_directives()
    assert nginx["client_max_body_size"] == [f"{settings_default('MAX_REQUEST_BODY_MB')}m"]
    for name in ("client_body_timeout", "client_header_timeout", "send_timeout"):
        assert int(nginx[name][0].rstrip("s")) <= 60, name
    assert int(nginx["keepalive_timeout"][0].rstrip("s")) <= 75
    assert nginx["proxy_read_timeout"] == ["65s"]  # just over gunicorn's --timeout 60
    headers = dict(value.split(None, 1) for value in nginx["proxy_set_header"])
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$forwarded_proto"
    assert headers["Host"] == "$host"
    assert nginx["proxy_pass"] == ["http://web"] and "web:8000" in nginx["server"]
    # It serves nothing itself: one location, proxied; no root, alias or static files.
    assert nginx["location"] == ["/"]
    assert not {"root", "alias", "autoindex", "try_files"} & set(nginx)


def test_nginx_accepts_its_configuration(tmp_path):
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        pytest.skip("needs nginx to check docker/nginx.conf (apt-get install nginx-light)")
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    # Outside compose there is no `web` host and the image's mime.types lives elsewhere.
    conf = conf.replace("server web:8000;", "server 127.0.0.1:8000;")
    conf = conf.replace("include /etc/nginx/mime.types;", "")
    conf = conf.replace("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    (tmp_path / "nginx.conf").write_text(conf)
    checked = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


def compose_config(tmp_path) -> dict:
    """The file as docker-compose itself reads it (`docker-compose config`, variables
    interpolated from a filled-in .env)."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip(
            "needs docker-compose to validate docker-compose.yml (apt-get install docker-compose)"
        )
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    (tmp_path / ".env").write_text(
        "SECRET_KEY=" + "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz\n"
        "POSTGRES_PASSWORD=secret\nALLOWED_HOSTS=example.org\n"
    )
    done = subprocess.run(
        [binary, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_web_and_worker_scale_out_on_one_database_and_redis_with_one_beat(tmp_path):
    """`docker-compose up --scale web=3 --scale worker=4` works: nothing in those services is
    per container (no fixed name, no published port, no volume of their own), they share one
    database and one Redis, and beat is a service of its own, so scaling never doubles it."""
    services = compose_config(tmp_path)["services"]
    for name in ("web", "worker"):
        service = services[name]
        assert "container_name" not in service and not service.get("ports"), name
        assert service["environment"]["DATABASE_URL"].startswith("postgres://"), name
        assert "@db:5432/" in service["environment"]["DATABASE_URL"], name
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0", name
    # Workers: named after their container (celery@<hostname>), a bounded pool each.
    worker = services["worker"]["command"]
    assert "--hostname" not in worker and worker[worker.index("--concurrency") + 1] == "2"
    assert "beat" not in worker and "-B" not in worker and "--beat" not in worker
    assert services["beat"]["command"][:4] == ["celery", "-A", "worker", "beat"]
    # Sessions in PostgreSQL, cache and rate limits in Redis: the settings the web reads.
    settings_text = (ROOT / "marketplace" / "settings.py").read_text()
    assert 'SESSION_ENGINE = "django.contrib.sessions.backends.db"' in settings_text
    assert "django.core.cache.backends.redis.RedisCache" in settings_text
    # PostgreSQL allows the connections the README's sum asks for.
    assert services["db"]["command"] == ["postgres", "-c", "max_connections=200"]
    # The proxy spreads requests over every web container of the service.
    assert "server web:8000;" in (ROOT / "docker" / "nginx.conf").read_text()


def test_the_cache_is_shared_by_every_process_unless_the_suite_asks(tmp_path):
    """Rate limits and the page cache are counted once for the whole site: Redis when
    REDIS_URL is set, otherwise files every local process shares; never one per process except
    when CACHE_REDIS=false (the suite's choice)."""
    code = (
        "import json, django; from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    base = {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "DEBUG": "true",
        "DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }

    def backend(**env):
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert backend(REDIS_URL="redis://127.0.0.1:6379/0").endswith("RedisCache")
    assert backend().endswith("FileBasedCache")
    assert backend(CACHE_REDIS="false").endswith("LocMemCache")
