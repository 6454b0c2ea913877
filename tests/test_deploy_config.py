"""docker-compose.yml and the proxy's configuration describe the same deployment.

Docker does not run where the tests run, so these read the two files and check
that they fit together: nginx reaches the two pools where compose runs them,
the pools trust nginx's headers, and the routing rule is the report guard's.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.test import RequestFactory
from django.urls import get_resolver

from deploy.proxy import TEMPLATE, render
from feedbackhub import report_guard
from insights.notes import import_views

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
PROXY = SERVICES["proxy"]
MOUNTED_TEMPLATE = "./deploy/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro"


def _site() -> str:
    env = PROXY["environment"]
    return render(
        listen=env["FH_LISTEN"],
        main=env["FH_MAIN_POOL"],
        reports=env["FH_REPORT_POOL"],
        access_log=env["FH_ACCESS_LOG"],
    )


def _pool_route(method: str, path: str) -> str:
    """Which pool the template's map sends a request to (nginx matches it the same way)."""
    rule = re.search(r'map "\$request_method \$uri" \$feedbackhub_pool \{(.*?)\}', _site(), re.S)
    for pattern, pool in re.findall(r'"~([^"]+)"\s+(\w+);', rule.group(1)):
        if re.search(pattern, f"{method} {path}"):
            return pool
    return re.search(r"default\s+(\w+);", rule.group(1)).group(1)


def test_the_proxy_runs_the_repositorys_template():
    assert MOUNTED_TEMPLATE in PROXY["volumes"]
    assert TEMPLATE == ROOT / "deploy" / "nginx.conf.template"


def test_nginx_reaches_each_pool_where_compose_runs_it():
    site = _site()
    for upstream, service in [("feedbackhub_main", "web"), ("feedbackhub_reports", "reports")]:
        address = re.search(rf"upstream {upstream} \{{\s*server (\S+);", site).group(1)
        host, port = address.split(":")
        assert host == service
        assert port in SERVICES[service]["expose"]
        bind_port = "8000"  # gunicorn.conf.py's WEB_BIND default, which the pools keep
        assert "WEB_BIND" not in SERVICES[service]["environment"]
        assert port == bind_port


def test_people_reach_nginx_and_not_the_pools():
    listen = PROXY["environment"]["FH_LISTEN"]
    assert [p.split(":")[-1] for p in PROXY["ports"]] == [listen]
    assert "ports" not in SERVICES["web"] and "ports" not in SERVICES["reports"]


@pytest.mark.parametrize("service", ["web", "reports"])
def test_the_pools_trust_exactly_one_proxy(service):
    env = SERVICES[service]["environment"]
    assert env["AXES_PROXY_COUNT"] == "1"
    assert env["TRUST_X_FORWARDED_PROTO"] == "1"
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in _site()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in _site()


def test_only_the_main_pool_migrates_and_the_report_pool_waits_for_it():
    assert "migrate" in SERVICES["web"]["command"]
    assert "migrate" not in SERVICES["reports"]["command"]
    assert SERVICES["reports"]["depends_on"]["web"]["condition"] == "service_healthy"


def _every_page() -> list[str]:
    """A path for every page of the product (numbers and words for its parameters)."""
    paths = []

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith("admin/") or "^" in route:  # Django admin; the API's regexes
                continue
            if hasattr(pattern, "url_patterns"):
                walk(pattern, route)
            else:
                paths.append("/" + re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", "12", route)))

    walk(get_resolver(), "")
    return paths


@pytest.mark.parametrize("path", _every_page())
def test_nginx_sends_to_the_report_pool_exactly_the_pages_the_report_guard_limits(path):
    for method in ("GET", "HEAD", "POST"):
        is_report = report_guard.is_report(RequestFactory().generic(method, path))
        assert (_pool_route(method, path) == "reports") == is_report, f"{method} {path}"


@pytest.mark.parametrize("path", ["/themes/", "/overview/", "/competitors/3/", "/pmf/"])
def test_reading_a_report_goes_to_the_report_pool_and_writing_to_the_main_pool(path):
    assert _pool_route("GET", path) == "reports"
    assert _pool_route("POST", path) == "main"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/notes/", "/api/v1/themes/", "/api/v1/competitors/", "/static/x.css", "/admin/"],
)
def test_the_api_static_files_and_admin_go_to_the_main_pool(path):
    assert _pool_route("GET", path) == "main"


def test_a_file_the_import_accepts_is_not_refused_by_nginx():
    size = re.search(r"client_max_body_size (\d+)m;", _site()).group(1)
    assert int(size) * 1024 * 1024 > import_views.MAX_BYTES


def _db_settings() -> dict[str, str]:
    return dict(re.findall(r"-c (\S+?)=(\S+)", SERVICES["db"]["command"]))


def test_the_database_keeps_the_dashboards_pages_in_memory_and_across_restarts():
    settings = _db_settings()
    # More than the default 128 MB, which the filter combinations' facts alone outgrow at 1M notes.
    buffers = re.fullmatch(r"\$\{PG_SHARED_BUFFERS:-(\d+)GB\}", settings["shared_buffers"])
    assert buffers and int(buffers.group(1)) >= 1
    assert "pg_prewarm" in settings["shared_preload_libraries"].split(",")
    assert settings["pg_prewarm.autoprewarm"] == "on"


def test_the_report_pool_yields_the_cpu_to_the_main_pool():
    nice = {
        pool: int(SERVICES[pool]["environment"].get("WEB_NICE", 0)) for pool in ("web", "reports")
    }
    assert nice["reports"] > nice["web"] == 0
