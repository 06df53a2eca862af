"""A check over texts that stand in for files reads exactly those texts: handed down explicitly,
never left behind for the next check, never seen by another check running at the same time."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from qatfix.config.loader import DISK, Texts, load_document
from qatfix.edit.plan import current_text
from qatfix.run.engine import check, contexts
from qatfix.run.facts import machine_facts
from qatfix.run.plan import Run

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"
LCNET = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"


def _fixed(example: Path) -> str:
    lines = (example / SLIM).read_text().splitlines(keepends=True)
    assert lines[0].startswith("pretrain_weights:")
    return "".join([f"pretrain_weights: {LCNET}\n", *lines[1:]])


def _qf101(findings: list) -> list:  # type: ignore[type-arg]
    return [f for f in findings if f.code == "QF101" and f.severity == "error"]


def test_a_check_reads_the_texts_it_is_handed_and_only_then(example: Path) -> None:
    on_disk = (example / SLIM).read_text()
    assert _qf101(check(Run(MODEL, SLIM)))
    texts = Texts.of({SLIM: _fixed(example)})
    assert not _qf101(check(Run(MODEL, SLIM), texts=texts))
    assert _qf101(check(Run(MODEL, SLIM)))  # nothing of the last check stays behind
    assert (example / SLIM).read_text() == on_disk
    assert current_text(SLIM, texts=texts) == _fixed(example)
    assert current_text(SLIM) == on_disk
    assert load_document(str(example / SLIM), texts).text == _fixed(example)
    assert load_document(SLIM).text == on_disk


def test_checks_at_the_same_time_each_see_their_own_texts(example: Path) -> None:
    fixed = Texts.of({SLIM: _fixed(example)})
    runs = [fixed, DISK] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda texts: bool(_qf101(check(Run(MODEL, SLIM), texts=texts))), runs))
    assert found == [False, True] * 4


def test_the_facts_rules_ask_read_the_texts_of_their_check(example: Path) -> None:
    """What a rule reads beyond its run's configs comes from the facts its check was made with:
    two checks' facts never see each other's texts, and the disk's stay the disk's."""
    standing_in = Texts.of({SLIM: "slim: QAT\n"})
    assert machine_facts(standing_in).document(SLIM).text == "slim: QAT\n"
    assert machine_facts().document(SLIM).text == (example / SLIM).read_text()
    assert machine_facts(standing_in).kind_of(SLIM) == "slim"
    (ctx,) = contexts(MODEL, SLIM, texts=standing_in)
    assert ctx.facts.document(SLIM).text == "slim: QAT\n"
    (plain,) = contexts(MODEL, SLIM)
    assert plain.facts.document(SLIM).text == (example / SLIM).read_text()
