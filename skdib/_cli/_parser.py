"""The argument parser of the ``skdib`` command and its help texts."""

import argparse
import math
import re

from skdib._cli._data import MAX_CLASSES_AUTO, CLIError
from skdib._cli._scores import N_TREES

__all__ = ["FIT_SETTINGS", "PASSED_SETTINGS", "build_parser", "check_args",
           "estimator_defaults", "flag", "parse_command_line"]

#: The largest seed numpy takes (``random_state``): 2**32 - 1.
MAX_SEED = 2**32 - 1

# Estimator settings with a command-line option (--n-steps, ...).
FIT_SETTINGS = ("n_steps", "n_pretrain_steps", "n_checkpoints", "n_replicates")
# Every estimator setting the command passes on when given (--precision too).
PASSED_SETTINGS = (*FIT_SETTINGS, "validation_fraction", "beta_end", "precision")


def flag(name):
    """The option of the estimator setting ``name``: ``n_steps`` ->
    ``--n-steps``."""
    return "--" + name.replace("_", "-")

DESCRIPTION = """\
Find where the information about a target is, with the Distributed
Information Bottleneck: one fit compresses every feature on its own while the
bottleneck strength beta rises, and records how many bits each feature keeps
and how well the target is still predicted. The result is a report folder
with plots you can open in a browser."""

GROUPS_HELP = f"""\
Reading DATA: the separator is the comma, semicolon or tab that the header
line holds most often outside quotes (.tsv and .tab: tab); a semicolon file
may use decimal commas. A column of numbers written with thousands
separators is read as numbers, with a note, where no other reading is
possible: a value with two groups (12.345.678, "1,234,567") or a group
before the decimal part (2.641,35, "1,234.5"). A column of values such as
1.921 or 1.250, which may be thousands or three decimal places, is read
as before, with a note where the file could mean thousands (not for '.'
in a comma file): state the separator with --thousands . (or ,). A
stated separator reads a column when every value holding it has it
between groups of three digits (1.250, 12.345,6), the other mark being
the decimal mark of the whole file; a column with other such values (0.5
under --thousands ., 2,5 under --thousands ,) is left as text, with a
note. A file that is not UTF-8 is read as cp1252 (Excel's plain "CSV" on
Windows), with a note. Only empty cells
are missing in a text column ("NA" and "None" are categories); in a column
of numbers the texts pandas takes for missing ("NA", "nan", "NULL", ...)
are missing too.
A first column without a header name (the index that pandas' to_csv
writes) is the row index, not a feature; a column without a name and
without values is left out; any other column without a name is refused:
name it, or leave it out with --drop 'Unnamed: N' (N counts from 0).
The first line must be the header: a note says when it holds only numbers
(a file without a header line).

Channels: every feature column not named in a group is its own channel; use
--drop to leave a column out.

Column lists (--drop, --categorical, --groups) are read as a line of a CSV
file: a name holding a comma goes in double quotes, and the whole value in
single quotes for the shell, e.g. --drop 'id,"dose, mg"'.

--groups syntax: NAME=COL,COL,...;NAME=COL,... Each group becomes ONE
channel (one compressed variable), e.g. a 2-D position or the columns of a
one-hot encoded category (a text column needs none: see --categorical):
    --groups "pos=x,y;colour=colour_red,colour_green,colour_blue"
Quote the spec in the shell. A group may neither hold the target nor be
named like it.

--categorical auto (the default): every text or category column is one
channel, one-hot encoded inside the model and named after the column.
'none' treats no column as categorical (text columns are then refused);
COL,COL,... makes exactly those feature columns categorical (integer codes
too). Missing values are refused in every column: drop or fill them first.

--task auto: classification when the target is not numeric or holds at most
{MAX_CLASSES_AUTO} distinct values, all integers; regression otherwise (a target
with fractional values is never taken as classes). --task classification on
a numeric target with fractional values or more than {MAX_CLASSES_AUTO} distinct
values is refused unless --force-task confirms it.

--cv K: after the fit, the chosen path point (one sweep per fold), a linear
model (logistic regression or ridge, standardised) and a random forest
({N_TREES} trees) are cross-validated on the same K folds (K more fits of the
model), and the
report shows each score as mean +- standard error over the folds. --cv 0
skips this.

Ctrl-C during the fit writes the report of the path recorded so far (none
before the first checkpoint); during --cv, the report of the finished fit
without cross-validated scores. Either report is marked "Interrupted" at
its top, saying which step stopped. Either way
the exit status is 130, stdout says "Partial report (interrupted) written
to ...", and the partial report never replaces an earlier report in --out:
it goes to a new folder inside it (<out>/interrupted, then interrupted-2,
...), named on stderr, which later runs into --out leave alone.

The report folder (--out) holds index.html (ranking table, scores and
plots), path.csv (the information path), PNG plots, model.joblib (the
fitted estimator: joblib.load) and run.json (command, versions, device,
timing, scores). Files of an earlier report in the same folder are
replaced; any other folder must be new or empty (the command refuses one
with other files before the fit), and a report never overwrites its input
table; --out (or, when missing, the folder it goes in) must be writable,
and may lead neither through a file (data.csv/report) nor through a
symbolic link to nothing, which is checked before the fit. A report is
written whole into a hidden folder inside --out and then moved in; Ctrl-C
or an error while it is written leaves --out as it was, and removes the
folders the run created for it."""

DEMO_HELP = """\
The demo builds a random Boolean circuit of AND / OR / XOR gates with 10
binary inputs (skdib.datasets.make_boolean_circuit), fits a
DistributedIBClassifier with its default settings on the full truth table
(1024 rows), prints the bits per input along the path, and writes a report
that also compares the input subsets on the path with the exact most
informative subsets."""


# Options whose value holds column names; a name may start with "-".
COLUMN_OPTIONS = ("--target", "--categorical", "--groups", "--drop")


def _dash_hint(flag):
    """How to give ``flag`` a value that starts with "-" (shared by the help
    and the error)."""
    return f"a value that starts with '-' needs the {flag}=VALUE form"


class _Parser(argparse.ArgumentParser):
    """Argument errors become one ``skdib: error:`` line (status 2)."""

    def error(self, message):
        missing = re.fullmatch(r"argument (--[\w-]+)(?:/\S+)?: expected one "
                               r"argument", message)
        if missing and missing.group(1) in COLUMN_OPTIONS:
            # "--drop -x": argparse takes a column "-x" for an option
            message += f" ({_dash_hint(missing.group(1))})"
        raise CLIError(f"{message} (see '{self.prog} --help')")


def estimator_defaults():
    """The estimators' defaults of the settings the command exposes, and
    of ``beta_start``, where the sweep starts (no option sets it).

    Read from the estimators themselves, so the help can never drift from
    them: ``{name: value}`` when the classifier and the regressor agree,
    ``{name: "classifier X, regressor Y"}`` otherwise.
    """
    from skdib import DistributedIBClassifier, DistributedIBRegressor

    clf = DistributedIBClassifier().get_params()
    reg = DistributedIBRegressor().get_params()
    return {name: clf[name] if clf[name] == reg[name]
            else f"classifier {clf[name]}, regressor {reg[name]}"
            for name in (*PASSED_SETTINGS, "beta_start")}


def _setting_option(group, defaults):
    """``add(name, kind, metavar, what, more="")``: adds to ``group`` the
    option of the estimator setting ``name``, whose help is ``what``, the
    estimators' default and ``more``; left unset, the estimator's own
    default applies."""
    def add(name, kind, metavar, what, more=""):
        group.add_argument(flag(name), type=kind, default=None, metavar=metavar,
                           help=f"{what} (default: the estimator's, "
                                f"{defaults[name]}){more}")

    return add


def _common_options(parser, default_out):
    from skdib._backend.facade import PRECISIONS

    defaults = estimator_defaults()
    run = parser.add_argument_group("fitting and output")
    run.add_argument("--out", default=default_out, metavar="DIR",
                     help="report folder: new, empty, or one with an earlier "
                          "report, whose files are replaced (default: "
                          f"{default_out})")
    setting = _setting_option(run, defaults)
    setting("n_steps", int, "N", "steps of the beta sweep",
            "; fewer is faster and coarser")
    setting("n_pretrain_steps", int, "N", "steps before the sweep")
    setting("n_checkpoints", int, "N", "points recorded on the path")
    setting("n_replicates", int, "N", "sweeps with different seeds; each "
            "checkpoint keeps the one with the lowest validation loss",
            "; N times the fit time")
    setting("validation_fraction", float, "F", "share of the rows held out "
            "to score the path and choose its point, from 0 (score on the "
            "training rows) to below 1")
    setting("beta_end", float, "B", "the largest bottleneck strength beta of "
            "the sweep", "; raise it when the channels still carry bits at "
            f"its end. The sweep starts at beta {defaults['beta_start']} (the "
            "estimator's; no option changes it), so B must be at least that")
    run.add_argument("--precision", default=None,
                     choices=PRECISIONS,
                     help="arithmetic of the training steps (default: the "
                          f"estimator's, {defaults['precision']}); bfloat16 "
                          "and tf32 speed up large networks on hardware with "
                          "such units, and the bits are always computed in "
                          "float32 or float64")
    run.add_argument("--device", default="auto", metavar="D",
                     help="'auto' (GPU when there is one), 'cpu', 'cuda' or "
                          "'cuda:N' (default: auto)")
    run.add_argument("--seed", type=int, default=0, metavar="S",
                     help="random seed of the split, the network and the "
                          "demo circuit, from 0 to 2**32 - 1 (default: 0)")
    run.add_argument("--quiet", action="store_true",
                     help="no progress bar and no table; print only where the "
                          "report is")


def build_parser():
    """The argument parser of the ``skdib`` command."""
    parser = _Parser(prog="skdib", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="Run 'skdib demo --help' or 'skdib analyze --help' "
                            "for the options of each command.")
    from skdib import __version__

    parser.add_argument("--version", action="version",
                        version=f"skdib {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     required=True)
    demo = commands.add_parser(
        "demo", help="fit a 10-input Boolean circuit and write a report",
        description=DEMO_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _common_options(demo, "skdib-report")
    analyze = commands.add_parser(
        "analyze", help="analyse your own CSV or Parquet table",
        description="Fit a Distributed IB model to a table and write a report.",
        epilog=GROUPS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyze.add_argument("data", metavar="DATA",
                         help="CSV file (comma, semicolon or tab separated, "
                              "also compressed: .csv.gz, .csv.zip, .csv.bz2, "
                              ".csv.xz; .parquet needs pyarrow), one row per "
                              "sample, with a header (see below)")
    data = analyze.add_argument_group("data")
    data.add_argument("--target", required=True, metavar="COL",
                      help="column to predict; " + _dash_hint("--target"))
    data.add_argument("--task", choices=("auto", "classification", "regression"),
                      default="auto", help="default: auto (see below)")
    data.add_argument("--force-task", action="store_true",
                      help="accept --task classification for a numeric target "
                           "with fractional values or more than "
                           f"{MAX_CLASSES_AUTO} distinct values (each distinct "
                           "value becomes a class)")
    data.add_argument("--categorical", default="auto", metavar="auto|none|COLS",
                      help="which feature columns are categories, one channel "
                           "each: auto (text columns), none, or COL,COL,... "
                           "(default: auto; see below); "
                           + _dash_hint("--categorical"))
    data.add_argument("--groups", default=None, metavar="SPEC",
                      help='columns that form one channel, e.g. "pos=x,y;'
                           'colour=r,g,b"; every feature column not named in a '
                           "group is its own channel (see below); "
                           + _dash_hint("--groups"))
    data.add_argument("--drop", default="", metavar="COLS",
                      help="comma-separated columns to leave out, e.g. id,date; "
                           + _dash_hint("--drop"))
    data.add_argument("--thousands", choices=(".", ",", "none", "auto"),
                      default="auto", metavar="SEP",
                      help="the thousands separator of DATA's numbers: '.' "
                           "or ',', the other mark being the decimal mark; "
                           "none reads no separator, and auto (the default) "
                           "reads one where it is unambiguous (see below)")
    data.add_argument("--cv", type=int, default=5, metavar="K",
                      help="folds to cross-validate the chosen point and two "
                           "baselines on (default: 5; 0 skips; see below)")
    _common_options(analyze, "skdib-report")
    return parser


def parse_command_line(argv):
    """The parsed command line; an argument no option takes is refused with
    the help of its command (``skdib analyze --help``), not the program's.

    Parameters
    ----------
    argv : list of str
        Arguments without the program name.

    Returns
    -------
    args : Namespace
    """
    args, extra = build_parser().parse_known_args(argv)
    if extra:
        raise CLIError(f"unrecognized arguments: {' '.join(extra)} (see "
                       f"'skdib {args.command} --help')")
    return args


def check_args(args):
    """Cheap checks of the parsed command line that should fail before a
    long fit; raise :class:`CLIError` with one line.

    Parameters
    ----------
    args : Namespace
        From :func:`build_parser`.
    """
    from skdib._cli.report._folder import check_out_folder

    data = getattr(args, "data", None)  # analyze: the table must survive
    check_out_folder(args.out, inputs=[] if data is None else [data])
    for name in FIT_SETTINGS:
        value = getattr(args, name)
        minimum = 0 if name == "n_pretrain_steps" else 1
        if value is not None and value < minimum:
            raise CLIError(f"{flag(name)} must be >= {minimum}, got {value}")
    fraction = args.validation_fraction
    if fraction is not None and not 0 <= fraction < 1:
        raise CLIError(f"--validation-fraction must be at least 0 and below 1, "
                       f"got {fraction:g}")
    if args.beta_end is not None and not 0 < args.beta_end < math.inf:
        raise CLIError(f"--beta-end must be a number above 0, got "
                       f"{args.beta_end:g}")
    if not 0 <= args.seed <= MAX_SEED:  # numpy's seeds, checked before a fit
        raise CLIError(f"--seed must be between 0 and {MAX_SEED} (2**32 - 1), "
                       f"got {args.seed}")
    cv = getattr(args, "cv", 0)
    if cv < 0 or cv == 1:
        raise CLIError(f"--cv must be 0 (no cross-validation) or at least 2 "
                       f"folds, got {cv}")
