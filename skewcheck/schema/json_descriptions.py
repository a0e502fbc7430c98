"""What an editor shows for each key of the schema file: the descriptions `json_schema` attaches to the keys.

Text only. Which keys exist is the loader's business; a description of a key the loader no longer reads is
refused by `tests/schema/test_json_descriptions.py`.
"""

FEATURE_DOCS = {
    "type": "The declared type (required). int, float, datetime, date are numeric; bool, string, category categorical.",
    "description": "Free text; skewcheck ignores it.",
    "pii": "Personal data: no report shows its raw values (examples and top categories are hashed).",
    "nullable": "false: any null is a `null` finding.",
    "min": "Inclusive lower bound: a number, or an ISO-8601 date / datetime for date and datetime features.",
    "max": "Inclusive upper bound: a number, or an ISO-8601 date / datetime for date and datetime features.",
    "values": "The declared domain (category, string, int); values stay text, so NO is Norway.",
    "pattern": "A regular expression (Rust regex syntax) every non-null value must contain a match for; "
    "anchor it (^...$) to match whole values.",
    "min_length": "Shortest allowed value, in characters.",
    "max_length": "Longest allowed value, in characters.",
    "unique": "true: no non-null value may occur twice.",
    "max_null_rate": "Largest share of null rows (0 to 1) a nullable feature may have.",
    "allow_nan": "Whether NaN is an acceptable value (float only).",
    "allow_inf": "Whether +/-infinity is an acceptable value (float only).",
    "drift": "false: validated, not drift-checked; true: the kind's default gate; or {metric, warn, fail}, "
    "omitted keys from defaults.",
    "role": "key: validated, never drift-checked.",
    "environments": "Where the feature must be present; a feature missing from the other dataset is fine.",
    "serving_path": "Dotted path in the serving dataset (features.age); default: the feature's name.",
    "training_path": "Dotted path in the training dataset; default: the feature's name.",
    "min_rows": "Fewer non-null values than this on either side: the drift verdict is at most warn.",
    "max_null_rate_increase": "Gate on the null rate of serving minus that of training.",
    "max_unseen_rate": "Gate on the share of serving values outside the declared (or training) values.",
    "max_out_of_range_rate": "Numbers and dates: gate on the share of serving values outside training's "
    "[min, max], or false.",
    "trend": "Trend gates over the history of audits (--history): {rising: N, rolling: K}, or false.",
    "max_mismatch_rate": "Row-level skew (--key): gate on the share of joined rows whose value differs.",
    "tolerance": "Row-level skew: |serving - training| <= abs + rel * |training| counts as the same value "
    "(default for float: abs 1e-9, rel 1e-6; exact otherwise).",
}
DEFAULT_DOCS = {
    "numeric": "Drift gate of numeric features (int, float, datetime, date).",
    "categorical": "Drift gate of categorical features (bool, string, category).",
    "max_null_rate_increase": "Gate on the null rate of serving minus that of training, for every feature.",
    "max_unseen_rate": "Gate on the share of serving values outside the domain, for every feature.",
    "max_out_of_range_rate": "Gate on the share of serving values outside training's [min, max], for every "
    "numeric or date feature; false turns it off.",
    "min_rows": "Fewer non-null values than this: the drift verdict is at most warn.",
    "trend": "Trend gates every feature inherits, judged when a run keeps a history (--history).",
    "max_mismatch_rate": "Row-level skew (--key): gate on the share of joined rows whose value differs.",
    "min_join_rate": "Row-level skew: the join warns (fails) when fewer than this share of the smaller side's keys "
    "are found on the other side.",
}
TREND_DOCS = {
    "rising": "Fail when the gate metric rose on this many consecutive partitions.",
    "rolling": "Warn (fail) when its median over this many latest partitions is above warn (fail).",
}
RULE_DOCS = {
    "value": "The constraint itself.",
    "severity": "fail (the default) or warn.",
    "mostly": "Share of values that must satisfy the constraint, in (0, 1]; default 1.",
}
