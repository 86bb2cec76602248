"""The analysis knobs, one row each: this table drives the command-line flags, their --help
text, the range checks and the settings echoed into JSON and reports."""

import argparse
from dataclasses import dataclass, field, make_dataclass


@dataclass(frozen=True)
class Knob:
    name: str
    type: type
    default: object
    lo: object
    hi: object
    unit: str
    help: str

    @property
    def flag(self):
        return "--" + self.name.replace("_", "-")

    def parse(self, text):
        """argparse type: convert, then refuse values outside [lo, hi] naming the knob."""
        try:
            value = self.type(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {self.type.__name__}") from None
        if not self.lo <= value <= self.hi:
            raise argparse.ArgumentTypeError(
                f"{self.name} = {value} is outside its range [{self.lo}, {self.hi}]")
        return value


KNOBS = (
    Knob("resamples", int, 2000, 10, 1_000_000, "", "bootstrap resamples per fit"),
    Knob("seed", int, 1, 0, 2**63 - 1, "", "seed of the bootstrap random generator"),
    Knob("confidence", float, 0.95, 0.5, 0.999, "",
         "coverage of confidence and prediction intervals"),
    Knob("holdout", float, 1 / 3, 0.1, 0.5, "of sizes",
         "share of the largest distinct sizes held out for the extrapolation challenge "
         "(at least 3 sizes stay in the fit, at least 1 is held out)"),
)


def _settings_to_dict(self):
    return {k.name: getattr(self, k.name) for k in KNOBS}


# The settings record is generated from the table too, so a new knob cannot be forgotten here.
Settings = make_dataclass("Settings", [(k.name, k.type, field(default=k.default)) for k in KNOBS],
                          frozen=True, namespace={"to_dict": _settings_to_dict})


def add_knobs(parser):
    for knob in KNOBS:
        unit = f" {knob.unit}" if knob.unit else ""
        default = f"{knob.default:.3g}" if knob.type is float else knob.default
        parser.add_argument(knob.flag, dest=knob.name, type=knob.parse, default=knob.default,
                            metavar=knob.type.__name__.upper(),
                            help=f"{knob.help} (default {default}{unit}; "
                                 f"range {knob.lo}..{knob.hi})")


def settings_from(args):
    return Settings(**{k.name: getattr(args, k.name) for k in KNOBS})
