"""LaTeX reports and lecture slides built from objects the engine computed in the same run.

>>> from symconv.report import load_spec
>>> load_spec("lecture").output
'lecture'
"""

from symconv.report.environment import make_environment
from symconv.report.filters import latex_escape
from symconv.report.spec import REPORT_KINDS, ReportSpec, default_spec, load_spec

__all__ = ["REPORT_KINDS", "ReportSpec", "default_spec", "latex_escape", "load_spec",
           "make_environment"]
