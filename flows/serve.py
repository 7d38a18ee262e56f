"""`wirehouse serve`: the deployments of prefect.yaml served from one process, with no work pool or worker.

prefect.yaml stays the one place where deployments are declared; this module reads it and serves them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Interval

from flows.news import PROJECT_ROOT, news_pipeline

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"
ENTRYPOINT = "flows/news.py:news_pipeline"


class DeploymentFileError(ValueError):
    """prefect.yaml is missing, unreadable or declares nothing this process can serve."""


def _schedules(entries: list[dict[str, Any]] | None) -> list[Any]:
    schedules = []
    for entry in entries or []:
        if "cron" in entry:
            schedules.append(
                Cron(entry["cron"], timezone=entry.get("timezone"), active=entry.get("active", True))
            )
        elif "interval" in entry:
            schedules.append(
                Interval(entry["interval"], timezone=entry.get("timezone"), active=entry.get("active", True))
            )
        else:
            raise DeploymentFileError(f"only cron and interval schedules can be served, not {entry}")
    return schedules


def deployments_from_file(path: Path = PREFECT_YAML) -> list[RunnerDeployment]:
    """The news-pipeline deployments declared in prefect.yaml, ready for `prefect.serve`."""
    try:
        declared = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DeploymentFileError(f"cannot read {path}: {error}") from error
    deployments = []
    for entry in declared.get("deployments") or []:
        if entry.get("entrypoint") != ENTRYPOINT:
            continue
        deployments.append(
            news_pipeline.to_deployment(
                name=entry["name"],
                description=entry.get("description"),
                tags=entry.get("tags"),
                parameters=entry.get("parameters") or {},
                schedules=_schedules(entry.get("schedules")),
            )
        )
    if not deployments:
        raise DeploymentFileError(f"{path} declares no deployment with entrypoint {ENTRYPOINT}")
    return deployments
