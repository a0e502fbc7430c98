"""The --each partition table for $GITHUB_STEP_SUMMARY: data escaped exactly as the report's Markdown cells are."""

from __future__ import annotations

from skewcheck.audit.partition_run import PartitionResult, PartitionRun
from skewcheck.reporters import markdown, partitions

LABEL = "region=a|b & <c>\nd"
REASON = "could not read `x|y` & <z>\\\nsecond line"


def test_each_markdown_escapes_labels_and_reasons_as_the_report_does() -> None:
    results = [PartitionResult(LABEL, None, error=REASON), PartitionResult("plain", None, skipped="already done")]
    text = partitions.markdown(PartitionRun(tuple(results)))
    assert f"| {markdown.cell(LABEL)} |  | error | {markdown.cell(REASON)} |" in text
    assert "| region=a\\|b &amp; &lt;c&gt;<br>d |" in text  # what the report's own cells hold for that label
    # A label cannot end a cell or start a row: every line of the table has the header's four cells.
    table = text.splitlines()[2:]
    assert len(table) == 2 + len(results)
    assert all(line.replace("\\|", "").count("|") == 5 for line in table), table
    # The summary line above the table names the unreadable partition: inert there too, on one line.
    first = text.splitlines()[0]
    assert first.startswith("**ERROR** · ") and "&lt;c&gt;" in first and "<c>" not in first
