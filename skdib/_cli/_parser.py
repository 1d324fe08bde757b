"""The argument parser of the ``skdib`` command and its help texts."""

import argparse

from skdib._cli._data import CLIError

__all__ = ["build_parser"]

DESCRIPTION = """\
Find where the information about a target is, with the Distributed
Information Bottleneck: one fit compresses every feature on its own while the
bottleneck strength beta rises, and records how many bits each feature keeps
and how well the target is still predicted. The result is a report folder
with plots you can open in a browser."""

GROUPS_HELP = """\
--groups syntax: NAME=COL,COL,...;NAME=COL,... Each group becomes ONE
channel (one compressed variable), e.g. a 2-D position or the columns of a
one-hot encoded category:
    --groups "pos=x,y;colour=colour_red,colour_green,colour_blue"
Columns in no group are channels of their own. Quote the spec in the shell.

--task auto: classification when the target is not numeric or holds at most
20 distinct integer values; regression otherwise.

Features must be numeric, without missing values: one-hot encode categories
(e.g. pandas.get_dummies) and pass each block with --groups.

The report folder (--out) holds index.html (ranking table and plots),
path.csv (the information path), PNG plots, model.joblib (the fitted
estimator: joblib.load) and run.json (command, versions, device, timing).
Files of an earlier report in the same folder are replaced."""

DEMO_HELP = """\
The demo builds a random Boolean circuit of AND / OR / XOR gates with 10
binary inputs (skdib.datasets.make_boolean_circuit), fits a
DistributedIBClassifier with its default settings on the full truth table
(1024 rows), prints the bits per input along the path, and writes a report
that also compares the input subsets on the path with the exact most
informative subsets."""


class _Parser(argparse.ArgumentParser):
    """Argument errors become one ``skdib: error:`` line (status 2)."""

    def error(self, message):
        raise CLIError(f"{message} (see '{self.prog} --help')")


def _common_options(parser, default_out):
    run = parser.add_argument_group("fitting and output")
    run.add_argument("--out", default=default_out, metavar="DIR",
                     help=f"report folder (default: {default_out})")
    run.add_argument("--n-steps", type=int, default=None, metavar="N",
                     help="steps of the beta sweep (default: the estimator's, "
                          "5000); fewer is faster and coarser")
    run.add_argument("--n-pretrain-steps", type=int, default=None, metavar="N",
                     help="steps before the sweep (default: the estimator's, 500)")
    run.add_argument("--n-checkpoints", type=int, default=None, metavar="N",
                     help="points recorded on the path (default: the "
                          "estimator's, 30)")
    run.add_argument("--device", default="auto", metavar="D",
                     help="'auto' (GPU when there is one), 'cpu', 'cuda' or "
                          "'cuda:N' (default: auto)")
    run.add_argument("--seed", type=int, default=0, metavar="S",
                     help="random seed of the split, the network and the "
                          "demo circuit (default: 0)")
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
                         help="CSV file (.tsv: tab-separated; .parquet needs "
                              "pyarrow), one row per sample, with a header")
    data = analyze.add_argument_group("data")
    data.add_argument("--target", required=True, metavar="COL",
                      help="column to predict")
    data.add_argument("--task", choices=("auto", "classification", "regression"),
                      default="auto", help="default: auto (see below)")
    data.add_argument("--groups", default=None, metavar="SPEC",
                      help='columns that form one channel, e.g. "pos=x,y;'
                           'colour=r,g,b" (see below)')
    data.add_argument("--drop", default="", metavar="COLS",
                      help="comma-separated columns to leave out, e.g. id,date")
    _common_options(analyze, "skdib-report")
    return parser
