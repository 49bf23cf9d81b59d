"""thermo_trace: record thermo trace v1 files (docs/trace-format.md) from any training loop.

``Recorder`` is the framework-free core (NumPy gradients); ``thermo_trace.torch.watch`` the PyTorch adapter.
"""
__version__ = "0.1.0"

from .recorder import Recorder, TraceClosedError  # noqa: E402
from .writer import TraceExistsError  # noqa: E402

__all__ = ["Recorder", "TraceClosedError", "TraceExistsError", "__version__"]
