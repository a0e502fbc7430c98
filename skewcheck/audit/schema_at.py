"""The schema an audit runs on: given, in a local file, or in an object store (`--schema s3://.../schema.yaml`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from skewcheck.io import remote
from skewcheck.schema.document import decoded, parse_document
from skewcheck.schema.load import as_schema, build_schema
from skewcheck.schema.model import Schema


def schema_at(schema: Schema | str | Path, storage_options: remote.StorageOptions = remote.NO_OPTIONS) -> Schema:
    """A Schema as given, or loaded from its file or URL (named in messages without any secret of the URL)."""
    if isinstance(schema, str) and remote.is_url(schema):
        data, name = remote.read_bytes(schema, storage_options), remote.shown(schema)
        return build_schema(parse_document(decoded(data, name), name), hashlib.sha256(data).hexdigest())
    return as_schema(schema)
