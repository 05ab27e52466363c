"""deploy/: the container files name only things that exist (Docker is not available here,
so they are parsed and checked), and deploy/local-cluster really runs a cluster."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crawler import settings as project_settings
from tests.local_server import Route, local_web

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SETTINGS_SOURCE = (ROOT / "crawler" / "settings.py").read_text(encoding="utf-8")
#: Environment variables crawler/settings.py reads (with _env("NAME", ...)).
ENV_SETTINGS = set(re.findall(r'_env\("([A-Z0-9_]+)"', SETTINGS_SOURCE))


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def k8s_documents() -> list[dict]:
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return docs


def containers() -> list[dict]:
    found = []
    for doc in k8s_documents():
        spec = doc.get("spec", {})
        template = spec.get("template", {}).get("spec", {})
        found += template.get("containers", [])
    return found


def commands() -> list[list[str]]:
    """Every command the deployment runs in our image."""
    result = [json.loads(line.split("CMD", 1)[1]) for line in
              (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith("CMD")]
    for service in compose()["services"].values():
        if service.get("image", "").startswith("backlinks-crawler") or "build" in service:
            result.append(service["command"])
    result += [c["command"] for c in containers() if c["image"].startswith("backlinks-crawler")]
    return result


def env_names() -> set[str]:
    names = set(compose()["x-crawler-env"])
    for service in compose()["services"].values():
        env = service.get("environment") or {}
        names |= set(env)
    for doc in k8s_documents():
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "backlinks-settings":
            names |= set(doc["data"])
    for container in containers():
        names |= {item["name"] for item in container.get("env", [])}
    return names


def test_every_environment_variable_is_a_setting_read_from_the_environment():
    names = env_names()
    assert {"REDIS_URL", "BACKLINKS_INDEX_URI", "BACKLINKS_REDIS_IDLE_SECONDS"} <= names
    unknown = sorted(names - ENV_SETTINGS)
    assert not unknown, f"not read by crawler/settings.py from the environment: {unknown}"
    for name in names:
        assert hasattr(project_settings, name), name


def test_every_command_exists():
    from scrapy.commands import ScrapyCommand  # noqa: F401
    from scrapy.utils.project import get_project_settings  # noqa: F401
    from scrapy.utils.spider import iter_spider_classes  # noqa: F401

    from crawler.spiders.backlinks import BacklinksSpider

    seen = set()
    for command in commands():
        program = command[0]
        if program == "scrapy":
            assert command[1] == "crawl" and command[2] == BacklinksSpider.name, command
            for i, arg in enumerate(command):
                if arg == "-a":
                    assert command[i + 1].split("=", 1)[0] in ("seeds", "targets"), command
            seen.add("crawl")
        elif program == "python":
            script = ROOT / command[1]
            assert script.is_file(), command
            text = script.read_text(encoding="utf-8")
            for option in (arg for arg in command[2:] if arg.startswith("--")):
                assert f'"{option}"' in text, (command, option)
            seen.add(command[1])
        else:
            pytest.fail(f"unknown program in {command}")
    assert seen == {"crawl", "deploy/mongo-init.py"}


def test_dockerfile_copies_what_exists_and_installs_the_project():
    text = (DEPLOY / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), line
    assert "pip install ." in text


def test_compose_has_redis_mongo_index_job_and_scalable_workers():
    services = compose()["services"]
    assert {"redis", "mongo", "mongo-init", "seed", "worker"} <= set(services)
    assert "--appendonly" in services["redis"]["command"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert services["mongo-init"]["command"][:2] == ["python", "deploy/mongo-init.py"]
    assert (DEPLOY / "seeds.txt").is_file()


def test_k8s_has_the_pieces():
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in k8s_documents()}
    assert {("ConfigMap", "backlinks-settings"), ("StatefulSet", "redis"), ("Service", "redis"),
            ("StatefulSet", "mongo"), ("Deployment", "backlinks-worker"),
            ("Job", "backlinks-index-init"), ("Job", "backlinks-seed")} <= kinds


def test_local_cluster_refuses_a_missing_seeds_file(tmp_path):
    result = subprocess.run([sys.executable, str(DEPLOY / "local-cluster"), "--seeds",
                             str(tmp_path / "none.txt")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"local-cluster: error: seeds file {tmp_path / 'none.txt'} not "
                                     "found: give a file with one URL or domain a line")


@pytest.mark.redis
def test_local_cluster_crawls_with_two_workers(tmp_path):
    routes: dict[str, Route] = {}
    with local_web(routes) as web:
        for j in range(6):
            links = "".join(f'<a href="http://127.0.0.{h}:{web.port}/p{(j + 1) % 6}">x</a>' for h in (1, 2))
            routes[f"/p{j}"] = Route(body=f"<html><body>{links}</body></html>".encode())
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(f"http://127.0.0.1:{web.port}/p0\nhttp://127.0.0.2:{web.port}/p0\n")
        result = subprocess.run(
            [sys.executable, str(DEPLOY / "local-cluster"), "--seeds", str(seeds), "--workers", "2",
             "--index", f"sqlite:///{tmp_path / 'index.db'}", "--dir", str(tmp_path / "cluster"),
             "--timeout", "120", "-s", "BACKLINKS_REDIS_IDLE_SECONDS=1",
             "-s", "BACKLINKS_ALLOWED_NETWORKS=127.0.0.0/8", "-s", "AUTOTHROTTLE_ENABLED=false"],
            cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].startswith("crawl finished in ")
    assert re.fullmatch(r"  worker 0: exit 0, \d+ requests", lines[2])
    assert re.fullmatch(r"  worker 1: exit 0, \d+ requests", lines[3])
    cluster = json.loads(lines[4].split("cluster: ", 1)[1])
    assert cluster["enqueued"] == cluster["acked"] == 12 and cluster["unfinished"] == 0
    assert lines[5] == "  index: 12 pages, 12 backlinks"  # each page links to the other site once
    assert len([h for h in web.hits if h.path != "/robots.txt"]) == 12
