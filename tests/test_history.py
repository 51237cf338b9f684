"""History: precedence order, bump bases, last known good and the History object (no files involved)."""

from __future__ import annotations

import random

import pytest
import semver
from hypothesis import given, settings
from hypothesis import strategies as st
from releasebook.history import (
    build_history,
    bump_base,
    bump_bases,
    computed_last_known_good,
    expected_type,
    find,
    last_known_good,
    nearby_versions,
    newest_first,
    order_key,
    parse_version,
    target_problem,
    version_key,
)
from releasebook.model import Release

from .test_rules_support import release, repo_policy

POLICY = repo_policy()

# SemVer 2.0.0, item 11: each is lower than the next.
SPEC_ORDER = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
              "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0"]


def versions(history: list[Release]) -> list[str]:
    """The versions of releases, in the given order."""
    return [r.version for r in history]


# --- precedence ---------------------------------------------------------------------------------------------


def test_order_key_follows_the_semver_spec_example() -> None:
    shuffled = SPEC_ORDER[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=lambda v: version_key(semver.Version.parse(v))) == SPEC_ORDER


def test_order_key_ignores_build_metadata() -> None:
    assert version_key(semver.Version.parse("1.2.3+build.7")) == version_key(semver.Version.parse("1.2.3"))


_ident = st.one_of(st.integers(0, 30).map(str), st.sampled_from(["alpha", "beta", "rc", "x-1", "0a", "b9"]))
_versions = st.builds(
    lambda core, pre: semver.Version(*core, prerelease=".".join(pre) if pre else None),
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)),
    st.lists(_ident, max_size=3),
)


@given(_versions, _versions)
@settings(max_examples=300, deadline=None)
def test_order_key_agrees_with_the_semver_library(a: semver.Version, b: semver.Version) -> None:
    expected = a.compare(b)
    got = (version_key(a) > version_key(b)) - (version_key(a) < version_key(b))
    assert got == expected


def test_newest_first_orders_by_precedence_and_breaks_ties_by_file() -> None:
    history = [release(v) for v in ("1.10.1", "2.0.0-rc.1", "2.0.0", "1.9.0", "2.0.0-beta.1", "1.10.0")]
    assert versions(newest_first(history)) == ["2.0.0", "2.0.0-rc.1", "2.0.0-beta.1", "1.10.1", "1.10.0",
                                               "1.9.0"]
    a = release("1.0.0")
    b = release("1.0.0+build.1")
    # Equal precedence: by file name, and "releases/1.0.0+build.1.yml" sorts before "releases/1.0.0.yml".
    assert versions(newest_first([a, b])) == ["1.0.0+build.1", "1.0.0"]
    assert versions(newest_first([b, a])) == ["1.0.0+build.1", "1.0.0"]


def test_parse_version_accepts_a_tag_and_refuses_junk() -> None:
    assert str(parse_version("v2.4.0")) == "2.4.0"
    assert str(parse_version(" 2.4.0-rc.1 ")) == "2.4.0-rc.1"
    assert parse_version("2.4") is None
    assert parse_version("") is None
    assert parse_version("v") is None


def test_find_ignores_build_metadata_and_accepts_a_tag() -> None:
    history = [release("2.4.0+sha.1"), release("2.3.0")]
    assert find(history, "2.4.0") is history[0]
    assert find(history, "v2.3.0") is history[1]
    assert find(history, "2.4.1") is None
    assert find(history, "not a version") is None


def test_nearby_versions_by_spelling_then_by_precedence() -> None:
    known = ["2.5.0", "2.4.0", "2.3.1", "2.3.0", "1.10.1"]
    assert nearby_versions("2.3.2", known) == ["2.3.1", "2.3.0"]
    assert nearby_versions("99.0.0", known) == ["2.5.0"]  # nothing spelled alike: the closest below
    assert nearby_versions("1.5.0-rc.9", known) == ["1.10.1"]  # the closest above when nothing is below
    assert nearby_versions("zzz", known) == []


# --- bump base and expected type ----------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "base"), [
    ("1.10.1", "1.10.0"),      # a backport is judged on its own line, not against 2.0.0
    ("2.0.0-rc.1", "1.10.1"),  # a pre-release against the release before the one it precedes
    ("2.0.0", "1.10.1"),       # pre-releases are never a base
    ("2.1.0", "2.0.0"),
    ("1.9.0", None),           # the first release has no base
])
def test_bump_base(version: str, base: str | None) -> None:
    history = [release(v) for v in ("1.9.0", "1.10.0", "2.0.0-rc.1", "2.0.0", "1.10.1", "2.1.0")]
    subject = find(history, version)
    assert subject is not None
    found = bump_base(subject, history)
    assert (found.version if found else None) == base
    found_fast = bump_bases(history)[subject.source]
    assert (found_fast.version if found_fast else None) == base


@given(st.lists(_versions, min_size=1, max_size=25, unique_by=lambda v: str(v)))
@settings(max_examples=100, deadline=None)
def test_bump_bases_agrees_with_bump_base(items: list[semver.Version]) -> None:
    history = [release(str(v)) for v in items]
    fast = bump_bases(history)
    for subject in history:
        assert fast[subject.source] is bump_base(subject, history)


@pytest.mark.parametrize(("base", "version", "expected"), [
    ("1.2.3", "1.2.4", "patch"),
    ("1.2.3", "1.2.9", "patch"),      # gaps are allowed
    ("1.2.3", "1.3.0", "minor"),
    ("2.0.0", "2.2.0", "minor"),      # the gap example
    ("1.2.3", "2.0.0", "major"),
    ("1.2.3", "4.0.0", "major"),
    ("1.2.3", "1.3.1", None),         # a minor bump resets patch
    ("1.2.3", "2.1.0", None),         # a major bump resets minor and patch
    ("1.2.3", "2.0.1", None),
    ("1.2.3", "2.0.0-rc.1", "major"),  # a pre-release takes the type of its release
    ("0.4.2", "0.5.0", "minor"),
])
def test_expected_type(base: str, version: str, expected: str | None) -> None:
    assert expected_type(release(version), release(base)) == expected


# --- last known good ----------------------------------------------------------------------------------------


def rolled_back(version: str, **fields: object) -> Release:
    """A rolled-back release."""
    return release(version, status="rolled-back", **fields)


def test_last_known_good_skips_a_rolled_back_release() -> None:
    history = [release("2.2.0"), release("2.2.1", "patch"), rolled_back("2.3.0"), release("2.3.1", "patch")]
    built = build_history(history, POLICY)
    assert built.last_known_good["2.3.1"] is history[1]
    assert built.last_known_good["2.3.0"] is history[1]
    assert built.last_known_good["2.2.1"] is history[0]
    assert last_known_good(history[3], history) is history[1]


@pytest.mark.parametrize("skipped", ["planned", "in-progress", "rolled-back"])
def test_last_known_good_skips_unreleased_statuses(skipped: str) -> None:
    history = [release("1.0.0", "major"), release("1.1.0", status=skipped), release("1.2.0")]
    built = build_history(history, POLICY)
    assert built.last_known_good["1.2.0"] is history[0]
    assert computed_last_known_good(history[2], history) is history[0]


def test_last_known_good_skips_pre_releases_even_when_released() -> None:
    history = [release("1.10.1", "patch"), release("2.0.0-beta.1", "major"), release("2.0.0-rc.1", "major"),
               release("2.0.0", "major")]
    built = build_history(history, POLICY)
    assert built.last_known_good["2.0.0"] is history[0]
    assert built.last_known_good["2.0.0-rc.1"] is history[0]  # rc.1 rolls back below beta.1 too


def test_backport_rolls_back_on_its_own_line() -> None:
    history = [release("1.10.0"), release("2.0.0", "major"), release("1.10.1", "patch")]
    built = build_history(history, POLICY)
    assert built.last_known_good["1.10.1"] is history[0]
    # 1.10.1 is the highest released version below 2.0.0, whenever it shipped.
    assert built.last_known_good["2.0.0"] is history[2]


def test_explicit_target_wins() -> None:
    history = [release("2.2.0"), release("2.2.1", "patch"),
               release("2.3.0", rollback={"plan": "p", "target": "2.2.0"})]
    built = build_history(history, POLICY)
    assert built.last_known_good["2.3.0"] is history[0]
    assert "2.3.0" in built.explicit
    assert built.rollback_summary(history[2]) == "Roll back to 2.2.0 (rollback.target)"
    assert last_known_good(history[2], history) is history[0]


@pytest.mark.parametrize("target", ["2.2.5", "2.3.0", "2.4.0", "2.1.0"])
def test_an_invalid_explicit_target_falls_back_to_the_computed_one(target: str) -> None:
    history = [rolled_back("2.1.0"), release("2.2.0"),
               release("2.3.0", rollback={"plan": "p", "target": target}), release("2.4.0", status="planned")]
    built = build_history(history, POLICY)
    assert built.last_known_good["2.3.0"] is history[1]
    assert "2.3.0" not in built.explicit
    assert last_known_good(history[2], history) is history[1]


def test_explicit_target_may_name_a_released_pre_release() -> None:
    history = [release("2.0.0-rc.1", "major"), release("2.0.0", "major", rollback={"plan": "p",
                                                                                   "target": "2.0.0-rc.1"})]
    assert build_history(history, POLICY).last_known_good["2.0.0"] is history[0]


def test_first_release_has_nothing_to_roll_back_to() -> None:
    history = [release("1.0.0", "major"), release("1.1.0")]
    built = build_history(history, POLICY)
    assert built.last_known_good["1.0.0"] is None
    assert built.is_first(history[0]) and not built.is_first(history[1])
    assert built.rollback_summary(history[0]) == "Nothing to roll back to: 1.0.0 is the first release"
    assert built.rollback_summary(history[1]) == "Roll back to 1.0.0"


def test_no_released_version_below_is_said_plainly() -> None:
    history = [rolled_back("1.0.0"), release("1.1.0")]
    built = build_history(history, POLICY)
    assert built.last_known_good["1.1.0"] is None
    assert built.rollback_summary(history[1]) == (
        "Nothing to roll back to: no released, non-pre-release version below 1.1.0")


def test_duplicates_share_the_candidate_below_them() -> None:
    history = [release("1.0.0", "major"), release("1.1.0"), release("1.1.0+again")]
    built = build_history(history, POLICY)
    assert built.last_known_good["1.1.0"] is history[0]


_statuses = st.sampled_from(["planned", "in-progress", "released", "rolled-back"])


@given(st.lists(st.tuples(_versions, _statuses), min_size=1, max_size=20, unique_by=lambda t: str(t[0])),
       st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_build_history_agrees_with_the_one_release_functions(items: list[tuple[semver.Version, str]],
                                                             rng: random.Random) -> None:
    history = []
    for version, status in items:
        fields: dict[str, object] = {}
        if rng.random() < 0.3:  # an explicit target, valid or not
            fields["rollback"] = {"plan": "p", "target": str(rng.choice(items)[0])}
        history.append(release(str(version), status=status, **fields))
    built = build_history(history, POLICY)
    assert [order_key(r) for r in built.releases] == sorted((order_key(r) for r in history), reverse=True)
    for subject in history:
        assert built.last_known_good[subject.slug] is last_known_good(subject, history)


# --- the History object -------------------------------------------------------------------------------------


def test_history_navigation() -> None:
    history = [release("1.0.0", "major"), release("1.1.0", status="rolled-back"), release("1.1.1", "patch"),
               release("1.2.0-rc.1"), release("1.2.0", status="in-progress"),
               release("1.3.0", status="planned")]
    built = build_history(history, POLICY)
    assert versions(list(built.releases)) == ["1.3.0", "1.2.0", "1.2.0-rc.1", "1.1.1", "1.1.0", "1.0.0"]
    assert built.newer(history[2]) is history[3]
    assert built.older(history[2]) is history[1]
    assert built.newer(history[5]) is None
    assert built.older(history[0]) is None
    assert built.index(history[5]) == 0
    assert built.latest is history[2]
    assert built.upcoming == (history[5], history[4])
    assert built.find("v1.2.0-rc.1") is history[3]
    assert built.find("1.2.1") is None
    assert built.find("garbage") is None


def test_target_problem_texts() -> None:
    this = release("2.3.0")
    assert target_problem(this, None) == "names no release record"
    assert target_problem(this, this) == "is this release itself"
    assert target_problem(this, release("2.4.0")) == (
        "is not below 2.3.0 in precedence (releases/2.4.0.yml); a rollback goes to an earlier release")
    assert target_problem(this, release("2.2.0", status="planned")) == (
        "has status 'planned' (releases/2.2.0.yml); a rollback target must be a released record")
    assert target_problem(this, release("2.2.0")) is None
