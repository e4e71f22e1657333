"""rnnlib: the numpy library behind the course book on training recurrent networks.

Small, explicit functions in the spirit of a layer library: parameters are a dict of
arrays named as in Goodfellow et al., *Deep Learning*, ch. 10 (``U``, ``W``, ``V``,
``b``, ``c``), arrays are time-major (``x`` is ``(T, B, D)``), float64 by default, and
every function validates its input and says clearly what it expected.

Every public name of the submodules is available at the top level, e.g.
``rnnlib.forward`` is :func:`rnnlib.core.forward`.
"""

from . import (clipping, core, gradcheck, graph, losses, plotting, progressbar, spectral,
               tasks, training, widgets)
from .clipping import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .gradcheck import *  # noqa: F401,F403
from .graph import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .plotting import *  # noqa: F401,F403
from .progressbar import *  # noqa: F401,F403
from .spectral import *  # noqa: F401,F403
from .tasks import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .widgets import *  # noqa: F401,F403

__version__ = "0.1.0"

_MODULES = (core, losses, clipping, gradcheck, spectral, graph, tasks, training, plotting,
            widgets, progressbar)
__all__ = sorted({name for module in _MODULES for name in module.__all__})
