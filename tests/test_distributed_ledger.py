"""When a worker may acknowledge a request: the ledger's decisions, case by case."""

from __future__ import annotations

from crawler.distributed.ledger import Ledger
from crawler.distributed.queue import Release


def leased(*ids: str, host: str = "a.test") -> Ledger:
    ledger = Ledger()
    for lease_id in ids:
        ledger.take(lease_id, host)
        ledger.activate(lease_id)
    return ledger


def test_page_is_acknowledged_when_its_links_are_queued_and_its_item_stored():
    ledger = leased("1")
    ledger.started("1")
    ledger.left_downloader("1")
    ledger.yielded_item("1", "http://a.test/")
    ledger.yielded_request("1")
    ledger.yielded_request("1")
    ledger.output_done("1")
    assert ledger.take_ops().acks == []  # output consumed, links not queued yet
    ledger.child_enqueued("1")
    ledger.child_enqueued("1")
    assert ledger.take_ops().acks == []  # item not stored yet
    ledger.stored(["http://a.test/"])
    ops = ledger.take_ops()
    assert ops.acks == ["1"] and ops.requeues == []
    assert len(ledger) == 0


def test_item_stored_before_the_output_is_done_waits_for_the_output():
    ledger = leased("1")
    ledger.yielded_item("1", "http://a.test/")
    ledger.stored(["http://a.test/"])  # the batch was written by this very item
    ledger.yielded_request("1")
    assert not ledger.take_ops().acks
    ledger.output_done("1")
    ledger.child_enqueued("1")
    assert ledger.take_ops().acks == ["1"]


def test_slot_release_is_recorded_once_with_the_download_time():
    ledger = leased("1")
    ledger.started("1")
    ledger.left_downloader("1", elapsed_ms=120, host_delay_ms=2000)
    ledger.left_downloader("1", elapsed_ms=999)
    ledger.output_done("1")
    ops = ledger.take_ops()
    assert ops.released == [Release("a.test", "1", True, 120, 2000)]
    assert ops.acks == ["1"]


def test_a_request_that_never_reached_the_downloader_frees_its_slot_unstarted():
    ledger = leased("1")
    ledger.output_done("1")  # e.g. forbidden by robots.txt: the errback yields nothing
    ops = ledger.take_ops()
    assert ops.released == [Release("a.test", "1", False)] and ops.acks == ["1"]


def test_redirect_or_retry_replaces_the_request():
    ledger = leased("1")
    ledger.started("1")
    ledger.left_downloader("1")
    assert ledger.is_downloading("1")
    ledger.continued("1")
    assert ledger.take_ops().acks == ["1"]
    assert not ledger.is_downloading("1")


def test_redis_failure_during_parsing_gives_the_request_back_after_its_item_is_stored():
    ledger = leased("1")
    ledger.yielded_item("1", "http://a.test/")
    ledger.output_done("1", requeue=True)
    ledger.output_done("1")  # the generator's own finally
    assert ledger.take_ops().requeues == []  # its item is not stored yet
    ledger.dropped("http://a.test/")
    ops = ledger.take_ops()
    assert ops.requeues == ["1"] and ops.acks == []


def test_same_url_from_two_requests_resolves_one_each():
    ledger = leased("1", "2")
    for lease_id in ("1", "2"):
        ledger.yielded_item(lease_id, "http://a.test/final")
        ledger.output_done(lease_id)
    ledger.stored(["http://a.test/final"])
    assert ledger.take_ops().acks == ["1"]
    ledger.stored(["http://a.test/final"])
    assert ledger.take_ops().acks == ["2"]


def test_sweep_settles_active_leases_and_give_back_returns_buffered_ones():
    ledger = leased("1")
    ledger.take("2", "b.test")  # buffered, never handed to the engine
    ledger.yielded_request("1")  # a child a spider middleware filtered: it never arrives
    ledger.output_done("1")
    assert ledger.sweep() == 1
    ledger.give_back("2")
    ops = ledger.take_ops()
    assert ops.acks == ["1"] and ops.requeues == ["2"]
    assert ops.released == [Release("a.test", "1", False), Release("b.test", "2", False)]


def test_operations_that_could_not_be_sent_go_back_first():
    ledger = leased("1", "2")
    ledger.output_done("1")
    ops = ledger.take_ops()
    ledger.output_done("2")
    ledger.restore_ops(ops)
    assert ledger.take_ops().acks == ["1", "2"]
