"""The graph exports of the whole record (fixtures/*.json), loaded once for the module inside a
transaction rolled back after its last test, as in test_record_of_holders.py: networkx reads
both formats, and they hold what the API lists."""

import pytest

from tests.api.clients import anonymous_client
from tests.exchange.test_graph import FORMATS, assert_graph_matches_the_api, read

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [None, "2017-09-01"])
@pytest.mark.parametrize("path", FORMATS)
def test_networkx_reads_the_record_as_the_api_lists_it(record, path, day, capsys):
    graph_ = read(f"{path}?at={day}" if day else path)
    with capsys.disabled():
        print(f"\n{path} at {day or 'any time'}: {graph_.number_of_nodes()} nodes, {graph_.number_of_edges()} edges")

    assert graph_.number_of_nodes() > 50 and graph_.number_of_edges() > 50
    assert_graph_matches_the_api(graph_, anonymous_client(), day=day)
