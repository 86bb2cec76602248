"""Command line: `sethlab-analysis fit|plot|report FILES...`.

The CLI only parses, loads and dispatches; the work lives in the modules it calls. Bad input
(AnalysisError) prints `sethlab-analysis: error: FILE: problem` and exits 2, like argparse's own
usage errors; no traceback, because the fix is in the input, not here.
"""

import argparse
import os
import sys

from sethlab_analysis import __version__
from sethlab_analysis.errors import AnalysisError
from sethlab_analysis.options import add_knobs, settings_from

PROG = "sethlab-analysis"
EXIT_BAD_INPUT = 2


def _fit(args, analysis):
    from sethlab_analysis.textout import render_json, render_text
    print(render_json(analysis) if args.json else render_text(analysis))


def _plot(args, analysis):
    from sethlab_analysis.plots import write_plots
    for plot in write_plots(analysis, args.output):
        print(os.path.join(args.output, plot.name))


def _report(args, analysis):
    from sethlab_analysis.report import write_report
    md_path, html_path = write_report(analysis, args.output)
    for verdict in analysis.verdicts:
        print(verdict.text)
    print(f"wrote {html_path} and {md_path}")


COMMANDS = {
    "fit": (_fit, "fit the scaling laws and print a table (or JSON with --json)"),
    "plot": (_plot, "write the PNG plots into a folder"),
    "report": (_report, "write report.html (self-contained) and report.md into a folder and "
                        "print one verdict line per experiment"),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog=PROG, description="Fit, plot and report sethlab results files (HDF5, "
                               "docs/results-format.md). Several files (array parts) are "
                               "analysed together.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("files", nargs="+", metavar="FILE", help="sethlab results file(s)")
        if name == "fit":
            cmd.add_argument("--json", action="store_true", help="print JSON instead of a table")
        else:
            cmd.add_argument("-o", "--output", required=True, metavar="DIR",
                             help="folder to write into (created if missing)")
        add_knobs(cmd)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    # Imported here so `--help` answers without loading h5py and numpy.
    from sethlab_analysis.analysis import analyse
    from sethlab_analysis.loader import load_results
    try:
        analysis = analyse(load_results(args.files), settings_from(args))
        COMMANDS[args.command][0](args, analysis)
    except AnalysisError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # the output folder cannot be written
        where = getattr(error, "filename", None) or getattr(args, "output", PROG)
        print(f"{PROG}: error: {where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0
