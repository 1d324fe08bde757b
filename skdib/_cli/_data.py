"""Reading and checking the user's table for ``skdib analyze``."""

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from skdib._cli._errors import CLIError
from skdib._cli._read import MISSING_TEXT, read_table, split_unquoted
from skdib._dib._categorical import _holds_times, _is_temporal, _stray_values
from skdib._utils._validation import non_numeric_columns

__all__ = ["CLIError", "Dataset", "describe_categorical", "infer_task",
           "parse_categorical", "parse_columns", "parse_groups",
           "prepare_dataset", "read_table"]

MAX_CLASSES_AUTO = 20
MIN_ROWS = 10
GROUPS_EXAMPLE = '"pos=x,y;colour=red,green,blue"'


@dataclass
class Dataset:
    """A checked table, ready for an estimator.

    ``X`` holds the numeric feature columns as float and the categorical ones
    as they were read; ``categorical_features`` is the estimator's parameter
    ('auto', None or a list of columns) and ``categorical`` the columns it
    makes categorical, with their number of categories. ``kinds`` describes
    every channel for the report: 'numeric', 'categorical (k categories)' or
    'group (n columns)'. ``thousands`` names the columns read with
    thousands separators: ``{column: (separator, example, number)}``.
    """

    X: pd.DataFrame
    y: np.ndarray
    task: str
    feature_groups: dict | None
    target: str
    categorical_features: str | list | None = "auto"
    categorical: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)
    thousands: dict = field(default_factory=dict)


def _listing(names, limit=12):
    """Names as Python writes them (a name with a comma stays one name)."""
    names = [repr(str(n)) for n in names]
    more = f", ... ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def parse_columns(spec):
    """``'a, "b, c"'`` -> ``["a", "b, c"]``: comma-separated as a CSV line,
    so a name holding a comma is quoted; empty names are ignored."""
    cells = next(csv.reader([spec or ""], skipinitialspace=True), [])
    return [c.strip() for c in cells if c.strip()]


def _as_option(names):
    """Names as one --drop value: a CSV line, shell-quoted when needed."""
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow(names)
    text = line.getvalue()
    return text if re.fullmatch(r"[\w.,-]+", text) else f"'{text}'"


def parse_groups(spec):
    """Parse ``"name=col,col;name=col,..."`` into an ordered dict.

    Raises
    ------
    CLIError
        On an entry without ``=``, an empty name or column list, a repeated
        group name, or a column in two groups.
    """
    groups = {}
    entries = [e.strip() for e in split_unquoted(spec, ";") if e.strip()]
    if not entries:
        raise CLIError(f"--groups is empty; expected NAME=COL,COL;... e.g. "
                       f"{GROUPS_EXAMPLE}")
    seen = {}
    for entry in entries:
        name, sep, cols = entry.partition("=")
        name, columns = name.strip(), parse_columns(cols)
        if not sep or not name or not columns or "=" in cols:
            raise CLIError(f"bad --groups entry {entry!r}: expected "
                           f"NAME=COL,COL,... e.g. {GROUPS_EXAMPLE}")
        if name in groups:
            raise CLIError(f"--groups names the group {name!r} twice")
        for col in columns:
            if col in seen:
                raise CLIError(f"--groups puts column {col!r} in two groups "
                               f"({seen[col]!r} and {name!r})")
            seen[col] = name
        groups[name] = columns
    return groups


def parse_categorical(spec):
    """``--categorical``: ``auto`` -> 'auto', ``none`` -> None, ``a,b`` -> list."""
    text = (spec or "").strip()
    if text.lower() in ("auto", "none"):
        return None if text.lower() == "none" else "auto"
    columns = parse_columns(text)
    if not columns:
        raise CLIError("--categorical is empty; give auto, none or COL,COL,...")
    return columns


def _is_numeric(column):
    return is_numeric_dtype(column) and not is_bool_dtype(column)


def _not_class_labels(y):
    """Why a numeric target does not look like class labels ('' when it does).

    Class labels are integers, at most ``MAX_CLASSES_AUTO`` distinct ones.
    """
    values = y.to_numpy(dtype=float)
    fractional = values[values != np.round(values)]
    if fractional.size:
        return (f"the target {y.name!r} holds non-integer values (such as "
                f"{fractional[0]:g})")
    n_distinct = y.nunique()
    if n_distinct > MAX_CLASSES_AUTO:
        return (f"the target {y.name!r} holds {n_distinct} distinct numbers "
                f"(more than {MAX_CLASSES_AUTO})")
    return ""


def infer_task(y, task="auto", *, force=False):
    """'classification' or 'regression' for a target column.

    ``auto`` is classification when the target is not numeric, or when it
    holds at most 20 distinct values, all integers; otherwise regression (a
    float target with fractional values is never taken as classes). An
    explicit ``classification`` of a numeric target that does not look like
    class labels is refused unless ``force``.
    """
    numeric = _is_numeric(y)
    stray = "" if numeric else _stray_values(y)
    if task == "regression" and not numeric:
        raise CLIError(f"--task regression needs a numeric target; {y.name!r} "
                       f"holds values such as {y.iloc[0]!r}.{stray}")
    if task == "auto" and stray:
        raise CLIError(
            f"the target {y.name!r} is not numeric, so it would be taken as "
            f"class labels, one class per distinct value.{stray} Or pass "
            "--task classification if the values are class labels")
    problem = _not_class_labels(y) if numeric else ""
    if task == "classification" and problem and not force:
        raise CLIError(
            f"--task classification: {problem}, which looks like a quantity "
            "rather than class labels; use --task regression, or add "
            "--force-task to make every distinct value a class")
    if task != "auto":
        return task
    return "regression" if problem else "classification"


def _feature_groups(features, groups, target, dropped):
    """Channels: each group as one, every other feature column on its own."""
    grouped = {}
    for name, columns in groups.items():
        if name == target:  # the report would name a channel like the target
            raise CLIError(f"--groups: the group name {name!r} is the target's; "
                           "rename the group")
        for col in columns:
            if col == target:
                raise CLIError(f"--groups: {col!r} is the target; it cannot be a "
                               "feature too")
            if col in dropped:
                raise CLIError(f"--groups uses column {col!r}, which --drop removes")
            if col not in features:
                raise CLIError(f"--groups: no column {col!r}; columns are: "
                               f"{_listing(features)}")
            grouped[col] = name
    channels = {}
    for col in features:
        name = grouped.get(col)
        if name is None:
            if col in groups:
                raise CLIError(f"--groups: the group name {col!r} is also a "
                               "column that is not in it; rename the group")
            channels[col] = [col]
        elif name not in channels:
            channels[name] = list(groups[name])
    return channels


def _named_categorical(spec, features, target, dropped):
    """Check the columns given to ``--categorical COL,COL``."""
    for col in spec:
        if col == target:
            raise CLIError(f"--categorical: {col!r} is the target, not a feature")
        if col in dropped:
            raise CLIError(f"--categorical names column {col!r}, which --drop "
                           "removes")
        if col not in features:
            raise CLIError(f"--categorical: no feature column {col!r}; feature "
                           f"columns are: {_listing(features)}")
    return list(dict.fromkeys(spec))


def _refuse_times(X, columns):
    """Refuse the date and time columns among ``columns`` (not numbers),
    which --categorical auto leaves out, in the command's terms."""
    times = [c for c in columns if _is_temporal(X[c].dtype) or _holds_times(X[c])]
    if times:
        raise CLIError(
            f"feature column(s) {_listing(times)} hold dates or times, which "
            "--categorical auto does not make categories: leave them out with "
            f"--drop {_as_option(times[:3])}, name them in --categorical (with "
            "the text columns) to make each distinct value a category, or write "
            "them into the table as numbers (e.g. days since a start date)")


def _categorical_columns(X, spec, target, dropped):
    """The feature columns to treat as categories; refuse other text columns."""
    text = non_numeric_columns(X)
    if spec == "auto":
        _refuse_times(X, text)
        return text
    chosen = ([] if spec is None
              else _named_categorical(spec, list(X.columns), target, dropped))
    bad = [c for c in text if c not in chosen]
    if bad:
        how = ("--categorical none treats no column as categorical" if spec is None
               else "--categorical does not name them")
        raise CLIError(
            f"feature column(s) {_listing(bad)} are not numeric and {how}: use "
            "--categorical auto (each text column becomes one channel) or add "
            f"them to --categorical, or leave them out with --drop "
            f"{_as_option(bad[:3])}")
    return chosen


def _n_categories(column):
    if isinstance(column.dtype, pd.CategoricalDtype):
        return len(column.cat.categories)
    return int(column.nunique())


def _as_missing(columns, missing_text):
    """'; ... read as missing' naming the texts taken as missing, or ''."""
    said = [f"{', '.join(map(repr, missing_text[c]))} in {c!r}"
            for c in columns if c in missing_text]
    return f"; read as missing: {'; '.join(said)}" if said else ""


def _check_missing(frame, categorical, missing_text):
    numeric = frame.drop(columns=categorical)
    bad = (numeric.isna() | numeric.isin([np.inf, -np.inf])).to_numpy()
    if bad.any():
        cols = [c for c, b in zip(numeric.columns, bad.any(axis=0), strict=True)
                if b]
        raise CLIError(
            f"{int(bad.any(axis=1).sum())} row(s) have missing or infinite values "
            f"(columns: {_listing(cols)}{_as_missing(cols, missing_text)}); "
            "drop or impute them first"
        )
    missing = frame[categorical].isna().sum()
    missing = missing[missing > 0]
    if len(missing):
        raise CLIError(
            f"categorical column(s) {_listing(missing.index)} have missing values "
            f"({int(missing.sum())} in all); fill them (e.g. with a 'missing' "
            "category) or drop those rows first")


def _features(frame, features, spec, target, dropped):
    """The feature frame (numeric columns as float) and its categories."""
    X = frame[features]
    categorical = _categorical_columns(X, spec, target, dropped)
    _check_missing(frame[[*features, target]], categorical,
                   frame.attrs.get(MISSING_TEXT, {}))
    numeric = [c for c in features if c not in categorical]
    X = X.astype(dict.fromkeys(numeric, float))
    return X, {c: _n_categories(X[c]) for c in categorical}


def describe_categorical(categorical):
    """``{"island": 3}`` -> ``"island (3 categories)"``; '' when empty."""
    return ", ".join(f"{c} ({k} categories)" for c, k in categorical.items())


def _channel_kinds(features, feature_groups, categorical):
    """'numeric', 'categorical (k categories)' or 'group (n columns)'."""
    channels = feature_groups or {c: [c] for c in features}
    kinds = {}
    for name, columns in channels.items():
        if len(columns) > 1:
            kinds[name] = f"group ({len(columns)} columns)"
        elif columns[0] in categorical:
            kinds[name] = f"categorical ({categorical[columns[0]]} categories)"
        else:
            kinds[name] = "numeric"
    return kinds


def _class_labels(y):
    """A numeric classification target as class labels.

    Whole numbers become integers; a target with fractional values (which
    only ``--force-task`` makes classes) becomes text, each value written as
    the shortest text that reads back as it (``0.5`` -> ``'0.5'``), so that
    distinct values stay distinct classes: scikit-learn calls a float target
    with fractional values continuous and refuses it as classes.

    Parameters
    ----------
    y : ndarray
        The numeric target values.

    Returns
    -------
    labels : ndarray of int64 or of str
    """
    as_float = y.astype(float) + 0.0  # -0.0 and 0.0 are one class
    if np.all(as_float == np.round(as_float)):
        return as_float.astype(np.int64)
    return np.array([repr(float(v)) for v in as_float])


def _target(frame, target, task, force):
    """The task and the target values (numeric classes as ``_class_labels``)."""
    task = infer_task(frame[target], task, force=force)
    y = frame[target].to_numpy()
    if task == "classification" and _is_numeric(frame[target]):
        y = _class_labels(y)
    values = np.unique(y.astype(str)) if task == "classification" else np.unique(y)
    if len(values) < 2:
        raise CLIError(f"the target {target!r} has a single value ({values[0]}); "
                       "there is nothing to predict")
    return task, y


def _feature_columns(frame, target, drop):
    columns = list(frame.columns)
    if target not in columns:
        raise CLIError(f"no column {target!r} in the data; columns are: "
                       f"{_listing(columns)}")
    unknown = [c for c in drop if c not in columns]
    if unknown:
        raise CLIError(f"--drop: no column(s) {_listing(unknown)}; columns are: "
                       f"{_listing(columns)}")
    if target in drop:
        raise CLIError(f"--drop removes the target {target!r}")
    features = [c for c in columns if c != target and c not in drop]
    if not features:
        raise CLIError("no feature columns are left besides the target")
    if len(frame) < MIN_ROWS:
        raise CLIError(f"the data has only {len(frame)} rows; at least "
                       f"{MIN_ROWS} are needed")
    return features


def prepare_dataset(frame, target, *, task="auto", drop=(), groups=None,
                    categorical="auto", force_task=False):
    """Check a table and split it into features and target.

    Parameters
    ----------
    frame : DataFrame
    target : str
        Target column.
    task : {"auto", "classification", "regression"}
    drop : list of str
        Columns to leave out.
    groups : dict name -> list of columns, optional
        Columns that form one channel each; every feature column not named in
        a group is a channel of its own.
    categorical : 'auto', None or list of str, default='auto'
        The estimator's ``categorical_features``: 'auto' makes every text
        (or category) column categorical, None none of them (text columns are
        then refused), a list exactly those feature columns.
    force_task : bool, default=False
        Accept ``task='classification'`` for a numeric target that does not
        look like class labels.

    Returns
    -------
    Dataset
    """
    features = _feature_columns(frame, target, drop)
    X, categories = _features(frame, features, categorical, target, set(drop))
    task, y = _target(frame, target, task, force_task)
    feature_groups = (None if groups is None
                      else _feature_groups(features, groups, target, set(drop)))
    return Dataset(X=X, y=y, task=task, feature_groups=feature_groups,
                   target=target, categorical_features=categorical,
                   categorical=categories,
                   kinds=_channel_kinds(features, feature_groups, categories))
