"""Print the notebooks named in _toc.yml, one path per line (used by the Makefile)."""

import sys

from execute import toc_notebooks

if __name__ == "__main__":
    for path in toc_notebooks():
        print(path.relative_to(path.parents[1]))
    sys.exit(0)
