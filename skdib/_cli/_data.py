"""Reading and checking the user's table for ``skdib analyze``."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from skdib._utils._validation import non_numeric_columns

__all__ = ["CLIError", "Dataset", "infer_task", "parse_columns", "parse_groups",
           "prepare_dataset", "read_table"]

MAX_CLASSES_AUTO = 20
MIN_ROWS = 10
GROUPS_EXAMPLE = '"pos=x,y;colour=red,green,blue"'


class CLIError(Exception):
    """A problem with the user's input: printed as one line, exit status 2."""


@dataclass
class Dataset:
    """A checked table, ready for an estimator."""

    X: pd.DataFrame
    y: np.ndarray
    task: str
    feature_groups: dict | None
    target: str


def _listing(names, limit=12):
    names = [str(n) for n in names]
    more = f", ... ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def read_table(path):
    """Read a CSV (or TSV, or Parquet when pandas can) into a DataFrame."""
    path = Path(path)
    if not path.exists():
        raise CLIError(f"no such file: {path}")
    if path.is_dir():
        raise CLIError(f"{path} is a folder; give a CSV or Parquet file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            try:
                frame = pd.read_parquet(path)
            except ImportError:
                raise CLIError(
                    "reading Parquet needs pyarrow: install it (pip install "
                    "pyarrow) or save the table as CSV"
                ) from None
        else:
            sep = "\t" if suffix in (".tsv", ".tab") else ","
            frame = pd.read_csv(path, sep=sep)
            if frame.shape[1] == 1 and ";" in str(frame.columns[0]):
                frame = pd.read_csv(path, sep=";")
    except CLIError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise CLIError(f"could not read {path}: {first or type(exc).__name__}") \
            from None
    if frame.empty:
        raise CLIError(f"{path} has no data rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def parse_columns(spec):
    """``"a,b"`` -> ``["a", "b"]`` (empty names are ignored)."""
    return [c.strip() for c in (spec or "").split(",") if c.strip()]


def parse_groups(spec):
    """Parse ``"name=col,col;name=col,..."`` into an ordered dict.

    Raises
    ------
    CLIError
        On an entry without ``=``, an empty name or column list, a repeated
        group name, or a column in two groups.
    """
    groups = {}
    entries = [e.strip() for e in spec.split(";") if e.strip()]
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


def infer_task(y, task="auto"):
    """'classification' or 'regression' for a target column.

    ``auto`` is classification when the target is not numeric, or when it
    holds at most 20 distinct integer values; otherwise regression.
    """
    numeric = is_numeric_dtype(y) and not is_bool_dtype(y)
    if task == "regression" and not numeric:
        raise CLIError(f"--task regression needs a numeric target; {y.name!r} "
                       f"holds values such as {y.iloc[0]!r}")
    if task != "auto":
        return task
    if not numeric:
        return "classification"
    values = y.to_numpy(dtype=float)
    integer = np.all(values == np.round(values))
    return ("classification" if integer and y.nunique() <= MAX_CLASSES_AUTO
            else "regression")


def _feature_groups(features, groups, target, dropped):
    """Channels: each group as one, every other feature column on its own."""
    grouped = {}
    for name, columns in groups.items():
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


def _check_features(X):
    bad = non_numeric_columns(X)
    if bad:
        example = bad[0]
        raise CLIError(
            f"feature column(s) {_listing(bad)} are not numeric: one-hot encode "
            "them (e.g. pandas.get_dummies) and pass each block as one channel "
            f'with --groups "{example}={example}_a,{example}_b,...", or leave '
            f"them out with --drop {','.join(bad[:3])}"
        )
    return X.astype(float)


def _check_missing(frame):
    bad = (frame.isna() | frame.isin([np.inf, -np.inf])).to_numpy()
    if bad.any():
        cols = [c for c, b in zip(frame.columns, bad.any(axis=0), strict=True) if b]
        raise CLIError(
            f"{int(bad.any(axis=1).sum())} row(s) have missing or infinite values "
            f"(columns: {_listing(cols)}); drop or impute them first"
        )


def prepare_dataset(frame, target, *, task="auto", drop=(), groups=None):
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
        Columns that form one channel each; the other features are channels
        on their own.

    Returns
    -------
    Dataset
    """
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
    _check_missing(frame[[*features, target]])
    X = _check_features(frame[features])
    task = infer_task(frame[target], task)
    y = frame[target].to_numpy()
    values = np.unique(y.astype(str)) if task == "classification" else np.unique(y)
    if len(values) < 2:
        raise CLIError(f"the target {target!r} has a single value ({values[0]}); "
                       "there is nothing to predict")
    if task == "classification" and is_numeric_dtype(frame[target]):
        as_float = y.astype(float)
        if np.all(as_float == np.round(as_float)):
            y = as_float.astype(np.int64)
    feature_groups = (None if groups is None
                      else _feature_groups(features, groups, target, set(drop)))
    return Dataset(X=X, y=y, task=task, feature_groups=feature_groups,
                   target=target)
