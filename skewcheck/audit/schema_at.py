"""The schema an audit runs on: given, in a local file, or in an object store (`--schema s3://.../schema.yaml`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from skewcheck.errors import SchemaFileError
from skewcheck.io import remote
from skewcheck.schema.document import parse_document
from skewcheck.schema.load import as_schema, build_schema
from skewcheck.schema.model import Schema


def schema_at(schema: Schema | str | Path, storage_options: remote.StorageOptions = remote.NO_OPTIONS) -> Schema:
    """A Schema as given, or loaded from its file or URL (named in messages without any secret of the URL)."""
    if isinstance(schema, str) and remote.is_url(schema):
        data = remote.read_bytes(schema, storage_options)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SchemaFileError(f"{remote.shown(schema)}: cannot read schema file: not UTF-8 text") from None
        return build_schema(parse_document(text, remote.shown(schema)), hashlib.sha256(data).hexdigest())
    return as_schema(schema)
