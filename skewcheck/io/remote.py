"""Object storage: which names are URLs, listing them, reading and writing whole objects, and their errors.

polars reads cloud URLs itself, through the Rust `object_store` crate; `obstore` is that same crate's Python
binding, and delta-rs (the history) uses it too. So one storage option or environment variable
(`AWS_ENDPOINT_URL`, `GOOGLE_APPLICATION_CREDENTIALS`, `AZURE_STORAGE_ACCOUNT_NAME`, ...) means the same thing to
the data read, the files written and the history kept. An object is written in one PUT of its whole bytes: object
stores make a PUT visible all at once or not at all, so a reader never sees half an object.

Storage options are secrets (keys, tokens): they are never part of a message, and an error's text is scrubbed
of their values before it becomes one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from skewcheck.errors import InputError, SkewcheckError, UsageError

SCHEMES = ("s3", "s3a", "gs", "gcs", "az", "azure", "abfs", "abfss", "adl", "http", "https")
StorageOptions = Mapping[str, str]
NO_OPTIONS: StorageOptions = MappingProxyType({})
MAX_RETRIES = 3
"""A request that fails is tried again this many times (object_store backs off between tries), then fails."""
RETRY_SECONDS = 60
_CLIENT_KEYS = {
    "allow_http",
    "allow_invalid_certificates",
    "connect_timeout",
    "default_content_type",
    "http1_only",
    "http2_only",
    "pool_idle_timeout",
    "pool_max_idle_per_host",
    "proxy_url",
    "timeout",
    "user_agent",
}
_RETRY_KEYS = {"max_retries", "retry_timeout_secs"}
_PREFIXES = {"s3": "aws_", "s3a": "aws_", "gs": "google_", "gcs": "google_"}


def is_url(spec: object) -> bool:
    """Whether a name is an object-store or web URL (`s3://bucket/key`), not a local path."""
    scheme, separator, _ = str(spec).partition("://")
    return bool(separator) and scheme.lower() in SCHEMES


def shown(url: str) -> str:
    """A URL as a message may show it: no user or password, no query (an Azure SAS token, a signed URL's key)."""
    parts = urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def same_object(url: str, other: str) -> bool:
    """Whether two names are one object: the same URL, ignoring a trailing slash, a query and the scheme's case."""
    return is_url(other) and shown(url).rstrip("/").lower() == shown(other).rstrip("/").lower()


def parse_options(pairs: list[str]) -> dict[str, str]:
    """`KEY=VALUE` texts as storage options; a malformed one is named by its key alone (its value may be secret)."""
    options = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise UsageError(f"a storage option is KEY=VALUE; got one without '=' ({key[:20]!r}...)")
        options[key.strip().lower()] = value
    return options


def polars_options(options: StorageOptions) -> dict[str, Any]:
    """Storage options as polars takes them: a bounded retry unless the user chose one, numbers as numbers."""
    given: dict[str, Any] = dict(options.items())
    given.setdefault("max_retries", MAX_RETRIES)
    given.setdefault("retry_timeout_secs", str(RETRY_SECONDS))
    if isinstance(given["max_retries"], str) and given["max_retries"].isdigit():
        given["max_retries"] = int(given["max_retries"])
    return given


def split_url(url: str) -> tuple[str, str]:
    """`s3://bucket/a/b.parquet` as its store's root (`s3://bucket`) and the key inside it (`a/b.parquet`)."""
    parts = urlsplit(url)
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return root, parts.path.lstrip("/")


def store(url: str, options: StorageOptions = NO_OPTIONS) -> Any:
    """An obstore store for the bucket (container, host) of `url`, configured like polars from the same options."""
    from_url = _obstore().store.from_url
    root, _ = split_url(url)
    scheme = urlsplit(url).scheme.lower()
    prefix = _PREFIXES.get(scheme, "azure_" if scheme in ("az", "azure", "abfs", "abfss", "adl") else "")
    client: dict[str, Any] = {}
    config: dict[str, str] = {}
    retries = polars_options(options)
    for key, value in options.items():
        bare = key.removeprefix(prefix) if prefix else key
        if bare in _CLIENT_KEYS:
            client[bare] = value
        elif key in _RETRY_KEYS:
            continue
        else:  # obstore panics on a key without its store's prefix: `region` is `aws_region`, as polars reads it
            config[key if not prefix or key.startswith(prefix) else prefix + key] = value
    if client and "allow_http" not in client and os.environ.get("AWS_ALLOW_HTTP"):
        # Client options given replace those of the environment: keep the environment's plain-http permission.
        client["allow_http"] = os.environ["AWS_ALLOW_HTTP"]
    retry = {
        "max_retries": retries["max_retries"],
        "retry_timeout": dt.timedelta(seconds=float(retries["retry_timeout_secs"])),
    }
    try:
        return from_url(root, config=config or None, client_options=client or None, retry_config=retry)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a Rust panic (pyo3's PanicException) is a BaseException: still one line
        raise failure(url, error, options) from None


def read_bytes(url: str, options: StorageOptions = NO_OPTIONS) -> bytes:
    """The whole object at `url`; an InputError naming it (without secrets) when it cannot be read."""
    obstore = _obstore()
    _, key = split_url(url)
    try:
        return bytes(obstore.get(store(url, options), key).bytes())
    except SkewcheckError:
        raise
    except Exception as error:
        raise failure(url, error, options) from None


def write_bytes(url: str, data: bytes, options: StorageOptions = NO_OPTIONS) -> None:
    """Put the whole object in one request: readers see the old object or the new one, never a part."""
    obstore = _obstore()
    _, key = split_url(url)
    try:
        obstore.put(store(url, options), key, data)
    except SkewcheckError:
        raise
    except Exception as error:
        raise failure(url, error, options, writing=True) from None


def lists(url: str) -> bool:
    """Whether the store at `url` can list its objects: a web server cannot, so an https URL names one file."""
    return urlsplit(url).scheme.lower() not in ("http", "https")


def list_objects(url: str, options: StorageOptions = NO_OPTIONS) -> list[tuple[str, int]]:
    """Every object under the prefix `url` names, as (URL, size), sorted; a bucket that is missing is an error."""
    if not lists(url):
        raise InputError(f"{shown(url)}: a web server cannot list its files: name each file, or use a bucket's URL")
    obstore = _obstore()
    root, key = split_url(url)
    prefix = key.rstrip("/")
    try:
        listed = obstore.list(store(url, options), prefix=prefix or None).collect()
    except SkewcheckError:
        raise
    except Exception as error:
        raise failure(url, error, options) from None
    return sorted((f"{root}/{entry['path']}", int(entry["size"])) for entry in listed)


def glob_pattern(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression over keys: `*` and `?` within one folder, `**` across folders."""
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:[^/]*/)*")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        elif pattern[index] == "[" and (end := pattern.find("]", index + 2)) != -1:
            body = pattern[index + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            index = end + 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out))


def size_of(url: str, options: StorageOptions = NO_OPTIONS) -> int:
    """The size of the one object `url` names; an InputError when there is none."""
    obstore = _obstore()
    _, key = split_url(url)
    try:
        return int(obstore.head(store(url, options), key)["size"])
    except SkewcheckError:
        raise
    except Exception as error:
        raise failure(url, error, options) from None


def failure(
    url: str, error: BaseException, options: StorageOptions = NO_OPTIONS, *, writing: bool = False
) -> InputError:
    """One line naming the URL and what to do, never a value of a storage option nor a Rust backtrace."""
    text = scrub(str(error), options)
    lowered = text.lower()
    name = type(error).__name__
    if "169.254.169.254" in lowered or "169.254.170.2" in lowered:  # the machine's metadata service, asked last
        reason = "no credentials found: set them in the environment, a config file or storage options"
    elif any(word in lowered for word in ("timed out", "error sending request", "connection refused", "dns error")):
        reason = "the store did not answer, after a bounded retry: check the network and the endpoint"
    elif "nosuchbucket" in lowered or "bucket does not exist" in lowered or "specified bucket" in lowered:
        reason = "the bucket does not exist (check the URL, or the endpoint and region)"
    elif name == "NotFoundError" or "nosuchkey" in lowered or "not found" in lowered or _status(lowered, "404"):
        reason = "no such object"
    elif (
        name in ("PermissionDeniedError", "UnauthenticatedError")
        or _status(lowered, "401", "403")
        or any(
            word in lowered
            for word in ("accessdenied", "access denied", "forbidden", "invalidaccesskeyid", "signaturedoesnotmatch")
        )
    ):
        reason = "access denied: check the credentials (environment, config file or storage options) and their rights"
    elif "credential" in lowered:
        reason = "no credentials found: set them in the environment, a config file or storage options"
    else:
        reason = f"{'cannot write' if writing else 'cannot read'}: {_first_line(text)}"
    return InputError(f"{shown(url)}: {reason}")


def scrub(text: str, options: StorageOptions) -> str:
    """`text` with every storage option's value (and any URL's query) replaced by '***'."""
    for value in sorted(options.values(), key=len, reverse=True):
        if len(value) >= 6:  # 'true', '30s' and short numbers are settings, not secrets, and too common to replace
            text = text.replace(value, "***")
    return re.sub(r"(https?://[^\s?]+)\?\S*", r"\1?***", text)


def _obstore() -> Any:
    """obstore, the optional `cloud` extra: a missing install is an instruction, not a traceback."""
    try:
        import obstore
        import obstore.store
    except ImportError:
        raise UsageError("object storage needs obstore: pip install 'skewcheck[cloud]'") from None
    return obstore


def _status(text: str, *codes: str) -> bool:
    """An HTTP status in an error's text, as a whole number (not part of a port or a duration)."""
    return any(re.search(rf"(?<![\d.:]){code}(?![\d.])", text) for code in codes)


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["unknown error"])[0][:300]
