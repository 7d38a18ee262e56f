"""The gates that skip line rules before they run: they must never change which rule matches first."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.clean import html as html_module
from tasks.clean.rule_gates import RuleSearch, gate_fold, rule_gate


def _naive_first(rules: list[tuple[str, re.Pattern[str]]], text: str) -> tuple[str, int] | None:
    for reason, rule in rules:
        match = rule.search(text)
        if match is not None:
            return reason, match.start()
    return None


@pytest.mark.parametrize(
    ("pattern", "gate"),
    [
        (r".{0,120}\ball rights reserved\b", ("all rights reserved",)),
        (r"\b(?:subscribe|follow) now\b", ("follow", "subscribe")),
        (r"\b(?:sign|signing) up\b", ("sign",)),  # 'signing' holds 'sign': one test covers both
        (r"\b(?:ap|afp) photo\b", (" photo",)),  # the branch's 'ap' is too short to rule much out
        (r"\bthe (?:news)+letter\b", ("letter",)),
        (r"^(?:©|\(c\))", None),  # nothing of three characters is sure
        (r"\bnews(?:letter)?\b", ("news",)),
    ],
)
def test_a_rule_is_gated_on_texts_every_match_holds(pattern: str, gate: tuple[str, ...] | None) -> None:
    assert rule_gate(pattern) == gate


def test_folding_joins_what_the_regex_engine_joins_and_lower_splits() -> None:
    # 'İ' lowers to 'i' plus a combining dot, the engine reads it as 'i'; 'ı' and 'ſ' are 'i' and 's' to it.
    assert gate_fold("AFFİLİATE Lınks AſſOCIATE") == "affiliate links associate"
    assert gate_fold("Plain ASCII") == "plain ascii"


@pytest.mark.parametrize(
    "line",
    ["Contains AFFİLİATE LINKS", "Contains affılıate links", "AMAZON AſſOCIATE programme"],
)
def test_letters_the_engine_reads_alike_still_pass_the_gate(line: str) -> None:
    search = RuleSearch(html_module._PROMO_RULES)
    assert _naive_first(html_module._PROMO_RULES, line) is not None
    found = search.first(line)
    assert found is not None
    assert (found[0], found[1].start()) == _naive_first(html_module._PROMO_RULES, line)


_PIECES = [
    "Subscribe now",
    "Follow us on Mastodon",
    "This post contains affiliate links.",
    "We use cookies to improve the site.",
    "© 2024 Harbour Media",
    "All rights reserved.",
    "The council met on Tuesday.",
    "Jetzt kostenlos anmelden",
    "Unterstützen Sie unsere Arbeit",
    "Suivez-nous",
    "İSTANBUL",
    "ſign up here",
    "Thank you for reading",
    "Sign in to comment",
    "newsletter",
    "Get the app",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4), st.sampled_from(["", " ", " | "]))
def test_the_gated_search_finds_the_rule_running_every_rule_finds(pieces: list[str], joiner: str) -> None:
    line = joiner.join(pieces)
    for text in (line, line.upper(), line.lower()):
        found = RuleSearch(html_module._PROMO_RULES).first(text)
        assert ((found[0], found[1].start()) if found else None) == _naive_first(
            html_module._PROMO_RULES, text
        )
