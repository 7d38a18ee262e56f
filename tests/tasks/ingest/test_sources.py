"""Sources files: locations with per-source include, exclude, since and limit, and clear errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tasks.ingest.filters import SourceFilter
from tasks.ingest.sources import Source, SourcesFileError, expand_sources, load_sources_file


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_per_source_options_are_read(tmp_path: Path) -> None:
    sources_file = write(
        tmp_path / "sources.toml",
        """
[[source]]
location = "https://news.example/rss.xml"
include = ["/world/", "/europe/"]
exclude = "/video/"
since = 2024-10-01
limit = 20

[[source]]
location = "saved/"
""",
    )
    feed, folder = load_sources_file(sources_file)
    assert feed == Source(
        "https://news.example/rss.xml",
        SourceFilter(("/world/", "/europe/"), ("/video/",), datetime(2024, 10, 1, tzinfo=UTC)),
        20,
    )
    assert feed.is_web and not folder.is_web
    assert folder.location == str((tmp_path / "saved").resolve())
    assert folder.filter.is_empty and folder.limit is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('location = "a"\nlimt = 3', "unknown key 'limt'"),
        ('location = "a"\nlimit = -1', "limit must be a whole number"),
        ('location = "a"\ninclude = [1, 2]', "include must be a pattern"),
        ('location = "a"\nsince = "last week"', "neither a date"),
        ('location = "a"\nexclude = ["re:("]', "not a valid regular expression"),
    ],
)
def test_bad_options_name_the_source_and_the_problem(tmp_path: Path, entry: str, message: str) -> None:
    sources_file = write(tmp_path / "bad.toml", f"[[source]]\n{entry}\n")
    with pytest.raises(SourcesFileError, match=message) as caught:
        load_sources_file(sources_file)
    assert "source 1" in str(caught.value)


def test_run_filter_applies_to_every_source_and_a_bad_file_is_a_reject(tmp_path: Path) -> None:
    write(tmp_path / "good.toml", '[[source]]\nlocation = "https://a.example/feed"\ninclude = "/world/"\n')
    write(tmp_path / "broken.toml", "[[source]\n")
    run_filter = SourceFilter(exclude=("/video/",))

    expanded, rejects = expand_sources(
        ["good.toml", "broken.toml", "https://b.example/"], base=tmp_path, run_filter=run_filter
    )

    assert [source.location for source in expanded] == ["https://a.example/feed", "https://b.example/"]
    from_file, named = expanded
    assert from_file.filter.allows_location("https://a.example/world/1")
    assert not from_file.filter.allows_location("https://a.example/world/video/1")
    assert not from_file.filter.allows_location("https://a.example/sport/1")
    assert named.filter == run_filter
    assert [(reject.source, reject.reason) for reject in rejects] == [("broken.toml", "bad_sources_file")]


def test_the_readme_sources_file_example_reads(tmp_path: Path, project_root: Path) -> None:
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    sources = load_sources_file(write(tmp_path / "my-sources.toml", example))
    assert len(sources) == 6
    sitemap = sources[2]
    assert sitemap.limit == 200
    assert sitemap.filter.allows_location("https://www.example-news.com/politics/vote-count-12")
    assert not sitemap.filter.allows_location("https://www.example-news.com/sport/match-12")
