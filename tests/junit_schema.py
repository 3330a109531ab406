"""JUnit reports checked against the schema CI tools read them by: junit-10.xsd, published by
Jenkins' xUnit plugin and followed by pytest (vendored in tests/data/junit/, see its README)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from tests.conftest import DATA

XSD = DATA / "junit" / "junit-10.xsd"


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def assert_valid_junit(path: Path) -> etree._ElementTree:
    """The parsed report; fails with the schema's own messages when it does not validate."""
    doc = etree.parse(str(path))
    schema = _schema()
    if not schema.validate(doc):
        errors = "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log)
        raise AssertionError(f"{path} does not validate against {XSD.name}:\n{errors}")
    # the schema types times and counts as strings; the tools parse them as numbers
    for element in doc.iter("testsuite", "testcase"):
        float(element.get("time", "0"))
    for suite in doc.iter("testsuite"):
        for count in ("tests", "failures", "errors", "skipped"):
            int(suite.get(count, "0"))
    return doc
