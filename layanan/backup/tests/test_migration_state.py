"""An archive from an older release is restored at its own migration state, app by app."""

from __future__ import annotations

from django.db.migrations.loader import MigrationLoader

from layanan.backup.services import migration_targets


def _graph():
    return MigrationLoader(None, ignore_no_migrations=True).graph


def test_an_archive_at_this_releases_latest_state_migrates_everything():
    graph = _graph()
    assert migration_targets([list(node) for node in graph.nodes], graph) is None


def test_an_older_archive_names_the_last_migration_it_had_of_each_app():
    graph = _graph()
    calendars = sorted(node for node in graph.leaf_nodes() if node[0] == "calendars")[-1]
    newer = set(graph.backwards_plan(calendars))  # the latest calendars migration and all that need it
    recorded = [list(node) for node in graph.nodes if node not in newer]
    targets = migration_targets(recorded, graph)
    assert targets is not None
    previous = sorted(name for app, name in recorded if app == "calendars")[-1]
    assert targets["calendars"] == previous != calendars[1]
    for app, name in graph.leaf_nodes():
        if (app, name) not in newer:
            assert targets[app] == name
